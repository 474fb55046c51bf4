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
    (docs/weasyprint.md). A cut moves the rows after it, and leaves the pages before it as they were; what
    follows a cut is laid out the same whatever came before it. A table no page of which opens wrongly (most:
    one page) is laid out once. Else, after the first layout, each next cut is found by laying out only a
    few rows from the last cut (as many as the page before held and one more, doubled while no page opens
    in them), and the whole is laid out once more with every cut: some 2 whole layouts and one of a few rows
    per cut, where laying out the whole again per cut took minutes for a long table. Should the whole still
    open a page wrongly, the cuts go on from there as before, one whole layout each.
    """
    breaks: frozenset[str] = frozenset()
    doc = layout.document(markup.project_html(env, p, breaks, stamp, draft))
    bad = _first_bad(p, breaks, layout.rows_by_page(doc)[1:])
    if bad is None:  # no page opens wrongly (most tables: one page): this layout is the table
        return doc
    order = [r.id for block in markup.blocks(p) for r in block.rows]
    rows = WINDOW
    while bad is not None:  # windows from each cut to find the next
        last, breaks = max(breaks, key=order.index, default=None), breaks | {bad}
        if last is not None:  # a page holds about what the last one did: one more, to see the next page open
            rows = order.index(bad) - order.index(last) + 1
        while True:
            window = (bad, rows)
            pages = layout.rows_by_page(layout.document(markup.project_html(env, p, breaks, stamp, draft, window)))
            left = order[order.index(window[0]) + rows:]
            found = _first_bad(p, breaks, pages[1:])  # a page's opening row is the whole's, wherever the rows end
            if found is not None or not left:
                bad = found
                break
            rows *= 2
    for _ in range(500):
        doc = layout.document(markup.project_html(env, p, breaks, stamp, draft))
        bad = _first_bad(p, breaks, layout.rows_by_page(doc)[1:])
        if bad is None:
            return doc
        breaks = breaks | {bad}
    raise layout.RenderError("分页未能收敛")


# Rows laid out from the first cut to find the next one (then as many as the page before held, and two more).
WINDOW = 4


def _first_bad(p: m.Project, breaks: frozenset[str], pages: list[list[str]]) -> str | None:
    """The first row that opens one of `pages` without a cut of ours before it."""
    allowed = {block.rows[0].id for block in markup.blocks(p, breaks) if block.page_break}
    return next((ids[0] for ids in pages if ids and ids[0] not in allowed), None)


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
