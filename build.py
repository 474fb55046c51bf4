#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Build the PDFs: `python3 build.py` (see README.md; `python3 build.py --help` for the commands)."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(HERE, ".venv")
AGAIN = "MUBIAOBIAO_IN_VENV"  # set for the second run: whatever happens, there is no third
NEED = (3, 11)
# This file is read by whatever Python the clerk has (make's check too), Python 2 included: until the version
# is checked it uses nothing newer than 2.7 (no pathlib, no annotations, no f-strings), so that an old Python
# gets to say it is too old (tests/test_setup.py runs it under 2.7 and parses it as 3.6).


def too_old(version=None):
    """Why this Python cannot run the program, in the clerk's words; "" when it can."""
    version = tuple(sys.version_info[:3] if version is None else version[:3])
    if version >= NEED:
        return ""
    need = "{}.{}".format(*NEED)
    return ("本程序需要 Python {0} 或更新的版本，这里是 Python {1}：请安装 Python {0} 或更新的版本"
            "（Debian/Ubuntu：sudo apt-get install python{0}；Windows：从 python.org 下载），"
            "再运行 make build PYTHON=python{0}").format(need, ".".join(map(str, version)))


def refuse_old_python():
    """The exit code for this Python: 2, said in one line, when it is too old (the Makefile's check too)."""
    said = too_old()
    if said:
        sys.stderr.write("错误：" + said + "\n")
        return 2
    return 0


def missing_package(name):
    return "错误：缺少程序包 {}：请先运行 make build".format(name)


def run_in_venv():
    """`make build` installs into .venv/ only: `python3 build.py` with any other Python runs again there,
    with the same arguments, and its exit code is this one's."""
    python = os.path.join(VENV, "Scripts", "python.exe") if os.name == "nt" else os.path.join(VENV, "bin", "python")
    if os.environ.get(AGAIN) or not os.path.isfile(python) \
            or os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    argv = [python, os.path.abspath(__file__)] + sys.argv[1:]
    env = dict(os.environ)
    env[AGAIN] = "1"
    if os.name == "nt":  # no exec there: a child, whose exit code becomes this one's
        import subprocess

        sys.exit(subprocess.call(argv, env=env))
    os.execve(argv[0], argv, env)


if __name__ == "__main__":
    run_in_venv()  # the venv's Python is recent: only the one first run can be too old
    if refuse_old_python():
        sys.exit(2)
    try:
        from render.commands.cli import console

        code = console()  # as .venv/bin/mubiaobiao runs it
    except ModuleNotFoundError as e:  # before `make build`: what to run, not a traceback
        if (e.name or "render").partition(".")[0] == "render" or "--debug" in sys.argv:
            raise
        sys.stderr.write(missing_package(e.name) + "\n")
        sys.exit(2)
    sys.exit(code)
