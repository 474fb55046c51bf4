"""Turn the system's refusals (an OSError: disk full, no permission, a file locked) into what a clerk reads
and does about them, in Chinese, with no Python in it."""

from __future__ import annotations

import errno
from pathlib import Path

# What each system error means to a clerk, and what to do about it.
_LOCKED = "文件被占用（可能正在另一个程序中打开，如 PDF 阅读器）。请关闭打开它的程序后重新运行。"
_DENIED = "没有权限读写这里。请换一个有写入权限的文件夹（如 --out 指定），或请管理员开放权限。"
_SYSTEM = {
    errno.EACCES: _DENIED,
    errno.EPERM: _DENIED,
    errno.EROFS: "这个磁盘是只读的。请用 --out 指定另一个可写的文件夹。",
    errno.ENOSPC: "磁盘已满，写不下了。请清理磁盘空间，或用 --out 换到空间足够的磁盘，然后重新运行。",
    errno.EDQUOT: "磁盘配额已用完，写不下了。请清理空间，或用 --out 换到另一个磁盘，然后重新运行。",
    errno.ENAMETOOLONG: "路径太长。请把内容文件夹或输出文件夹移到路径更短的位置（如磁盘根目录下），或缩短文件名。",
    errno.ENOTDIR: "路径中有一个文件占了文件夹的位置。请移走或改名这个文件，或用 --out 换一个文件夹。",
    errno.EEXIST: "这里已有一个同名的文件，需要的是文件夹。请移走或改名这个文件，或用 --out 换一个文件夹。",
    errno.EISDIR: "这里是一个文件夹，需要的是文件。请移走或改名这个文件夹。",
    errno.ENOENT: "找不到这个文件或文件夹。请检查路径是否写对。",
    errno.EBUSY: _LOCKED,
    errno.ETXTBSY: _LOCKED,
}
_WINDOWS_LOCKED = {32, 33}  # ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION


def system_message(e: OSError) -> str:
    """An OSError as the clerk should read it: the path and what to do, in Chinese, with no Python in it."""
    paths = [str(p) for p in (e.filename, e.filename2) if p not in (None, "")]
    if e.errno in (errno.ENOTDIR, errno.EEXIST) and paths:  # name the file in the way, not the path beyond it
        paths = [str(next((p for p in (Path(paths[0]), *Path(paths[0]).parents) if p.exists() and not p.is_dir()),
                          paths[0]))]
    where = f"{' → '.join(paths)}：" if paths else ""
    if getattr(e, "winerror", None) in _WINDOWS_LOCKED:
        what = _LOCKED
    else:
        # the system's own words where no errno names the case (e.g. "AF_UNIX path too long")
        said = errno.errorcode.get(e.errno or 0) or (e.strerror or (str(e.args[0]) if e.args else "")) or "原因不明"
        what = _SYSTEM.get(e.errno, f"系统无法完成读写（{said}）。请检查磁盘和文件夹后重新运行，或加 --debug 查看详细信息。")
    return where + what
