"""Turn everything that is wrong with the content into messages a clerk can act on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # relative to the repository (or the content folder's parent)
    line: int  # 1-based; 0 when the whole file is meant
    field: str  # the form's own name for the field, e.g. 项目年度金额
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        tag = "" if self.severity == "error" else "（警告）"
        return f"{where}: {self.field}: {tag}{self.message}"


class RenderError(Exception):
    """WeasyPrint said something was wrong (missing font, bad CSS, a resource it could not fetch): that PDF
    would print wrong. Defined here, not beside WeasyPrint, so that the main process can catch it from a
    worker without loading WeasyPrint."""
