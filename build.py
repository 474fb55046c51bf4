#!/usr/bin/env python3
"""Build the PDFs: `python build.py` (see README.md; `python build.py --help` for the commands)."""

import gc
import os
import sys
from pathlib import Path

VENV = Path(__file__).resolve().parent / ".venv"
AGAIN = "MUBIAOBIAO_IN_VENV"  # set for the second run: whatever happens, there is no third


def run_in_venv() -> None:
    """`make build` installs into .venv/ only: `python build.py` with any other Python runs again there,
    with the same arguments, and its exit code is this one's."""
    python = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if os.environ.get(AGAIN) or not python.is_file() or Path(sys.prefix).resolve() == VENV.resolve():
        return
    argv = [str(python), str(Path(__file__).resolve()), *sys.argv[1:]]
    env = {**os.environ, AGAIN: "1"}
    if os.name == "nt":  # no exec there: a child, whose exit code becomes this one's
        import subprocess

        sys.exit(subprocess.call(argv, env=env))
    os.execve(argv[0], argv, env)


if __name__ == "__main__":
    run_in_venv()
    from render.commands.cli import main

    code = main()
    # Everything made is written and closed. The collector's last passes over what Jinja, pikepdf and the
    # content left behind would only cost time: 0.08 s, a twentieth of a rebuild after an edit.
    gc.freeze()
    sys.exit(code)
