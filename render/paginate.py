"""Turn a project into a laid-out document whose every page shows the 一级/二级 labels of its rows, and a
volume's frame into one whose contents print the pages its tables will fall on."""

from __future__ import annotations

import jinja2

from . import html, model as m, pdf


def project(env: jinja2.Environment, p: m.Project, stamp: str = "") -> pdf.weasyprint.Document:
    """Lay out; where a page opens inside a merged group, break before that row and lay out again.

    WeasyPrint prints a split rowspan cell's text only on its first page (WEASYPRINT.md), so a group
    that runs over a page is cut into two <tbody>s with the labels repeated. A cut moves the rows after
    it, so only the first offending page is fixed per round; each round fixes one, so the loop ends.
    """
    breaks: frozenset[str] = frozenset()
    for _ in range(500):
        doc = pdf.layout(html.project_html(env, p, breaks, stamp))
        allowed = {block.rows[0].id for block in html.blocks(p, breaks)}
        first_bad = next((ids[0] for ids in pdf.rows_by_page(doc)[1:] if ids and ids[0] not in allowed), None)
        if first_bad is None:
            return doc
        breaks = breaks | {first_bad}
    raise pdf.RenderError("分页未能收敛")


def frame(env: jinja2.Environment, d: m.Department, pages: tuple[int, ...], duplex: bool,
          stamp: str = "") -> pdf.weasyprint.Document:
    """Lay the frame out with its page numbers printed as text, and check them against the layout.

    WeasyPrint's target-counter() would lay the frame out about twice over to find them (half the time
    a frame takes). They follow from the page the first slot falls on: guessed (four pages of front
    matter, six in duplex), checked, and if the guess was wrong laid out again from where it fell.
    """
    first = 6 if duplex else 4
    for _ in range(5):
        doc = pdf.layout(html.volume_html(env, d, pages, duplex, stamp, first))
        at = pdf.anchor_pages(doc)
        if [at[f"{html.anchor(n)}-1"] + 1 for n in range(len(pages))] == html.table_starts(pages, first, duplex):
            return doc
        first = at[f"{html.anchor(0)}-1"]
    raise pdf.RenderError("装订册目录的页码未能与排版一致")
