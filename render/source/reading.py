"""Turn the entries of a content folder into text to read, or into why one cannot or must not be read."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from render.system import system_message
from render.problems import Problem
from render.source import fields, limits
from render.source.parse import decode
from render.source.project import oversized

# What an entry is when it is no file: opening a FIFO would wait for a writer that never comes.
_SPECIAL = ((stat.S_ISFIFO, "命名管道（FIFO）"), (stat.S_ISSOCK, "套接字（socket）"), (stat.S_ISCHR, "字符设备"),
            (stat.S_ISBLK, "块设备"))


def rel(path: Path, repo_root: Path) -> str:
    """A source as messages and the manifest name it: from `repo_root`, with no “..” inside (os.path.abspath
    folds them; Path.absolute keeps them, and `--content ../c099` read `p/../c099/2025/…`)."""
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(repo_root)).as_posix()
    except ValueError:
        return Path(os.path.normpath(path)).as_posix()


def inside(path: Path, root: Path, repo_root: Path, problems: list[Problem]) -> bool:
    """Refuse links that lead out of the content folder: they are reported, never followed."""
    line = 0 if path.is_dir() else 1
    try:
        path.resolve().relative_to(root)
    except ValueError:
        problems.append(Problem(rel(path, repo_root), line, "文件",
                                "是指向内容文件夹以外的链接，已拒绝读取"))
        return False
    except (OSError, RuntimeError):  # a link that points back at itself
        problems.append(Problem(rel(path, repo_root), 1, "文件", "是循环的链接，无法读取"))
        return False
    if not path.exists():
        problems.append(Problem(rel(path, repo_root), 1, "文件", "是失效的链接"))
        return False
    return True


def entries_of(folder: Path) -> list[Path]:
    """A folder's entries in name order, without hidden ones (.DS_Store, ._name from a Mac, editor files)."""
    return sorted(p for p in folder.iterdir() if not p.name.startswith("."))


def special(path: Path) -> str:
    """What the entry is when it is neither a regular file nor a folder ("" when it is one), found without
    opening it."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return ""
    return next((what for test, what in _SPECIAL if test(mode)), "")


def unknown(path: Path, repo_root: Path) -> Problem:
    what = special(path)
    if what:
        return Problem(rel(path, repo_root), 0, "文件", f"是{what}，不是普通文件，已忽略", "warning")
    if path.suffix == ".md" and path.is_dir():
        return Problem(rel(path, repo_root), 0, "文件", "是文件夹，不是项目文件，已忽略", "warning")
    return Problem(rel(path, repo_root), 0, "文件",
                   f"不是项目文件（*.md）、{fields.DEPARTMENT_FILE}、{fields.REVIEW_FILE}或{fields.FEEDBACK_FILE}，已忽略", "warning")


def read(path: Path, repo_root: Path, problems: list[Problem]) -> str | None:
    try:
        if path.stat().st_size > limits.MAX_FILE_BYTES:  # refused unread: a runaway file costs nothing
            problems.append(oversized(rel(path, repo_root), path.stat().st_size))
            return None
        data = path.read_bytes()
    except OSError as e:
        problems.append(Problem(rel(path, repo_root), 1, "文件", f"无法读取：{system_message(OSError(e.errno, e.strerror))}"))
        return None
    text, found = decode(rel(path, repo_root), data)
    problems.extend(found)
    return text
