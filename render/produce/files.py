"""Turn bytes into files on disk, whole or not at all, under names every file system takes (zips too, the same
bytes whatever the clock), and hold an output folder for one command at a time."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import re
import time
import zipfile
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

# Beside the outputs: the build's cache, its staging folder and its lock (render/produce/commit.py).
CACHE = ".cache"
LOCK = "lock"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def safe_part(text: str) -> str:
    """A path component every file system takes, still readable."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", text).strip(" .") or "_"


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Write beside the target and rename: a crash or Ctrl-C leaves the previous file whole. Not `durable`
    (a probe, a record only a shortcut reads): without waiting for the disk, a few ms a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            if durable:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:  # a full disk says so without a file name; the clerk knows the target, not the temp
        e.filename, e.filename2 = str(path), None
        raise
    finally:
        if tmp.exists():
            tmp.unlink()


def writable(out: Path) -> None:
    """Raise the OSError a write would (no permission, a file where the folder must be, a path too long)
    now, before a minute of layout is spent on PDFs that could not be written."""
    write_atomic(out / CACHE / ".writable", b"", durable=False)
    (out / CACHE / ".writable").unlink()


@contextmanager
def locked(out: Path, waiting=None, reading: bool = False):
    """Hold the output folder for one command: a second build (or review, or verify) into the same folder
    waits until the first is done, after `waiting(pid)` has said so. The system releases the lock when the
    process ends, however it ends. `reading` (verify): a folder nobody can write (an archive's disc, a
    read-only share) needs no lock, and is read without one."""
    path = out / CACHE / LOCK
    made = [p for p in (out, out / CACHE) if not p.exists()]
    try:
        (out / CACHE).mkdir(parents=True, exist_ok=True)
        f = open(path, "a+b")
    except OSError as e:
        if reading and e.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            yield False
            return
        raise
    try:
        with f:
            yield from _held(f, waiting)
    except BaseException:
        _unmake(path, made)
        raise


def _unmake(lock: Path, made: list[Path]) -> None:
    """A command that failed before it wrote anything (a package missing: exit 2, "nothing was changed")
    leaves no folder it made for its lock behind."""
    if not made or any(p != lock for p in lock.parent.iterdir()):
        return
    lock.unlink(missing_ok=True)
    for folder in reversed(made):
        try:
            folder.rmdir()
        except OSError:  # something else was put there meanwhile: it stays
            return


def _held(f, waiting):
    """Wait for the lock, then hold it with our process id in it."""
    if not _try_lock(f, blocking=False):
        f.seek(0)
        holder = f.read(32).decode("ascii", "replace").strip()
        if waiting is not None:
            waiting(holder or "?")
        _try_lock(f, blocking=True)
    f.seek(0)
    f.truncate()
    f.write(str(os.getpid()).encode())
    f.flush()
    try:
        yield True
    finally:
        f.seek(0)
        f.truncate()


def _try_lock(f, blocking: bool) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows: lock the first byte instead
        import msvcrt

        while True:
            try:
                f.seek(0)
                msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
                return True
            except OSError:
                if not blocking:
                    return False
                time.sleep(0.2)
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        return True
    except BlockingIOError:
        return False


# Every member's permissions and system, whatever the machine and its umask (ZipInfo takes its system from
# the platform): part of the bytes.
_MEMBER_MODE = 0o100644 << 16


def zip_bytes(members, when: datetime, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip (a workbook, an archive package) of `members` ((name, bytes), in the order given), each
    stamped `when`, not the clock: the same content gives the same bytes on any machine and day."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(min(max(when.year, 1980), 2107),) + when.timetuple()[1:6])
            info.compress_type, info.create_system, info.external_attr = compression, 3, _MEMBER_MODE
            z.writestr(info, data)
    return out.getvalue()


def fixed_zip(data: bytes, when: datetime) -> bytes:
    """A zip another library wrote (a workbook), its members in their order, stamped as zip_bytes does."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return zip_bytes(((info.filename, src.read(info.filename)) for info in src.infolist()), when)


def remove_stale(folder: Path, pattern: str) -> None:
    """What commands killed before they could clean up (kill -9, a power cut) left in `folder`: each name
    matching `pattern`, whose group `pid` is a process that is gone. A live one's is never touched."""
    import shutil

    try:
        names = [p for p in folder.iterdir() if (m := re.fullmatch(pattern, p.name)) and not alive(int(m["pid"]))]
    except OSError:  # a folder not there yet, or not ours to read: nothing of ours to clean
        return
    for path in names:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive, and not ours to clean
        return True
    return True
