"""Turn a project into a laid-out document whose every page shows the 一级/二级 labels of its rows, and a
volume's frame into one whose contents print the pages its tables will fall on."""

from __future__ import annotations

import jinja2

from render.source import model as m
from render.typeset import layout, markup


def project(env: jinja2.Environment, p: m.Project, stamp: str = "", draft: str = "") -> layout.weasyprint.Document:
    """Lay out; where a page opens without a break of ours, break before its first row and lay out again.

    A page we break opens with 续表, the project's name and unit, and the column heads, and repeats the
    labels of its rows: WeasyPrint prints a split rowspan cell's text only on its first page
    (docs/weasyprint.md). A cut moves the rows after it, so only the first page is fixed per round; each round
    fixes one, so the loop ends. A table of one page is laid out once.
    """
    breaks: frozenset[str] = frozenset()
    for _ in range(500):
        doc = layout.document(markup.project_html(env, p, breaks, stamp, draft))
        allowed = {block.rows[0].id for block in markup.blocks(p, breaks) if block.page_break}
        first_bad = next((ids[0] for ids in layout.rows_by_page(doc)[1:] if ids and ids[0] not in allowed), None)
        if first_bad is None:
            return doc
        breaks = breaks | {first_bad}
    raise layout.RenderError("分页未能收敛")


def frame(env: jinja2.Environment, d: m.Department, pages: tuple[int, ...], duplex: bool,
          stamp: str = "", draft: str = "", tables_on_right: bool = False) -> layout.weasyprint.Document:
    """Lay the frame out with its page numbers printed as text, and check them against the layout.

    WeasyPrint's target-counter() would lay the frame out about twice over to find them (half the time
    a frame takes). They follow from where the chart and the first table fall: guessed (a summary of one
    page), checked, and if the guess was wrong laid out again from where they fell.
    """
    folios = markup.FIRST_GUESS
    for _ in range(5):
        doc = layout.document(markup.volume_html(env, d, pages, duplex, stamp, folios, draft, tables_on_right))
        at = layout.anchor_pages(doc)
        body = at["summary"]
        starts = [at[markup.slot(n, 0)] - body + 1 for n in range(len(pages))]
        found = markup.Folios(at["chart"] - body + 1, starts[0] if starts else at["chart"] - body + 2)
        if found == folios and starts == markup.table_starts(pages, folios.first, duplex and tables_on_right):
            if duplex and len(doc.pages) % 2:
                raise layout.RenderError("双面装订册的页数不是偶数")
            return doc
        folios = found
    raise layout.RenderError("装订册目录的页码未能与排版一致")
