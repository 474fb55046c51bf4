"""Turn a project into a laid-out document whose every page shows the 一级/二级 labels of its rows."""

from __future__ import annotations

from collections.abc import Callable

import math

import jinja2
import weasyprint

from . import html, model as m, pdf


def settle(make_html: Callable[[frozenset[str]], str], starts: Callable[[frozenset[str]], set[str]],
           breaks: frozenset[str] = frozenset()) -> tuple[weasyprint.Document, frozenset[str]]:
    """Lay out; where a page opens inside a merged group, break before that row and lay out again.

    WeasyPrint prints a split rowspan cell's text only on its first page (WEASYPRINT.md), so a group
    that runs over a page is cut into two <tbody>s with the labels repeated. A cut moves the rows after
    it, so only the first offending page is fixed per round; each round fixes one, so the loop ends.
    """
    for _ in range(500):
        doc = pdf.layout(make_html(breaks))
        allowed = starts(breaks)
        first_bad = next((ids[0] for ids in pdf.rows_by_page(doc)[1:] if ids and ids[0] not in allowed), None)
        if first_bad is None:
            return doc, breaks
        breaks = breaks | {first_bad}
    raise pdf.RenderError("分页未能收敛")


def project(env: jinja2.Environment, p: m.Project, stamp: str = "") -> tuple[weasyprint.Document, frozenset[str]]:
    return settle(lambda b: html.project_html(env, p, b, stamp),
                  lambda b: {block.rows[0].id for block in html.blocks(p, b)})



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
