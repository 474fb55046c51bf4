"""Turn `pip install .` into an immediate refusal that says what to do, and `pip install -e .` into setuptools' own.

The program reads its templates, styles, fonts, schemes and rules from the checkout (templates/, styles/,
schemes/, rules/ beside render/, where a clerk and a reviewer find them). A wheel would hold render/ alone
and fail at its first table; so only the editable install that `make build` makes is built.

pyproject.toml requires nothing for the build: setuptools is asked for by the editable hooks alone
(get_requires_for_build_editable), so that `pip install .` is refused at its first hook, before pip has
installed anything into its build environment, and nothing here imports setuptools until it is there.
"""

import warnings

REFUSAL = ("本程序从源码目录运行，不能用 pip install . 安装（模板、样式、字体和审核规则在源码目录中，不在安装包里）："
           "请在源码目录中运行 make build（它运行 pip install -e .），之后运行 python3 build.py 或 .venv/bin/mubiaobiao")
SETUPTOOLS = "setuptools>=68"


def _refuse(*args, **kwargs):
    raise SystemExit("错误：" + REFUSAL)  # pip shows it, a few lines of its own around it


get_requires_for_build_wheel = prepare_metadata_for_build_wheel = build_wheel = _refuse
get_requires_for_build_sdist = build_sdist = _refuse


def get_requires_for_build_editable(config_settings=None):
    return [SETUPTOOLS]


def prepare_metadata_for_build_editable(metadata_directory, config_settings=None):
    from setuptools import build_meta

    return build_meta.prepare_metadata_for_build_editable(metadata_directory, config_settings)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    from setuptools import build_meta

    with warnings.catch_warnings():  # its box of English about folders named like the package: ours is render/
        warnings.filterwarnings("ignore", message="Editable installation")
        return build_meta.build_editable(wheel_directory, config_settings, metadata_directory)
