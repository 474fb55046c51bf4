"""Turn `pip install .` into a wheel that carries the shipped folders, and `pip install -e .` into setuptools' own.

The wheel's contents are pyproject.toml's [tool.setuptools]: render/ and, inside it, templates/, styles/ (with
the faces), schemes/ and rules/, which in a checkout sit beside render/ (render/resources.py finds either).

pyproject.toml requires nothing for the build: each hook asks for setuptools itself, and nothing here imports
setuptools until pip has put it there (or, with --no-build-isolation, finds it installed: 70.1 or newer builds
wheels without the `wheel` package).
"""

import shutil
import warnings
from pathlib import Path

SETUPTOOLS = "setuptools>=70.1"


def _requires(config_settings=None):
    return [SETUPTOOLS]


get_requires_for_build_wheel = get_requires_for_build_editable = get_requires_for_build_sdist = _requires


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    from setuptools import build_meta

    return build_meta.prepare_metadata_for_build_wheel(metadata_directory, config_settings)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    from setuptools import build_meta

    staging = Path("build")  # setuptools' own, in the checkout: removed after, unless it was there before
    left = staging.exists()
    try:
        return build_meta.build_wheel(wheel_directory, config_settings, metadata_directory)
    finally:
        if not left:
            shutil.rmtree(staging, ignore_errors=True)


def build_sdist(sdist_directory, config_settings=None):
    from setuptools import build_meta

    return build_meta.build_sdist(sdist_directory, config_settings)


def prepare_metadata_for_build_editable(metadata_directory, config_settings=None):
    from setuptools import build_meta

    return build_meta.prepare_metadata_for_build_editable(metadata_directory, config_settings)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    from setuptools import build_meta

    with warnings.catch_warnings():  # its box of English about folders named like the package: ours is render/
        warnings.filterwarnings("ignore", message="Editable installation")
        return build_meta.build_editable(wheel_directory, config_settings, metadata_directory)
