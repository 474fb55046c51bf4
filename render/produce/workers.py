"""Turn the first moments of a build into workers that are ready when the first table is.

Importing WeasyPrint takes most of a second (its cffi declarations). The workers come from
multiprocessing's fork server, started here so that it imports WeasyPrint (render/produce/preload.py) on the
other core while this process reads the content. Workers fork from it before any rendering, which keeps
them clear of WeasyPrint's fork-safety problems (docs/weasyprint.md).

Nothing outlives the command that started it, however it ends. On Linux the fork server is told to die with
the command (PR_SET_PDEATHSIG, set by preload.py) and removes the build's temp folder as it goes; each worker
is told to die with the fork server. Elsewhere the workers end when the command shuts them down.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import threading
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path

from render import state
from render.resources import CODE, ROOT


def method() -> str:
    """How workers are started: the fork server where there is one; spawn (a fresh interpreter each, as on
    Windows and, by default, on macOS) is forced with MUBIAOBIAO_START=spawn, which the tests use to show
    that both give the same bytes."""
    if state.read(state.START) == "spawn" or sys.platform == "win32":
        return "spawn"
    return "forkserver"


def start() -> None:
    """Start the fork server now, so that it has imported WeasyPrint when the first table is laid out."""
    if method() == "forkserver":
        _start_fork_server()


def pool(count: int):
    """An executor with `count` workers, forked from the server `start` began."""
    start()
    return Sturdy(count)


# A Unix socket's path holds at most 107 bytes; the fork server's lies two folders below the scratch folder
# (pymp-xxxxxxxx/listener-xxxxxxxx). A longer TMPDIR gets a scratch folder in one of these instead.
_SOCKET_ROOM = 70
_SHORT = ("/tmp", "/var/tmp", "/dev/shm")


@lru_cache(maxsize=1)
def scratch() -> dict[str, str]:
    """The environment that puts this build's temp files (the fork server's socket, WeasyPrint's copies of
    the fonts) in a folder of the build's own, removed when the build ends, or by the fork server if the
    build is killed: a worker that dies cannot clean up after itself."""
    folder = _short_folder()
    if folder is None:
        return {}
    # After multiprocessing's own clean-up of the socket's folder inside it (exitpriority -100), which
    # would fail on a folder already removed; a plain atexit handler would run first.
    from multiprocessing.util import Finalize

    Finalize(None, shutil.rmtree, (folder,), {"ignore_errors": True}, exitpriority=-101)
    return {"TMPDIR": folder}


def _short_folder() -> str | None:
    """A new folder in TMPDIR, or in the first short place where a socket's path would not fit in it."""
    for place in (None, *_SHORT):
        try:
            folder = tempfile.mkdtemp(prefix="mubiaobiao-", dir=place)
        except OSError:
            continue
        if len(folder) <= _SOCKET_ROOM:
            return folder
        os.rmdir(folder)
    return None


def _use_scratch(env: dict[str, str]) -> None:
    """In a pool's worker, first."""
    state.adopt(env)
    # Ctrl-C is for the command, which shuts its workers down: a worker interrupted while it waits for
    # work would only print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the fork server's clean-up (preload.py)
    if not die_with_parent(signal.SIGKILL):
        os._exit(1)


def die_with_parent(sig: int) -> bool:
    """Linux: have the kernel send `sig` when the process that started this one ends. False if that process
    (PARENT names it: the command for the fork server, the fork server for a worker) has already ended,
    before the call could take effect: the caller then does what the signal would have done. Elsewhere
    nothing: the command shuts its workers down itself."""
    if not sys.platform.startswith("linux"):
        return True
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, sig, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return True
    # Compared with the parent's own PID, not with getppid() read now: an orphan's is its new parent's.
    return str(os.getppid()) == (state.read(state.PARENT) or str(os.getppid()))


def _process_pool(count: int):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if method() == "spawn":  # the workers' parent is this process (with a fork server, that server)
        state.write(state.PARENT, str(os.getpid()))
    return ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context(method()),
                               initializer=_use_scratch, initargs=(scratch(),))


def _alone(fn, args):
    """In a thread: the job in a process of its own, so that if the process dies, only this job fails."""
    from concurrent.futures.process import BrokenProcessPool

    from render.problems import RenderError

    with _process_pool(1) as pool:
        try:
            return pool.submit(fn, *args).result()
        except BrokenProcessPool:
            raise RenderError("排版进程意外退出") from None


