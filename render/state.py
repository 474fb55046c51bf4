"""Turn what a command shares with every process it starts (environment variables, the temp folder,
--debug) into named settings, read and set here only.

They are process-wide by nature: a worker sees the environment its fork server was started with, so what
the command tells its workers goes through the environment, under these names. Nothing else in render/
reads os.environ or swaps tempfile.tempdir.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager

DEBUG = "MUBIAOBIAO_DEBUG"  # --debug: tracebacks, also a worker's, and WeasyPrint's own words in layout errors
START = "MUBIAOBIAO_START"  # "spawn": workers spawned, not forked from a fork server (Windows always; a test)
SCRATCH = "MUBIAOBIAO_SCRATCH"  # the build's temp folder, which the fork server removes if the command is killed
PARENT = "MUBIAOBIAO_PARENT"  # the PID of the process a new one must die with (render/produce/workers.py)
EPOCH = "SOURCE_DATE_EPOCH"  # reproducible builds' date, written into the PDFs instead of 编制日期
CACHE_HOME = "XDG_CACHE_HOME"  # the user's cache folder: jieba's dictionary cache (render/review/words.py)


def read(name: str) -> str:
    return os.environ.get(name, "").strip()


def write(name: str, value: str) -> None:
    os.environ[name] = value


def debug() -> bool:
    return bool(read(DEBUG))


def set_debug(on: bool) -> None:
    """For this command and every process it starts from now on."""
    if on:
        write(DEBUG, "1")
    else:
        os.environ.pop(DEBUG, None)


@contextmanager
def environment(values: dict[str, str]):
    """These environment variables for what starts in the block, and the environment as it was after."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                del os.environ[key]
            else:
                os.environ[key] = value


def adopt(values: dict[str, str]) -> None:
    """In a new worker: these environment variables for good, and the temp folder TMPDIR names among them."""
    os.environ.update(values)
    tempfile.tempdir = None  # read again from TMPDIR on next use


@contextmanager
def temp_folder(folder: str | None):
    """What tempfile makes in the block goes into `folder` (None: where it would anyway)."""
    saved, tempfile.tempdir = tempfile.tempdir, folder if folder is not None else tempfile.tempdir
    try:
        yield
    finally:
        tempfile.tempdir = saved
