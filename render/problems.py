"""Turn everything that is wrong (with the content, the outputs, the machine) into messages a clerk can act
on, and into the command's exit code."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, IntEnum
from typing import Literal

Severity = Literal["error", "warning"]


class Exit(IntEnum):
    """Every command's exit codes (README, 退出状态): the one place they are defined."""

    OK = 0
    PROBLEMS = 1  # the content or the outputs have errors (with --strict: warnings too); see the messages
    CANNOT = 2  # the command cannot run here: wrong command line, machine not set up, output folder refused
    BUG = 3  # a fault in this program: the message, and with --debug the trace, are for its maintainers
    SYSTEM = 4  # the system refused a read or write (disk full, no permission, file locked)
    INTERRUPTED = 130  # Ctrl-C


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
        tag = "" if self.severity == "error" else "（警告）"
        return f"{where}: {self.field}: {tag}{self.message}"


def exit_code(problems, strict: bool = False) -> Exit:
    """The exit code of a command that found these: the gravest error's kind decides; with `strict`, a
    warning counts as a problem."""
    errors = [p.kind.exit for p in problems if p.severity == "error"]
    if errors:
        return max(errors)
    return Exit.PROBLEMS if strict and problems else Exit.OK


class RenderError(Exception):
    """WeasyPrint said something was wrong (missing font, bad CSS, a resource it could not fetch): that PDF
    would print wrong. Defined here, not beside WeasyPrint, so that the main process can catch it from a
    worker without loading WeasyPrint."""


def report(problems: list[Problem], say) -> None:
    for p in sorted(problems, key=lambda p: (p.path, p.line, p.severity)):
        say(str(p))
    errors = sum(p.severity == "error" for p in problems)
    if problems:
        say(f"检查：{errors} 个错误，{len(problems) - errors} 个警告")
