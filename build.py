#!/usr/bin/env python3
"""Build the PDFs: `python build.py` (see README.md; `python build.py --help` for the commands)."""

import gc
import sys

from render.cli import main

if __name__ == "__main__":
    code = main()
    # Everything made is written and closed. The collector's last passes over what Jinja, pikepdf and the
    # content left behind would only cost time: 0.08 s, a twentieth of a rebuild after an edit.
    gc.freeze()
    sys.exit(code)
