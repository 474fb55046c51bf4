"""Turn everything that is wrong (with the content, the outputs, the machine) into messages a clerk can act
on, and into the command's exit code."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from enum import Enum, IntEnum
from typing import Literal

Severity = Literal["error", "warning", "note"]  # note: a repair made, for the clerk to check


class Exit(IntEnum):
    """Every command's exit codes: the one place they are defined (README's 退出状态 and `--help` list
    `MEANING`; a test keeps README in step)."""

    OK = 0
    PROBLEMS = 1
    CANNOT = 2
    BUG = 3
    SYSTEM = 4
    INTERRUPTED = 130


MEANING = {
    Exit.OK: "完成，没有错误",
    Exit.PROBLEMS: "内容或输出有错误（加 --strict 时警告也算）：按提示修改所指的文件后重新运行",
    Exit.CANNOT: "无法运行：命令行有误、本机缺少字体或程序库（运行 make setup），或输出文件夹不能写入这次的结果；未改动任何文件",
    Exit.BUG: "本程序的故障：请把提示（加 --debug 可看详细信息）交给维护人员",
    Exit.SYSTEM: "系统拒绝了读写（磁盘已满、没有权限、文件被占用等）：按提示处理后重新运行",
    Exit.INTERRUPTED: "被 Ctrl-C 中断：已写出的文件完整，未写完的没有留下",
}


class Level(Enum):
    """How much a line matters, and so at which verbosity (-q 0, default 1, -v 2) it is shown."""

    PROBLEM = 0  # an error or warning, and its count: always shown
    FAILED = "failed"  # a closing count of problems, or of a run that failed: shown even with -q
    DONE = "done"  # the closing line of a run that succeeded
    MADE = "made"  # a file written
    DETAIL = "detail"  # a file reused, a step's time: only with -v

    @property
    def verbosity(self) -> int:
        return {"PROBLEM": 0, "FAILED": 0, "DONE": 1, "MADE": 1, "DETAIL": 2}[self.name]


def plain(line: str, level: Level = Level.DONE) -> None:
    """The default `say` of every command called from code: every line, as it comes."""
    print(line, flush=True)


class Kind(Enum):
    """What a problem is about; its exit code follows from it."""

    CONTENT = ("内容", Exit.PROBLEMS)  # a content file or a pasted table: fix the file named
    OUTPUT = ("输出", Exit.PROBLEMS)  # a PDF that could not be made, or an output that is not as listed
    SETUP = ("环境", Exit.CANNOT)  # this machine lacks a font or a library: make setup
    REFUSED = ("拒绝", Exit.CANNOT)  # doing it would harm what is there: nothing was touched

    @property
    def exit(self) -> Exit:
        return self.value[1]


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # relative to the repository (or the content folder's parent)
    line: int  # 1-based; 0 when the whole file is meant
    field: str  # the form's own name for the field, e.g. 项目年度金额
    message: str
    severity: Severity = "error"
    kind: Kind = field(default=Kind.CONTENT, compare=False)  # Enums do not order

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        tag = "（警告）" if self.severity == "warning" else ""
        return f"{where}: {self.field + ': ' if self.field else ''}{tag}{self.message}"


def exit_code(problems, strict: bool = False) -> Exit:
    """The exit code of a command that found these: the gravest error's kind decides; with `strict`, a
    warning counts as a problem."""
    errors = [p.kind.exit for p in problems if p.severity == "error"]
    if errors:
        return max(errors)
    return Exit.PROBLEMS if strict and any(p.severity == "warning" for p in problems) else Exit.OK


class RenderError(Exception):
    """WeasyPrint said something was wrong (missing font, bad CSS, a resource it could not fetch): that PDF
    would print wrong. Defined here, not beside WeasyPrint, so that the main process can catch it from a
    worker without loading WeasyPrint.

    It reads as `message`, for the clerk; what WeasyPrint said (`detail`, in English, about CSS the clerk
    never wrote) is added only under --debug, which sets `debug`."""

    debug = False

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message, detail)  # both in args: a worker's error is pickled by them
        self.message, self.detail = message, detail

    def __str__(self) -> str:
        return f"{self.message}（排版程序的原文：{self.detail}）" if self.debug and self.detail else self.message


def report(problems: list[Problem], say, strict: bool = False, base: Path | None = None) -> None:
    """Each problem, then their count: with -q the count only when they fail the run, since the warnings
    themselves are shown anyway. `base`: what the problems' paths are relative to (source_base), when the
    content folder was given as a relative path: they are said relative to where the command was run."""
    for p in sorted(problems, key=lambda p: (p.path, p.line, p.severity)):
        say(str(p if base is None else seen_from_here(p, base)), Level.PROBLEM)
    errors = sum(p.severity == "error" for p in problems)
    warnings = sum(p.severity == "warning" for p in problems)
    if errors or warnings:
        failed = errors or (strict and warnings)
        say(f"检查：{errors} 个错误，{warnings} 个警告", Level.FAILED if failed else Level.DONE)


def seen_from_here(problem: Problem, base: Path) -> Problem:
    return replace(problem, path=from_here(problem.path, base))


def from_here(path: str, base: Path | None) -> str:
    """A file named relative to `base` (source_base), named instead from where the command was run, as a
    content folder given there as a relative path is (`--content ../c2` printed `c2/2025/…`, relative to
    nothing the person typed). `base` None: the content folder was given in full; as it was."""
    if base is None or not path or os.path.isabs(path) or not (base / path).exists():
        return path
    try:
        return Path(os.path.relpath(base / path)).as_posix()
    except ValueError:  # another drive
        return path
