"""Turn the text of the form's grids into column widths that fill the type area, wrapping a column's text
where room is short, and text that cannot fit at any width into problems for `check`."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from render.problems import Problem, RenderError
from render.source import fields
from render.source import model as m
from render.source.limits import excerpt
from render.typeset import chart, fonts, geometry

# The narrowest a column of words may wrap to: a value column of the header, the 项目汇总表's names.
VALUE_FLOOR = 20.0  # mm: five characters a line
NAME_FLOOR = 40.0  # mm: ten characters a line
# The widest a run of figures or Latin holds a column open; a longer one (a web address) breaks anywhere.
WORD_CAP = 30.0  # mm: about fifteen figures
# The narrowest the table's last column wraps 实施单位's value to when the 三级 names want the room.
RIGHT_VALUES = 36.0  # mm: nine characters a line
# A cell's rules and a little air, besides its padding: what a column needs beyond its text.
RULES = 0.4  # mm
# Page numbers in the 项目汇总表 when `check` cannot know them yet: wider than any a volume reaches.
WIDEST_PAGE = "9999"


class Unfit(RenderError):
    """Columns that cannot share the type area even with every one wrapped as far as it may: `check`
    refuses such content (problems()), so a build meets this only through a fault of ours."""


@dataclass(frozen=True)
class Column:
    need: float  # mm to set its longest text on one line
    floor: float  # mm it may shrink to, its text wrapping; equal to `need`: it never wraps
    grow: bool = False  # takes a share of the room left over


def fit(columns: Sequence[Column]) -> tuple[float, ...]:
    """Widths (mm, to 0.1) filling the type area. Where every column's text fits on one line, the `grow`
    columns share the room left in proportion to their needs, none below its floor; where not, the columns that may wrap are cut
    down to one width, the widest first (a long 项目期限 wraps, a short 项目主管处室 beside it does not),
    none below its floor. Never a width below a floor, never a negative one: Unfit instead."""
    width = geometry.PAGE.type_width
    if sum(c.floor for c in columns) > width:
        raise Unfit("表格各栏的内容太宽，页面宽度内排不下")
    if sum(c.need for c in columns) <= width + 1e-6:  # needs reckoned as shares of the width add up to it
        widths = _scaled(columns, [c.grow for c in columns], width)
    else:  # too little room: every column that may wrap gives way, the widest first
        widths = _levelled(columns, width)
    widths = [math.floor(w * 10) / 10 for w in widths]
    widths[-1] = round(width - sum(widths[:-1]), 1)
    return tuple(widths)


def _scaled(columns: Sequence[Column], moving: list[bool], width: float) -> list[float]:
    """The widths when the `moving` columns' needs are scaled by one factor to fill `width`: a moving
    column the factor would take below its floor is held there, and the rest share what is left."""
    held: dict[int, float] = {}
    while True:
        fixed = sum(held.get(i, c.need) for i, c in enumerate(columns) if i in held or not moving[i])
        free = sum(c.need for i, c in enumerate(columns) if moving[i] and i not in held)
        scale = (width - fixed) / free if free > 0 else 1.0
        low = {i: c.floor for i, c in enumerate(columns)
               if moving[i] and i not in held and c.need * scale < c.floor}
        if not low:
            return [held.get(i, c.need * scale if moving[i] else c.need) for i, c in enumerate(columns)]
        held |= low


def _levelled(columns: Sequence[Column], width: float) -> list[float]:
    """The widths when every column that may wrap is held to at most one level (at least its floor), the
    level found so that they fill `width`."""
    def widths(level: float) -> list[float]:
        return [max(c.floor, min(c.need, level)) if c.grow or c.floor < c.need else c.need for c in columns]

    low, high = 0.0, max(c.need for c in columns)
    for _ in range(60):  # halving: the widths only grow with the level, and are cut to 0.1 mm after
        middle = (low + high) / 2
        low, high = (middle, high) if sum(widths(middle)) <= width else (low, middle)
    return widths(low)


def cell_width(texts: Iterable[str], bold: bool = False) -> float:
    """The width (mm) a column needs to set the longest of these texts on one line: the text, a cell's
    padding each side, its rules and a little air."""
    page = geometry.PAGE
    return max((fonts.text_em(t, bold) for t in texts), default=0.0) * page.em + 2 * page.cell_padding + RULES


@dataclass(frozen=True)
class HeadCell:
    label: str
    text: str
    number: bool  # set as a figure (right-aligned, tabular)


def head_rows(p: m.Project) -> tuple[tuple[HeadCell, ...], ...]:
    """The header grid as the form prints it (fields.HEAD_ROWS), each field's label with its value."""
    def cell(label: str) -> HeadCell:
        f = fields.BY_LABEL[label]
        value = getattr(p, f.attr)
        return HeadCell(label, m.amount_text(value, p.places) if f.kind == "amount" else value, f.kind == "amount")

    return tuple(tuple(cell(label) for label in row) for row in fields.HEAD_ROWS)


def table_widths(p: m.Project) -> tuple[float, ...]:
    """The table's four columns in the page's type area (`_widths`)."""
    return _widths(p, geometry.PAGE)


