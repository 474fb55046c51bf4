"""Turn the first moments of a build into workers that are ready when the first table is.

Importing WeasyPrint takes most of a second (its cffi declarations). The workers come from a fork server
that has imported it already (render/server.py) or, where none can run, from multiprocessing's fork server,
started here so that it imports WeasyPrint on the other core while this process reads the content. Either
way workers fork before any rendering, which keeps them clear of WeasyPrint's fork-safety problems
(docs/weasyprint.md).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from . import CODE, ROOT

_asked: list = []  # connections to the server's workers, asked for at the start of this build
_started = False  # asking twice could mean waiting twice for a server that will not come
_server = False  # whether a server answered or was started


def start(count: int, use_server: bool = True) -> None:
    """Ask for `count` workers now; `pool` hands them out later. Once per build."""
    global _started, _server
    if _started:
        return
    _started = True
    if use_server and sys.platform != "win32":
        from . import server

        asked = server.connect(count, wait=False)
        if asked is not None:
            _asked.extend(asked)
            _server = True
            return
    if sys.platform != "win32":
        _start_fork_server()


def pool(count: int, use_server: bool = True):
    """An executor with `count` workers: the server's if it answers, else a process pool."""
    start(count, use_server)
    asked, extra = _asked[:count], _asked[count:]
    _asked.clear()
    for conn in extra:
        conn.close()
    if _server:
        from . import server

        found = server.workers(asked or server.connect(count) or [], count)
        if found:
            return found
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if sys.platform == "win32":
        return ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn"))
    _start_fork_server()
    return ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("forkserver"))


def _start_fork_server() -> None:
    import multiprocessing
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
