"""A machine not yet set up, or with a Python too old: one line that says what to install or run, exit 2,
before anything is imported or installed."""

from __future__ import annotations

import ast
import glob
import os
import re
import runpy
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

BUILD = runpy.run_path(str(ROOT / "build.py"))  # its functions, without running it
OLD = "本程序需要 Python 3.11 或更新的版本，这里是 Python 3.9.2：请安装 Python 3.11 或更新的版本" \
      "（Debian/Ubuntu：sudo apt-get install python3.11；Windows：从 python.org 下载），再运行 make build PYTHON=python3.11"


def test_a_python_too_old_is_told_what_to_install():
    assert BUILD["too_old"]((3, 9, 2)) == OLD
    assert BUILD["too_old"]((3, 11, 0)) == BUILD["too_old"]((3, 13, 1)) == ""
    # an old Python must get as far as saying so: no syntax in build.py it cannot read
    ast.parse((ROOT / "build.py").read_text(encoding="utf-8"), feature_version=(3, 6))


def test_a_missing_package_says_run_make_build():
    """No site-packages (-S): what `python3 build.py` meets before `make build`."""
    for args in ([], ["check"], ["--version"]):
        result = subprocess.run([sys.executable, "-S", str(ROOT / "build.py"), *args], capture_output=True, text=True,
                                env={**os.environ, BUILD["AGAIN"]: "1"}, cwd=ROOT, timeout=60)
        assert result.returncode == 2, result.stderr
        assert re.fullmatch(r"错误：缺少程序包 \w+：请先运行 make build\n", result.stderr), result.stderr


def test_make_with_a_python_too_old_stops_in_one_line(tmp_path):
    """PYTHON=an old one: the check runs before the venv and pip, and says the one line build.py says."""
    fake = tmp_path / "python3.9"
    # make runs `$(PYTHON) -B -c CODE`: the fake runs CODE in a Python that says it is 3.9.2
    fake.write_text(f"#!/bin/sh\nexec {sys.executable} -B -c 'import sys; sys.version_info = (3, 9, 2, \"final\", 0); "
                    f"exec(sys.argv.pop(1))' \"$3\"\n", encoding="utf-8")
    fake.chmod(0o755)
    result = subprocess.run(["make", "-s", "python", f"PYTHON={fake}"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == "错误：" + OLD
    assert "pip" not in result.stdout + result.stderr


def _python2() -> str | None:
    """A Python 2 on this machine, if there is one that runs (pyenv's shims name ones that are not active)."""
    for found in [shutil.which("python2"), shutil.which("python2.7"), *glob.glob(os.path.expanduser("~/.pyenv/versions/2.*/bin/python2"))]:
        if found and subprocess.run([found, "-c", "pass"], capture_output=True, timeout=60).returncode == 0:
            return found
    return None


def test_python_2_gets_the_version_line():
    """Python 2 read build.py as far as a SyntaxError in English: it now says which Python to install."""
    python2 = _python2()
    if python2 is None:
        pytest.skip("no Python 2 on this machine")
    result = subprocess.run([python2, "-S", str(ROOT / "build.py"), "--version"], capture_output=True, timeout=60,
                            env={**os.environ, BUILD["AGAIN"]: "1"}, cwd=ROOT)
    assert result.returncode == 2
    assert result.stderr.decode("utf-8").startswith("错误：本程序需要 Python 3.11 或更新的版本，这里是 Python 2.7")


def test_a_missing_package_leaves_no_output_folder_behind(tmp_path):
    """Exit 2 says nothing was changed: the output folder the build made for its lock goes again."""
    out = tmp_path / "dist"
    result = subprocess.run([sys.executable, "-S", str(ROOT / "build.py"), "--out", str(out)], capture_output=True,
                            text=True, env={**os.environ, BUILD["AGAIN"]: "1"}, cwd=ROOT, timeout=60)
    assert result.returncode == 2 and "缺少程序包" in result.stderr, result.stderr
    assert not out.exists()
