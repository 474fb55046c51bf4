#!/usr/bin/env python3
"""Build the PDFs: `python build.py` (see README.md; `python build.py --help` for the commands)."""

import sys

from render.cli import main

if __name__ == "__main__":
    sys.exit(main())
