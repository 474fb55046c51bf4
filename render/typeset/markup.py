"""Turn projects and departments into HTML documents styled like the official form."""

from __future__ import annotations

from dataclasses import dataclass, replace

import jinja2
from markupsafe import Markup

from render import __version__
from render.resources import TEMPLATES
from render.source import model as m
from render.typeset import chart, geometry, mark, measure, runs, widows
from render.typeset.columns import GOAL_LINES, head_rows, summary_widths, table_widths



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
        for a, b in zip(cuts, cuts[1:], strict=False):
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


def by_page(blocks_: tuple[Block, ...]) -> tuple[tuple[Block, ...], ...]:
    """The blocks of each page: a block that starts a new page opens a table of its own under 续表."""
    pages: list[list[Block]] = [[]]
    for block in blocks_:
        if block.page_break and pages[-1]:
            pages.append([])
        pages[-1].append(block)
    return tuple(tuple(p) for p in pages)


def continued_from(pages: tuple[tuple[Block, ...], ...], start: str, rows: int) -> tuple[tuple[Block, ...], ...]:
    """The pages from the one `start` opens, cut after `rows` rows (a merged cell spanning fewer)."""
    first = next(n for n, page in enumerate(pages) if page[0].rows[0].id == start)
    out: list[tuple[Block, ...]] = []
    for page in pages[first:]:
        kept = []
        for block in page:
            if rows <= 0:
                break
            part = block.rows[:rows]
            rows -= len(part)
            kept.append(Block(tuple(replace(r, level1=r.level1 and replace(r.level1, rowspan=min(r.level1.rowspan, len(part) - i)),
                                            level2=r.level2 and replace(r.level2, rowspan=min(r.level2.rowspan, len(part) - i)))
                                    for i, r in enumerate(part)), block.page_break))
        if kept:
            out.append(tuple(kept))
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
    env.filters["keep"] = runs.keep  # escapes: the text stays data
    env.filters["keep_tail"] = runs.keep_tail
    env.filters["fit"] = widows.fitted  # as keep, and no cell's last line a lone character
    env.globals["goal_indent"] = measure.INDENT
    return env


@dataclass(frozen=True)
class VolumeItem:
    project: m.Project
    slots: tuple[str, ...]  # one empty page per page of the table's own PDF, by id (`slot`)
    amount: str
    page: int  # the volume's page number of its first page, printed in the summary and the contents


GENERATOR = f"mubiaobiao {__version__}"


SUBJECT = "部门项目支出预算绩效目标表"


def draft_title(title: str, draft: str) -> str:
    """A draft's title says so: a reader's window, a file list and the archive's intake (the XMP's
    dc:title) all show it. A draft stays PDF/A-3a (README, Archive): the claim is about the file's form."""
    return f"{title}（{draft}）" if draft else title


def draft_mark(draft: str) -> Markup:
    """The mark as outlines (render/typeset/mark.py), or nothing for a final PDF."""
    return Markup(mark.svg(draft)) if draft else Markup("")  # ours, drawn from the face: never content


def mark_html(env: jinja2.Environment, draft: str) -> str:
    """One page with nothing but the draft's mark, for a volume's frame (render/bind/assemble.py)."""
    return env.get_template("mark.html.j2").render(
        draft_mark=draft_mark(draft), title=draft, subject=draft_title(SUBJECT, draft), author="",
        generator=GENERATOR, stamp="", keywords=[draft])


def project_html(env: jinja2.Environment, project: m.Project, breaks: frozenset[str] = frozenset(),
                 stamp: str = "", draft: str = "", window: tuple[str, int] | None = None) -> str:
    """`window` (a row in `breaks`, a count): only the pages from the one that row opens, and that many rows."""
    pages = by_page(blocks(project, breaks))
    return env.get_template("project.html.j2").render(
        project=project, head=head_rows(project), goal_label=GOAL_LINES, widths=table_widths(project),
        pages=continued_from(pages, *window) if window else pages, continued=window is not None,
        title=draft_title(project.name, draft), subject=draft_title(SUBJECT, draft), draft_mark=draft_mark(draft),
        author=f"{project.department} / {project.implementer}", generator=GENERATOR, stamp=stamp,
        keywords=[project.year, project.department_dir.split("-")[0], project.name] + ([draft] if draft else []),
    )


