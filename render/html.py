"""Turn projects and departments into HTML documents styled like the official form."""

from __future__ import annotations

import math
from dataclasses import dataclass

import jinja2

from . import ROOT, __version__, chart, model as m

TEMPLATES = ROOT / "templates"
STYLES = ROOT / "styles"


@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int


@dataclass(frozen=True)
class Row:
    """One indicator row as printed: the merged 一级/二级 cells appear on the row that opens them."""

    id: str
    level1: Cell | None
    level2: Cell | None
    name: str
    value: str


@dataclass(frozen=True)
class Block:
    """Rows that share one <tbody>: a 一级 group, or its part on one page."""

    rows: tuple[Row, ...]
    page_break: bool  # starts a new page (a table continued from the page before)


def blocks(project: m.Project, breaks: frozenset[str] = frozenset()) -> tuple[Block, ...]:
    """Lay the indicator tree out as rows; a row id in `breaks` starts a new page and repeats its labels.

    Row ids are `r<一级>-<二级>-<三级>`, counted from 0.
    """
    out = []
    for i, level in enumerate(project.levels):
        flat = [(g, ind, f"r{i}-{j}-{k}")
                for j, g in enumerate(level.groups) for k, ind in enumerate(g.indicators)]
        cuts = [0] + [n for n, (_, _, rid) in enumerate(flat) if rid in breaks and n > 0] + [len(flat)]
        for a, b in zip(cuts, cuts[1:]):
            part = flat[a:b]
            rows = []
            for n, (group, ind, rid) in enumerate(part):
                l1 = Cell(level.label, len(part)) if n == 0 else None
                l2 = None
                if n == 0 or part[n - 1][0] is not group:
                    l2 = Cell(group.label, sum(1 for g, _, _ in part if g is group))
                rows.append(Row(rid, l1, l2, ind.name, ind.value))
            out.append(Block(tuple(rows), page_break=a > 0 or (flat[0][2] in breaks)))
    return tuple(out)


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["amount"] = m.amount_text
    env.filters["chinese_date"] = lambda d: f"{d.year}年{d.month}月{d.day}日"
    return env


@dataclass(frozen=True)
class VolumeItem:
    project: m.Project
    anchor: str
    amount: str
    pages: int  # of the table's own PDF: one slot page each in the volume
    page: int  # the volume's page number of its first page, printed in the summary and the contents


GENERATOR = f"mubiaobiao {__version__}"


def project_html(env: jinja2.Environment, project: m.Project, breaks: frozenset[str] = frozenset(),
                 stamp: str = "") -> str:
    return env.get_template("project.html.j2").render(
        project=project, blocks=blocks(project, breaks), title=project.name,
        author=f"{project.department} / {project.implementer}", generator=GENERATOR, stamp=stamp,
        keywords=[project.year, project.department_dir.split("-")[0], project.name],
    )


def anchor(n: int) -> str:
    """The id of the n-th table (0-based) in a volume; its k-th page's slot is `<anchor>-<k>`."""
    return f"p{n + 1}"


def volume_html(env: jinja2.Environment, department: m.Department, pages: tuple[int, ...],
                duplex: bool, stamp: str, first: int) -> str:
    """The volume's frame: cover, summary, chart, contents, then one numbered empty slot per table page.

    `first` is the page index the first slot will fall on: the page numbers printed follow from it, and
    render/paginate.py checks them against the layout.
    """
    places = department.places
    items = [VolumeItem(p, anchor(n), m.amount_text(p.amount, places), count, start)
             for n, (p, count, start) in enumerate(zip(department.projects, pages, table_starts(pages, first, duplex)))]
    return env.get_template("volume.html.j2").render(
        department=department, items=items, total=m.amount_text(department.total, places),
        chart=chart.bar_chart(department), cover_lines=cover_lines(department), duplex=duplex,
        title=department.title, author=department.dir_name, generator=GENERATOR, stamp=stamp,
        keywords=[department.year, department.code, department.name],
    )


def table_starts(pages: tuple[int, ...], first: int, duplex: bool) -> list[int]:
    """The page number of each table's first page when the first slot falls on page index `first`;
    with `duplex` every table opens on a right-hand (odd-numbered) page."""
    starts, at = [], first
    for count in pages:
        if duplex and at % 2:
            at += 1
        starts.append(at + 1)
        at += count
    return starts


def cover_lines(department: m.Department) -> list[str]:
    """Break the volume title after the department's name, where a person would break it."""
    title = department.title
    if title.startswith(department.name) and len(title) > len(department.name):
        return [department.name, title[len(department.name):]]
    return [title]


def estimate_pages(p: m.Project) -> int:
    """How many pages the table will take, guessed from its text without laying it out.

    Lets a volume's frame start alongside its tables; the guess is checked against the real count, and
    a wrong one only costs laying the frame out again.
    """
    line = 5.0  # mm: 10.5 pt × 1.35
    used = 15 + 6.5 + 4 * 7 + 5  # title, unit line, four header rows (one of them wraps)
    used += sum(math.ceil(len(t) / 33) for t in p.goal) * line + 2 + 7.5  # goal, column heads
    pages = 1
    for level in p.levels:
        for group in level.groups:
            for ind in group.indicators:
                lines = max(math.ceil(len(ind.name) / 14), math.ceil(len(ind.value) / 9), 1)
                height = lines * line + 2
                if used + height > 225:
                    pages, used = pages + 1, 7.5
                used += height
    return pages
