"""Turn the first moments of a build into a warm fork server, when the build will likely render.

Importing WeasyPrint takes a second (its cffi declarations). The fork server does it on the other core
while this process imports its own modules and reads the content; workers fork from it before any
rendering, which keeps them clear of WeasyPrint's fork-safety problems (WEASYPRINT.md).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path

from . import CODE, ROOT



def start() -> None:
    if sys.platform == "win32":
        return
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(["render.worker"])
    forkserver.ensure_running()


def likely_needed(content: Path, out: Path) -> bool:
    """A guess from modification times only (the real test, by content, comes later): a source or the
    code newer than the last build's cache index means there is something to render."""
    try:
        built = (out / ".cache" / "index.json").stat().st_mtime
    except OSError:
        return True
    return _newest([content] + [ROOT / c for c in CODE]) > built


def _newest(folders: list[Path]) -> float:
    newest = 0.0
    stack = [str(f) for f in folders]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for e in entries:
            if e.is_dir(follow_symlinks=False):
                if not e.name.startswith((".", "__")):
                    stack.append(e.path)
            else:
                newest = max(newest, e.stat(follow_symlinks=False).st_mtime)
    return newest