def slot(table: int, page: int) -> str:
    """The id of the volume's empty page that page `page` of table `table` (both 0-based) is laid onto:
    the frame's layout finds the pages by it, the contents link to it, assembly fills it."""
    return f"p{table + 1}-{page + 1}"


@dataclass(frozen=True)
class Folios:
    """Where the body's parts fall, as the volume numbers them (项目汇总表 = 1): guessed, then checked."""

    chart: int  # the chart's page
    first: int  # the first table's page, before any blank page `tables_on_right` inserts


FIRST_GUESS = Folios(chart=2, first=3)  # a summary of one page


@dataclass(frozen=True)
class Entry:
    no: str
    title: str
    anchor: str
    page: int


def volume_html(env: jinja2.Environment, department: m.Department, pages: tuple[int, ...],
                duplex: bool, stamp: str, folios: Folios, draft: str = "", tables_on_right: bool = False) -> str:
    """The volume's frame: cover, contents, then the body (summary, chart, one numbered empty slot per
    table page); `tables_on_right` (double-sided only) opens every table on a right-hand page.

    The page numbers printed follow from `folios`: render/typeset/paginate.py checks them against the layout.
    """
    places = department.places
    tables_on_right = duplex and tables_on_right
    starts = table_starts(pages, folios.first, tables_on_right)
    items = [VolumeItem(p, tuple(slot(n, k) for k in range(count)), m.amount_text(p.amount, places), start)
             for n, (p, count, start) in enumerate(zip(department.projects, pages, starts, strict=False))]
    contents = ([Entry("", "项目汇总表", "summary", 1), Entry("", "各项目年度金额", "chart", folios.chart)]
                + [Entry(f"{n}.", i.project.name, i.slots[0], i.page) for n, i in enumerate(items, 1)])
    last = starts[-1] + pages[-1] - 1 if pages else folios.first - 1
    title = draft_title(department.title + m.layout_mark(not duplex, tables_on_right), draft)
    return env.get_template("volume.html.j2").render(
        department=department, items=items, contents=contents, total=m.amount_text(department.total, places),
        summary_widths=summary_widths(department, [str(i.page) for i in items]),
        charts=chart.bar_charts(department), cover_lines=cover_lines(department), cover_year=cover_year(department),
        duplex=duplex, tables_on_right=tables_on_right, blank_back=duplex and last % 2 == 1, draft=draft,
        simplex_css=Markup(geometry.simplex_css()),  # ours, made from the page's numbers: never content
        title=title, subject=draft_title(SUBJECT, draft), author=department.dir_name, generator=GENERATOR,
        stamp=stamp, keywords=[department.year, department.code, department.name] + ([draft] if draft else []),
    )


def table_starts(pages: tuple[int, ...], first: int, on_right: bool) -> list[int]:
    """The printed page number of each table's first page when the first table's page would be `first`:
    each table on the page after the one before (a new page, on either side), or `on_right`, on the next
    right-hand (odd-numbered) one. The volume's page labels follow the same numbers."""
    starts, at = [], first
    for count in pages:
        if on_right and at % 2 == 0:
            at += 1
        starts.append(at)
        at += count
    return starts


def cover_lines(department: m.Department) -> list[str]:
    """Break the volume title after the department's name, where a person would break it."""
    title = department.title
    if title.startswith(department.name) and len(title) > len(department.name):
        return [department.name, title[len(department.name):]]
    return [title]


def cover_year(department: m.Department) -> str:
    """The year, printed once: on its own line only if the title does not carry it."""
    return "" if department.year in department.title else f"{department.year}年度"
