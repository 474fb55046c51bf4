"""Turn a project into a laid-out document whose every page shows the 一级/二级 labels of its rows."""

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
