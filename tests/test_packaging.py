"""The program runs from its checkout: `pip install .` is refused with what to do instead, `make build`'s
editable install gives a `mubiaobiao` command beside `python build.py`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_pip_install_dot_is_refused_with_what_to_do(tmp_path, monkeypatch):
    """pip builds a wheel for `pip install .` through the backend pyproject.toml names: that hook refuses,
    the editable one is setuptools' own."""
    import tomllib

    system = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]
    monkeypatch.syspath_prepend(str(ROOT / system["backend-path"][0]))
    backend = __import__(system["build-backend"])
    try:
        backend.build_wheel(str(tmp_path))
    except SystemExit as e:
        said = str(e)
    assert "不能用 pip install . 安装" in said and "make build" in said and not list(tmp_path.iterdir())
    from setuptools import build_meta

    assert backend.get_requires_for_build_editable is build_meta.get_requires_for_build_editable


def test_the_editable_install_has_the_command():
    command = Path(sys.executable).with_name("mubiaobiao")
    result = subprocess.run([str(command), "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("mubiaobiao "), result.stdout + result.stderr


def test_the_versions_in_every_key_are_the_installed_ones():
    """Read from the .dist-info folders' names, without importlib.metadata: the same as it says."""
    from importlib import metadata

    from render.produce import cache

    for name in ("weasyprint", "pydyf", "pikepdf"):
        assert cache._installed(name) == metadata.version(name)
