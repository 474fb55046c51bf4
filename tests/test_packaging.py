"""`pip install .` makes a wheel that carries the shipped folders and builds the seed where it is installed;
`make build`'s editable install gives a `mubiaobiao` command beside `python3 build.py`."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, pdf_pages


def _backend(monkeypatch):
    import tomllib

    system = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]
    monkeypatch.syspath_prepend(str(ROOT / system["backend-path"][0]))
    return system, __import__(system["build-backend"])


def _wheel(folder: Path) -> Path:
    """The wheel `pip install .` makes, built offline from the checkout with this venv's setuptools."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    "--quiet", "-w", str(folder), str(ROOT)], check=True, capture_output=True, timeout=300)
    return next(folder.glob("mubiaobiao-*.whl"))


def _shipped() -> set[str]:
    """Every file the program reads as it would find it in a wheel (render/resources.py)."""
    names = {p.relative_to(ROOT).as_posix() for p in (ROOT / "render").rglob("*")
             if p.is_file() and "__pycache__" not in p.parts}
    for folder in ("templates", "styles", "schemes", "rules"):
        names |= {"render/" + p.relative_to(ROOT).as_posix() for p in (ROOT / folder).rglob("*") if p.is_file()}
    return names


@pytest.mark.slow
def test_the_wheel_carries_every_shipped_file(tmp_path, monkeypatch):
    """Templates, styles with the faces, schemes, rules, the CLI's catalog and the site's files: a wheel without
    one of them installs and fails at its first table. The hooks ask for setuptools and leave no build/ behind."""
    _, backend = _backend(monkeypatch)
    assert backend.get_requires_for_build_wheel() == backend.get_requires_for_build_editable() == ["setuptools>=70.1"]
    left = (ROOT / "build").exists()
    with zipfile.ZipFile(_wheel(tmp_path)) as wheel:
        held = {n for n in wheel.namelist() if not n.startswith("mubiaobiao-")}
    assert sorted(_shipped() - held) == [] and sorted(held - _shipped()) == []
    assert {"render/styles/fonts/NotoSerifCJKsc-GB-Regular.otf", "render/rules/审核规则.yml"} <= held
    assert (ROOT / "build").exists() == left


@pytest.mark.slow
def test_pip_install_dot_builds_the_seed_from_the_installed_package(tmp_path):
    """`pip install .` into a fresh venv (this venv's packages beside it, offline), then its `mubiaobiao` run away
    from the checkout: every folder it reads is the installed package's."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # this venv's site-packages after the new one's (a path in a .pth: its own .pth files, the editable
    # install of render among them, are not read)
    (Path(site) / "outer.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(_wheel(tmp_path))],
                   check=True, capture_output=True, timeout=300)
    where = subprocess.run([str(python), "-c", "import render.resources as r; print(r.STYLES, r.RULES)"],
                           capture_output=True, text=True, cwd=tmp_path, check=True).stdout.split()
    assert all(Path(w).is_relative_to(site) for w in where), where
    out = tmp_path / "dist"
    seed = ROOT / "content"
    done = subprocess.run([str(venv / "bin" / "mubiaobiao"), "--content", str(seed), "--out", str(out)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    pdfs = sorted(out.glob("2025/*/*.pdf"))
    assert len(pdfs) == len(list(seed.glob("2025/*/*.md"))) + 1  # a table each, and the volume
    assert "平罗县司法局" in "".join(pdf_pages(pdfs[-1]))


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
