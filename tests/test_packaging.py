"""The program runs from its checkout: `pip install .` is refused at once with what to do instead, `make build`'s
editable install gives a `mubiaobiao` command beside `python3 build.py`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def _backend(monkeypatch):
    import tomllib

    system = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]
    monkeypatch.syspath_prepend(str(ROOT / system["backend-path"][0]))
    return system, __import__(system["build-backend"])


def test_pip_install_dot_is_refused_at_once_with_what_to_do(tmp_path, monkeypatch):
    """pip asks the backend pyproject.toml names what a wheel needs before it installs anything: that first
    hook refuses, in Chinese, with nothing for pip to fetch first (it took 20 s and 92 lines of pip's English
    when setuptools was required up front); the editable hooks ask for setuptools and are its own."""
    system, backend = _backend(monkeypatch)
    assert system["requires"] == []
    for hook in (backend.get_requires_for_build_wheel, backend.prepare_metadata_for_build_wheel, backend.build_wheel):
        try:
            hook(str(tmp_path))
            said = ""
        except SystemExit as e:
            said = str(e)
        assert said.startswith("错误：") and "不能用 pip install . 安装" in said and "make build" in said, hook
        assert "python3 build.py" in said and not list(tmp_path.iterdir())
    assert backend.get_requires_for_build_editable() == ["setuptools>=68"]


def test_the_editable_build_hides_setuptools_warning(tmp_path, monkeypatch):
    """`make build` printed setuptools' boxed English BuildBackendWarning about folders named like the package."""
    import warnings

    from setuptools import build_meta

    _, backend = _backend(monkeypatch)

    def editable(*args):
        warnings.warn("Editable installation.\n!!\n Please be careful with folders …", UserWarning, stacklevel=1)
        return "made.whl"

    monkeypatch.setattr(build_meta, "build_editable", editable)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert backend.build_editable(str(tmp_path)) == "made.whl"


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