# Asked three times a build of each project (check, the cache's key, the layout), and each time of every
# project of a county for a whole-content build: a thousand tables' widths took seconds. Kept by the page
# too, which a test (and only a test) changes in a running process.
@lru_cache(maxsize=1024)
def _widths(p: m.Project, page: geometry.Page) -> tuple[float, ...]:
    """The table's four columns, one grid for the header block and the indicators under it, as on the
    form: labels, then 主管部门's values and the 二级 labels, then 实施单位's labels and the 三级 names, then
    实施单位's values and the 绩效值. A column is at least as wide as its longest word (a label, the form's
    column head, a run of figures or Latin) and never below VALUE_FLOOR where it holds words that wrap;
    年度总体绩效目标 takes two lines (GOAL_LINES)."""
    rows = head_rows(p)
    left, right = [r[0] for r in rows if len(r) == 2], [r[1] for r in rows if len(r) == 2]
    groups = [g for level in p.levels for g in level.groups]
    names = [i.name for g in groups for i in g.indicators]
    values = [i.value for g in groups for i in g.indicators]
    amounts = cell_width(c.text for c in right if c.number)

    def column(labels: list[str], words: list[str], texts: list[str], floor: float = 0.0) -> Column:
        """Bold `labels` that never wrap; scheme `words` that wrap only past NAME_FLOOR; `texts` that wrap."""
        fixed = cell_width(labels, bold=True)
        scheme = min(cell_width(words), NAME_FLOOR) if words else 0.0
        floor = max(fixed, scheme, min(cell_width(longest_words(texts)), WORD_CAP), floor)
        return Column(max(floor, cell_width(words), cell_width(texts)), floor, grow=bool(texts))

    one, two, three, four = fields.INDICATOR_HEADS
    first = [column([r[0].label for r in rows] + list(GOAL_LINES) + [one], [lv.label for lv in p.levels], []),
             column([two], [g.label for g in groups], [c.text for c in left], VALUE_FLOOR),
             column([c.label for c in right] + [three], [], names, VALUE_FLOOR)]
    heads = [c.text for c in right if not c.number]
    last = column([four], [], heads + values, max(VALUE_FLOOR, amounts))
    if sum(c.need for c in first) + last.need > page.type_width:
        # Short of room the 三级 names come first: the 绩效值 keep one line each, 实施单位's value wraps
        # down to RIGHT_VALUES.
        floor = max(last.floor, min(cell_width(heads), RIGHT_VALUES))
        last = Column(max(floor, cell_width(values)), floor, grow=True)
    return fit(first + [last])


# 年度总体绩效目标 in two lines, as the paper form sets it: on one it would widen the labels' column, and
# with it the 一级 column under it, by a third, for a row that is tall anyway.
GOAL_LINES = (fields.GOAL[:4], fields.GOAL[4:])


# A word that must not break: a run of figures, Latin or signs; each Han character stands alone.
WORD = re.compile(r"[^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+")


def longest_words(texts: Iterable[str]) -> list[str]:
    """The runs of each text that a line may not break inside (WORD)."""
    return [w for t in texts for w in WORD.findall(t)]


def summary_widths(d: m.Department, pages: list[str]) -> tuple[float, ...]:
    """The 项目汇总表's columns: 序号, figures and page numbers on one line; 项目主管处室 and 项目期限 as
    wide as their longest value, wrapping (down to their heads' width) where the names would get less than
    NAME_FLOOR; the names take the rest."""
    amounts = [m.amount_text(p.amount, d.places) for p in d.projects] + [m.amount_text(d.total, d.places)]

    def words(head: str, texts: list[str]) -> Column:
        floor = cell_width([head], True)
        return Column(max(floor, cell_width(texts)), floor)

    def figures(head: str, texts: list[str], bold: bool = False) -> Column:
        need = max(cell_width([head], True), cell_width(texts, bold))
        return Column(need, need)

    names = Column(cell_width(p.name for p in d.projects), NAME_FLOOR, grow=True)
    widths = fit([figures("序号", [str(len(d.projects))]), words("项目主管处室", [p.office for p in d.projects]),
                  words("项目期限", [p.term for p in d.projects]), figures("项目年度金额", amounts, True),
                  figures("页码", pages), names])
    return widths[:1] + widths[-1:] + widths[1:5]


def problems(departments: Iterable[m.Department]) -> list[Problem]:
    """What no width could print, named by file, line and field: a figure wider than its column (the
    header's, the 项目汇总表's or the chart's), a name taller than a page of the chart."""
    found = []

    def too_wide(p: m.Project, where: str) -> Problem:
        return Problem(p.source, p.lines.get("项目年度金额", 1), "项目年度金额",
                       f"“{excerpt(m.amount_text(p.amount, p.places))}”位数过多：{where}印不下（单位是万元），请核对")

    for d in departments:
        for n, p in enumerate(d.projects, 1):
            if chart.too_tall(n, p.name):
                found.append(Problem(p.source, p.lines.get("项目名称", 1), "项目名称",
                                     f"过长（{len(p.name)} 字）：装订册的金额图中一页印不下，请删减"))
            try:
                table_widths(p)
            except Unfit:
                found.append(too_wide(p, "表头的金额栏中"))
        if not d.projects:
            continue
        try:
            summary_widths(d, [WIDEST_PAGE])
            fits = chart.plot_width(d) >= chart.LEAST_PLOT
        except Unfit:
            fits = False
        if not fits:
            widest = max(d.projects, key=lambda p: cell_width([m.amount_text(p.amount, d.places)]))
            found.append(too_wide(widest, "装订册的汇总表和金额图中"))
    return found
