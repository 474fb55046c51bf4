"""Turn a table's text into the lines and pages it will take, reckoned from its column widths and the face
without laying it out: the scheduler's first guess at a table's pages, and `check`'s warnings."""

from __future__ import annotations

import math

from render.problems import Problem
from render.source import fields
from render.source import model as m
from render.typeset import fonts, geometry, widows
from render.typeset import columns
from render.typeset.columns import Unfit, table_widths

# Heights (mm) of what stands above the rows, about as styles/form.css sets them: the scheduler's guess is
# checked against the real count (a wrong one costs laying a frame out again), a warning only warns.
TOP = 15 + 6.5 + 4 * 7 + 5  # the title, the unit line, four header rows (one of them wraps)
HEADS = 7.5  # the column heads, and on a continuation page the 续表 line above them
ROW = 2  # a row's padding and rules
INDENT = 2  # ems a paragraph of the goal is indented by


def per_line(width: float) -> int:
    """How many Han characters (the face sets each one em wide) a line of a cell `width` mm wide holds."""
    return max(1, math.floor(widows.room(width) / fonts.text_em("国")))


def lines(text: str, width: float, indent: int = 0) -> int:
    return max(1, math.ceil((len(text) + indent) / per_line(width)))


def _goal(p: m.Project, widths: tuple[float, ...]) -> float:
    """mm the goal's paragraphs take: it spans the three value columns."""
    return sum(lines(t, sum(widths[1:]), INDENT) for t in p.goal) * geometry.PAGE.line


def _cells(ind: m.Indicator, widths: tuple[float, ...]) -> tuple[tuple[str, float], ...]:
    """The height (mm) each of a row's cells would make it: its 三级指标 ("name"), its 绩效值 ("value")."""
    line = geometry.PAGE.line
    return (("name", lines(ind.name, widths[2]) * line + ROW), ("value", lines(ind.value, widths[3]) * line + ROW))


def _indicators(p: m.Project) -> list[m.Indicator]:
    return [ind for level in p.levels for group in level.groups for ind in group.indicators]


def estimate_pages(p: m.Project) -> int:
    """How many pages the table will take, guessed from its text: lets a volume's frame start alongside
    its tables."""
    widths = table_widths(p)
    room = geometry.PAGE.type_height
    used, pages = TOP + _goal(p, widths) + ROW + HEADS, 1
    while used > room:  # a long goal runs on over pages of its own
        pages, used = pages + 1, used - room
    for ind in _indicators(p):
        height = max(h for _, h in _cells(ind, widths))
        if used + height > room:
            pages, used = pages + 1, HEADS
        used += height
    return pages


def too_tall(p: m.Project) -> tuple[bool, tuple[tuple[m.Indicator, str], ...]]:
    """Whether the goal runs past the first page, and each cell ("name" or "value") that makes its row
    taller than a continuation page's room: WeasyPrint splits such a row (docs/weasyprint.md). Columns that
    cannot fit are `check`'s to report (columns.problems), not a height."""
    try:
        widths = table_widths(p)
    except Unfit:
        return False, ()
    room = geometry.PAGE.type_height
    tall = tuple((ind, which) for ind in _indicators(p) for which, height in _cells(ind, widths)
                 if HEADS + height > room)
    return TOP + _goal(p, widths) > room, tall


def problems(departments) -> list[Problem]:
    """What the layout cannot print as written, for `check`, `build` and `review` to say with the content's
    own problems: what no width holds (columns.problems, errors), a 部门.yml text the faces cannot draw
    (errors; a project's are checked where its table is laid out, fonts.glyph_problems), and text taller
    than a page (printed all the same, so warnings)."""
    return (columns.problems(departments) + fonts.department_problems(departments)
            + [t for d in departments for p in d.projects for t in _too_tall(p)])


def _too_tall(p: m.Project) -> list[Problem]:
    """Text that cannot stay on one page in the widths the table will print it in :
    printed all the same, so a warning."""
    goal, rows = too_tall(p)
    found = [Problem(p.source, p.lines[fields.GOAL], fields.GOAL, f"内容过长（{sum(map(len, p.goal))} 字）：超过一页，"
                     "表头之后的指标表将从后面的页开始", "warning")] if goal else []
    for ind, which in rows:
        field_name, text = ("三级指标", ind.name) if which == "name" else ("绩效值", ind.value)
        found.append(Problem(p.source, ind.line, field_name, f"内容过长（{len(text)} 字）：这一行高过一页，"
                             "打印时会被拆到两页，列标题和一级、二级指标在后页不会重印", "warning"))
    return found
