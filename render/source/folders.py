"""Turn a folder given as the content folder into a refusal when it is a year's or a department's."""

from __future__ import annotations

from pathlib import Path

from render import COMMAND
from render.problems import Kind, Problem
from render.source import fields

# Relative to where the command is run, as mkdocs and typst take theirs: never the checkout's own folder
CONTENT = Path("content")
DIST = Path("dist")


def missing(folder: Path, option: str = "--content") -> str:
    """Why a folder named on the command line (or by default) is not there, and where a relative one was looked for."""
    if folder.is_absolute():
        return "找不到这个文件夹"
    return f"找不到这个文件夹（相对路径从运行命令的当前文件夹 {Path.cwd()} 算起）：请在它所在的文件夹中运行，或用 {option} 指定"


def not_a_content_folder(folder: Path) -> Problem | None:
    """A department or year folder given as the content folder: it would build nothing and say nothing."""
    if (folder / fields.DEPARTMENT_FILE).is_file():
        what, root = "部门文件夹", folder.absolute().parent.parent
    elif fields.is_year(folder.name) and any((d / fields.DEPARTMENT_FILE).is_file() for d in folder.iterdir()):
        what, root = "年度文件夹", folder.absolute().parent
    else:
        return None
    return Problem(str(folder), 0, "内容目录", f"这是一个{what}，不是内容文件夹：内容文件夹是其上的 {root}"
                   f"（其下为 <年度>/<编码-部门名称>/）；只生成这个{what[:2]}，请运行 {COMMAND} {folder}",
                   kind=Kind.REFUSED)