class Sturdy:
    """A process pool in which a worker that dies fails only its own job.

    A dead worker breaks a ProcessPoolExecutor: every job it has not finished fails, and which one killed it
    is not known. Those jobs run again, each alone in a process of its own, so that the one that dies again
    fails alone; the jobs that come later go to a fresh pool.
    """

    def __init__(self, count: int):
        from concurrent.futures import ThreadPoolExecutor

        self._count = count
        self._pools = [_process_pool(count)]
        self._alone = ThreadPoolExecutor(max_workers=count)
        self._lock = threading.Lock()

    def submit(self, fn, *args) -> Future:
        outer: Future = Future()
        self._send(outer, fn, args)
        return outer

    def _send(self, outer: Future, fn, args) -> None:
        from concurrent.futures.process import BrokenProcessPool

        with self._lock:
            pool = self._pools[-1]
        try:
            with uninterrupted():
                inner = pool.submit(fn, *args)
        except BrokenProcessPool:  # broken by a job before this one: a fresh pool
            self._replace(pool)
            return self._send(outer, fn, args)
        inner.add_done_callback(lambda done: self._done(outer, done, fn, args, pool))

    def _replace(self, broken) -> None:
        with self._lock:
            if self._pools[-1] is broken:
                self._pools.append(_process_pool(self._count))

    def _done(self, outer: Future, inner: Future, fn, args, pool) -> None:
        from concurrent.futures.process import BrokenProcessPool

        if not inner.cancelled() and isinstance(inner.exception(), BrokenProcessPool):
            self._replace(pool)
            inner = self._alone.submit(_alone, fn, args)
            inner.add_done_callback(lambda done: _pass(done, outer))
        else:
            _pass(inner, outer)

    def shutdown(self, cancel_futures: bool = False) -> None:
        with self._lock:
            pools = list(self._pools)
        for pool in pools:
            if getattr(pool, "_broken", False):
                _end_workers(pool)
            pool.shutdown(cancel_futures=cancel_futures)
        self._alone.shutdown(cancel_futures=cancel_futures)


def _end_workers(pool) -> None:
    """A broken pool's workers killed: CPython 3.11's shutdown of a broken pool can wait for good on a worker
    that was idle when another died (seen under load in test_system, 1 run in a few). A broken pool runs
    nothing any more, so nothing is lost. `_broken` and `_processes` are the executor's own attributes."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with suppress(OSError, ValueError):
            process.kill()


@contextmanager
def uninterrupted():
    """Ctrl-C and kill held back, and delivered the moment the block ends, around what they would break:
    - the pool handing out a job, which may start a worker: one that lands between the fork server's fork
      and the worker's start-up data (CPython 3.11) leaves the worker waiting for that data and the pool,
      shutting down, waiting for the worker, for good. The pool's own threads, started in here, keep the
      mask: they never take the signal in the main thread's place;
    - importing pikepdf (render/produce/scheduler.py): a KeyboardInterrupt inside its C++ start-up is a
      "critical nanobind error", printed with a traceback."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _pass(inner: Future, outer: Future) -> None:
    if outer.done():
        return
    if inner.cancelled():
        outer.cancel()
    elif inner.exception() is not None:
        outer.set_exception(inner.exception())
    else:
        outer.set_result(inner.result())


def _start_fork_server() -> None:
    import multiprocessing
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(["render.produce.preload"])
    env = scratch()
    state.write(state.SCRATCH, env.get("TMPDIR", ""))
    state.write(state.PARENT, str(os.getpid()))
    # Started with Ctrl-C ignored, it never handles one (Python keeps an inherited SIG_IGN), nor do the
    # workers it forks: the command alone answers Ctrl-C, with one line and no child's traceback.
    main = threading.current_thread() is threading.main_thread()
    before = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        # its socket goes in the scratch folder: a short path, removed with it
        with state.temp_folder(env.get("TMPDIR")), state.environment(_own_code()):
            forkserver.ensure_running()
    finally:
        if main:
            signal.signal(signal.SIGINT, before)


def _own_code() -> dict[str, str]:
    """Where the fork server finds `render`: in this program's folder. Python 3.11's fork server is a
    `python -c` that ignores this process's sys.path and looks in the current folder first, where a
    `render` of another program's (or a planted one) would run in every worker."""
    paths = [str(ROOT)] + ([state.read("PYTHONPATH")] if state.read("PYTHONPATH") else [])
    return {"PYTHONSAFEPATH": "1", "PYTHONPATH": os.pathsep.join(paths)}


def likely_needed(content: Path, out: Path) -> bool:
    """A guess from modification times only (the real test, by content, comes later): a source or the
    code newer than the last build's cache index means there is something to render."""
    try:
        built = (out / ".cache" / "index.json").stat().st_mtime
    except OSError:
        return True
    return _newest([content] + list(CODE)) > built


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
