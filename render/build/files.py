"""Turn bytes into files on disk, whole or not at all, under names every file system takes."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def safe_part(text: str) -> str:
    """A path component every file system takes, still readable."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", text).strip(" .") or "_"


def write_atomic(path: Path, data: bytes) -> None:
    """Write beside the target and rename: a crash or Ctrl-C leaves the previous file whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
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
    write_atomic(out / ".cache" / ".writable", b"")
    (out / ".cache" / ".writable").unlink()
