"""Turn a fork server that outlives the build into warm workers: WeasyPrint is imported once, not per build.

Importing WeasyPrint is most of a rebuild after a one-figure edit. The server imports it once and forks a
worker for each connection. A build connects in its first tenth of a second, while it still reads the
content, so its workers have loaded their fonts by the time the first table is ready.

- Like multiprocessing's fork server, it holds no fontconfig or Pango state: workers make their own after
  the fork (docs/weasyprint.md). Each build gets fresh workers; nothing carries over from one build to the next.
- One server serves one checkout with one Python. A build whose code, styles or libraries differ replaces it.
- It exits after IDLE seconds without a build, when its checkout is gone, or on `stop()`.
- Its socket is in a folder only the user can open, because what it receives is pickled.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import select
import socket
import stat
import sys
import tempfile
import threading
import time
from collections import deque
from concurrent.futures import Future
from multiprocessing.connection import Client, Connection, Pipe, wait
from pathlib import Path

from . import ROOT
from .problems import RenderError

IDLE = 600  # seconds; a clerk's edits before a meeting come minutes apart
START = 5  # seconds a build waits for a new server to listen
READY = 60  # seconds a build waits for its workers (a new server imports WeasyPrint first)
LEAVE = 5  # seconds a build waits for a worker to clean up and leave


def folder(create: bool = True) -> Path | None:
    """A folder of this user's alone, or None: then there is no server and the build starts its own.
    Without `create`, only one that is there (asking a server to stop must not leave a folder behind)."""
    if not hasattr(os, "getuid") or not hasattr(os, "fork"):
        return None
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(runtime) / "mubiaobiao" if runtime else Path(tempfile.gettempdir()) / f"mubiaobiao-{os.getuid()}"
    if not create and not base.is_dir():
        return None
    return base if _private(base) else None


def _private(base: Path) -> bool:
    """Made if missing; True if it is a folder that only this user can open."""
    try:
        base.mkdir(mode=0o700, exist_ok=True)
        st = base.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) == 0o700


def address(create: bool = True) -> Path | None:
    base = folder(create)
    name = hashlib.sha256(f"{ROOT}\0{sys.executable}".encode()).hexdigest()[:16]
    return base / f"{name}.sock" if base else None


def identity() -> str:
    """What the workers' PDFs depend on besides the job: code, templates, styles, fonts, library versions,
    and the locale, which a process takes once, when it starts (the rest of the environment is the
    build's: workers take it after the fork)."""
    from .cache import fingerprint

    locale = [os.environ.get(k, "") for k in ("LC_ALL", "LC_CTYPE", "LANG")]
    return f"{fingerprint()} {sys.executable} {locale}"


# The build's side


def connect(count: int, wait: bool = True) -> list[Connection] | None:
    """Ask for `count` workers; they start at once and are ready by the time they are used.

    With no server running, start one, and with `wait` false return [] at once: ask again later.
    None where no server can run (no private folder, no fork): the build then starts its own workers.
    """
    path = address()
    if path is None or count < 1:
        return None
    from .warm import scratch

    hello = {"identity": identity(), "env": {**os.environ, **scratch()}, "cwd": os.getcwd()}
    conns: list[Connection] = []
    deadline, spawned = None, 0
    while len(conns) < count:
        try:
            conn = Client(str(path), family="AF_UNIX")
        except (FileNotFoundError, ConnectionRefusedError):
            if deadline is None:
                try:
                    spawned = _spawn(path)
                except (OSError, NotImplementedError):  # no posix_spawn with setsid here
                    return None
                deadline = time.monotonic() + START
                if not wait:
                    return conns
            if time.monotonic() > deadline or _ended(spawned):  # a server that cannot start: no wait
                return conns or None
            time.sleep(0.01)
            continue
        except OSError:
            break
        try:
            conn.send(hello)
        except OSError:  # the server left between the two
            conn.close()
            break
        conns.append(conn)
    return conns


def workers(conns: list[Connection], count: int, retry: bool = True) -> Workers | None:
    """An executor over these connections once each worker has answered, or None if the server has gone.

    A server for other code or libraries answers "stale" and leaves; the workers then come from a new one.
    """
    ready, answers = [], set()
    for conn in conns:
        try:
            answer = conn.recv()[0] if conn.poll(READY) else "gone"
        except (EOFError, OSError):
            answer = "gone"
        answers.add(answer)
        if answer == "ready":
            ready.append(conn)
        else:
            conn.close()
    if answers == {"ready"}:
        return Workers(ready)
    for conn in ready:
        conn.close()
    if "stale" in answers and retry:
        return workers(connect(count) or [], count, retry=False)
    return None


def stop() -> None:
    """Ask this checkout's server to leave (tests and benchmarks leave nothing running)."""
    path = address(create=False)
    if path is None:
        return
    try:
        conn = Client(str(path), family="AF_UNIX")
    except OSError:
        return
    with conn:
        conn.send({"stop": True})
        try:
            conn.recv()  # closed when the server has gone
        except (EOFError, OSError):
            pass


def server_pid() -> int | None:
    path = address(create=False)
    try:
        return int(path.with_suffix(".pid").read_text()) if path else None
    except (OSError, ValueError):
        return None


def _spawn(path: Path) -> int:
    """Start the server in a session of its own, with no terminal and no inherited output: a build whose
    output is captured (tests, CI) still ends when the build does."""
    code = f"import sys; sys.path[0] = {str(ROOT)!r}; from render.server import serve; serve({str(path)!r})"
    devnull = os.devnull
    return os.posix_spawn(sys.executable, [sys.executable, "-c", code], os.environ, setsid=True, file_actions=[
        (os.POSIX_SPAWN_OPEN, 0, devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, devnull, os.O_WRONLY, 0),
    ])


def _ended(pid: int) -> bool:
    try:
        return os.waitpid(pid, os.WNOHANG)[0] != 0
    except ChildProcessError:  # not this process's child: started by an earlier call
        return False


class Workers:
    """Runs submit(fn, *args) on the server's workers, one job per worker at a time, as a pool would."""

    def __init__(self, conns: list[Connection]):
        self._jobs: deque = deque()
        self._idle = list(conns)
        self._busy: dict[Connection, Future] = {}
        self._lock = threading.Lock()
        self._wake_r, self._wake_w = Pipe(duplex=False)
        self._closing = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def submit(self, fn, *args) -> Future:
        future: Future = Future()
        with self._lock:
            self._jobs.append((future, fn, args))
        self._wake_w.send(None)
        return future

    def shutdown(self, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closing = True
            while cancel_futures and self._jobs:
                self._jobs.popleft()[0].cancel()
        self._wake_w.send(None)
        self._thread.join()

    def _run(self) -> None:
        while True:
            with self._lock:
                self._dispatch()
                if self._closing and not self._busy and not self._jobs:
                    break
            for conn in wait([*self._busy, self._wake_r]):
                if conn is self._wake_r:
                    self._wake_r.recv()
                else:
                    self._collect(conn)
        # Each worker removes its copies of the fonts as it leaves: the build waits for that (a few ms), so
        # that nothing it started is still writing in the temp folder once it has returned.
        for conn in self._idle:
            try:
                conn.send(None)
                conn.poll(LEAVE)
            except OSError:
                pass
            conn.close()

    def _dispatch(self) -> None:
        while self._jobs and self._idle:
            future, fn, args = self._jobs.popleft()
            if not future.set_running_or_notify_cancel():
                continue
            conn = self._idle.pop()
            try:
                conn.send((fn, args))
            except OSError as e:
                future.set_exception(RenderError(f"排版进程意外退出：{e}"))
                conn.close()
                continue
            self._busy[conn] = future
        if self._jobs and not self._idle and not self._busy:  # every worker has died
            while self._jobs:
                self._jobs.popleft()[0].set_exception(RenderError("排版进程意外退出"))

    def _collect(self, conn: Connection) -> None:
        future = self._busy.pop(conn)
        try:
            kind, value = conn.recv()
        except (EOFError, OSError):
            future.set_exception(RenderError("排版进程意外退出"))
            conn.close()
            return
        self._idle.append(conn)
        if kind == "ok":
            future.set_result(value)
        else:
            future.set_exception(value)


# The server's side


def serve(path_text: str) -> None:
    """Listen first (builds may connect while WeasyPrint loads), then fork a worker per connection."""
    path = Path(path_text)
    os.chdir("/")  # not to hold the folder the first build ran in (a USB stick could not be ejected)
    if not _private(path.parent):  # a server that left removed it; made again, it must be private again
        return
    lock = _lock(path.with_suffix(".lock"))
    if lock is None:
        return  # another server for this checkout is running
    path.unlink(missing_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(64)
    path.with_suffix(".pid").write_text(str(os.getpid()))
    try:
        import render.worker  # noqa: F401  (the preload: WeasyPrint, templates, parsed C types)

        _loop(listener, path, lock, identity())
    finally:
        _leave(path, lock)


def _leave(path: Path, lock) -> None:
    """Nothing left behind: a server that leaves removes its files, and the folder once it is empty."""
    path.unlink(missing_ok=True)
    path.with_suffix(".pid").unlink(missing_ok=True)
    if not lock.closed:
        path.with_suffix(".lock").unlink(missing_ok=True)  # still held: a server waiting for it tries again
        lock.close()
    try:
        path.parent.rmdir()
    except OSError:  # another checkout's server is there
        pass


def _lock(path: Path):
    """The lock file, held; None if another server holds it for longer than a stale one takes to leave."""
    for _ in range(100):
        try:
            lock = open(path, "w")
        except OSError:
            return None
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            time.sleep(0.05)
            continue
        try:
            held = os.fstat(lock.fileno()).st_ino == path.stat().st_ino
        except OSError:
            held = False
        if held:  # not a file that the server it waited for removed as it left
            return lock
        lock.close()
    return None


def _loop(listener: socket.socket, path: Path, lock, own: str) -> None:
    children: set[int] = set()
    last = time.monotonic()
    bound = path.stat().st_ino
    while ROOT.is_dir() and _inode(path) == bound:  # a socket removed from the folder can't be reached
        if _reap(children):
            last = time.monotonic()
        if not children and time.monotonic() - last > IDLE:
            return
        if not select.select([listener], [], [], 1.0)[0]:
            continue
        sock, _ = listener.accept()
        conn = Connection(sock.detach())
        last = time.monotonic()
        if not conn.poll(5):
            conn.close()
            continue
        try:
            hello = conn.recv()
        except (EOFError, OSError):
            conn.close()
            continue
        if not isinstance(hello, dict) or hello.get("stop") or hello.get("identity") != own:
            # Gone before answering: the build that asked starts the next server, `stop()` finds nothing left.
            _leave(path, lock)
            conn.send(("stopped",) if isinstance(hello, dict) and hello.get("stop") else ("stale",))
            conn.close()
            return
        pid = os.fork()
        if pid == 0:
            listener.close()
            lock.close()
            try:
                _work(conn, hello)
            finally:
                _forget_fonts()
                os._exit(0)
        children.add(pid)
        conn.close()


def _forget_fonts() -> None:
    """os._exit skips what would remove WeasyPrint's copies of the fonts (render/pdf.py forget_fonts)."""
    pdf = sys.modules.get("render.pdf")
    if pdf is not None:
        pdf.forget_fonts()


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except OSError:
        return None


def _reap(children: set[int]) -> bool:
    """Collect the workers that have ended; True if any had (the idle time counts from the last)."""
    ended = False
    while children:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            children.clear()
            return True
        if pid == 0:
            break
        children.discard(pid)
        ended = True
    return ended


def _work(conn: Connection, hello: dict) -> None:
    """In a forked worker: the build's environment and folder, fonts loaded, then one job after another."""
    os.environ.clear()
    os.environ.update(hello["env"])
    tempfile.tempdir = None  # the build's temp folder, not the one the server found when it started
    os.chdir(hello["cwd"])
    conn.send(("ready", os.getpid()))
    from . import pdf

    try:
        pdf.stylesheet()  # its fonts, while the build reads its content; a warning here recurs in the job
    except Exception:
        pass
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:  # the build is done
            return
        fn, args = job
        try:
            answer = ("ok", fn(*args))
        except BaseException as e:  # handed to the build, as a pool would
            answer = ("error", e)
        try:
            conn.send(answer)
        except Exception as e:  # an exception that cannot be pickled
            conn.send(("error", RenderError(f"{type(e).__name__}: {e}")))
