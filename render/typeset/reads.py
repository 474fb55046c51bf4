"""Turn a table or a volume's frame into the digest of what its layout reads, for the cache to key on.

A layout reads its HTML (its page breaks and folios follow from the first one, render/typeset/paginate.py)
and the templates, styles and faces, which are in every key already (render/produce/cache.py fingerprint).
Keyed on the HTML, a change the page does not show (a line moved in 部门.yml, an archive field) lays out
nothing again, and a field a template starts to print is in the key without anyone listing it.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from render.source import model as m
from render.typeset import markup


@lru_cache(maxsize=1)
def environment():
    """The templates, compiled once per process."""
    return markup.environment()


@lru_cache(maxsize=4096)  # `watch`: a table parsed again the same is not rendered again
def table(project: m.Project, stamp: str, draft: str) -> str:
    return _digest(markup.project_html(environment(), project, frozenset(), stamp, draft))


def frame(department: m.Department, pages: tuple[int, ...], duplex: bool, stamp: str, draft: str,
          tables_on_right: bool) -> str:
    env = environment()
    html = markup.volume_html(env, department, pages, duplex, stamp, markup.FIRST_GUESS, draft, tables_on_right)
    return _digest(html + (markup.mark_html(env, draft) if draft else ""))


def _digest(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()
