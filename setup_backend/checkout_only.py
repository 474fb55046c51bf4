"""Turn `pip install .` into a refusal that says what to do, and `pip install -e .` into setuptools' own.

The program reads its templates, styles, fonts, schemes and rules from the checkout (templates/, styles/,
schemes/, rules/ beside render/, where a clerk and a reviewer find them). A wheel would hold render/ alone
and fail at its first table; so only the editable install that `make build` makes is built.
"""

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F401,F403  (every other hook as setuptools has it)

REFUSAL = ("本程序从源码目录运行，不能用 pip install . 安装（模板、样式、字体和审核规则在源码目录中，不在安装包里）："
           "请在源码目录中运行 make build（它运行 pip install -e .），之后运行 python build.py 或 .venv/bin/mubiaobiao")


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    raise SystemExit(REFUSAL)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _setuptools.build_editable(wheel_directory, config_settings, metadata_directory)
