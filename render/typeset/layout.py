"""Turn HTML into laid-out documents and PDF bytes, refusing anything that would print wrong."""

from __future__ import annotations

import atexit
import hashlib
import io
import logging
import multiprocessing.util
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from render.problems import RenderError
from render import state
from render.resources import STYLES
from render.typeset import finish
from render.typeset import geometry, streams, weasy
from render.typeset.fonts import FONT_FAMILY, families


weasy.import_fast()  # first: without it, importing WeasyPrint searches for its libraries
import weasyprint  # noqa: E402
from weasyprint.urls import URLFetcher  # noqa: E402


class ProjectFetcher(URLFetcher):
    """Fetch only the project's own styles: no network, no file outside them, no redirects."""

    def __init__(self, roots: tuple[Path, ...] = (STYLES,)):
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.roots = tuple(r.resolve() for r in roots)

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "file":
            path = Path(url2pathname(parts.path)).resolve()
            if any(path.is_relative_to(root) for root in self.roots):
                return super().fetch(url, headers)
        raise ValueError(f"拒绝读取外部资源（只允许项目自身的样式文件）：{url[:200]}")


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@contextmanager
def _strict():
    """Every WeasyPrint warning fails the build: a PDF with tofu boxes is never written silently."""
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
    if handler.messages:
        raise RenderError("排版程序报告了问题（多半是本程序的故障，不是内容的错）：请把这条提示交给维护人员，"
                          "加 --debug 可看到排版程序的原文",
                          "; ".join(dict.fromkeys(handler.messages)))


@lru_cache(maxsize=None)
def font_config():
    """One per process: WeasyPrint would load fontconfig and start a cold Pango font map per document."""
    from weasyprint.text.fonts import FontConfiguration

    # A pool's worker ends without atexit, after multiprocessing's own finalizers: see forget_fonts.
    multiprocessing.util.Finalize(None, forget_fonts, exitpriority=0)
    return FontConfiguration()


@lru_cache(maxsize=None)
def fonts_folder() -> str:
    """This process's own temp folder for the copies WeasyPrint makes of the @font-face files (10 MB): it
    makes them in the temp folder when a stylesheet declaring them is parsed, and only the configuration's
    __del__ removes them, which a worker leaving by os._exit or a configuration kept to the interpreter's
    end never runs. In a folder of our own, forget_fonts removes them without knowing where WeasyPrint put
    them."""
    return tempfile.mkdtemp(prefix="mubiaobiao-fonts-")


def forget_fonts() -> None:
    """Drop the font configuration and the stylesheets made with it, and remove the fonts' copies. Call it
    last: the fonts are read from there."""
    stylesheet.cache_clear()
    _page_sheet.cache_clear()
    font_config.cache_clear()
    if fonts_folder.cache_info().currsize:
        shutil.rmtree(fonts_folder(), ignore_errors=True)
        fonts_folder.cache_clear()


atexit.register(forget_fonts)


def stylesheets() -> list[weasyprint.CSS]:
    """The page (from render/typeset/geometry.py), then the form (styles/form.css)."""
    return [_page_sheet(geometry.PAGE), stylesheet()]


@lru_cache(maxsize=None)
def stylesheet() -> weasyprint.CSS:
    """Parsed once per process. Its warnings raise here, so that it is never cached and every table
    that would use it fails, not only the first."""
    with _strict(), state.temp_folder(fonts_folder()):
        return weasyprint.CSS(filename=str(STYLES / "form.css"), url_fetcher=ProjectFetcher(),
                              font_config=font_config())


@lru_cache(maxsize=4)
def _page_sheet(page: geometry.Page) -> weasyprint.CSS:
    with _strict():
        return weasyprint.CSS(string=geometry.page_css(), url_fetcher=ProjectFetcher(), font_config=font_config())


@lru_cache(maxsize=None)
def user_agent() -> weasyprint.CSS:
    """styles/ua.css: WeasyPrint's own user-agent sheet, cut down to the elements our templates make."""
    with _strict():
        return weasyprint.CSS(filename=str(STYLES / "ua.css"), url_fetcher=ProjectFetcher())


def document(html: str) -> weasyprint.Document:
    with _strict():
        page = weasyprint.HTML(string=html, base_url=str(STYLES) + "/", url_fetcher=ProjectFetcher())
        weasy.user_agent_sheet(page, user_agent())
        doc = page.render(stylesheets=stylesheets(), font_config=font_config())
    return doc


# Each indicator row's id in the HTML (templates/_table.html.j2): row `r0-1-2` is the anchor `row-r0-1-2`.
ROW_ANCHOR = "row-"


def rows_by_page(doc: weasyprint.Document) -> list[list[str]]:
    """The indicator rows that start on each page, in order: from each page's anchors, which WeasyPrint
    gathers in the order of the page's boxes (a row split over two pages is an anchor on both)."""
    pages = []
    seen: set[str] = set()
    for page in doc.pages:
        ids = []
        for name in page.anchors:
            rid = name[len(ROW_ANCHOR):] if name.startswith(ROW_ANCHOR) else None
            if rid and rid not in seen:
                seen.add(rid)
                ids.append(rid)
        pages.append(ids)
    return pages


@dataclass(frozen=True)
class Attached:
    name: str
    data: bytes


def write(doc: weasyprint.Document, attachments: tuple[Attached, ...] = (), stamp: datetime | None = None,
          body: int = 0) -> bytes:
    """PDF/A-3a and PDF/UA-1, tagged (render/typeset/tags.py), carrying its sources, with every byte determined
    by the content (docs/weasyprint.md); the page printed `— 1 —` is page index `body` (render/typeset/finish.py
    labels the pages so)."""
    fetcher = ProjectFetcher()
    files = [weasyprint.Attachment(file_obj=io.BytesIO(a.data), name=a.name, relationship="Source",
                                   created=stamp, modified=stamp, url_fetcher=fetcher,
                                   description="源文件（Markdown/YAML）")
             for a in attachments]
    parts = [(doc.metadata.title or "").encode()] + [a.name.encode() + a.data for a in attachments]
    digest = hashlib.sha256(b"\0".join(parts)).hexdigest()
    weasy.drop_anchors(doc, ROW_ANCHOR)  # rows are found by them, not linked to
    with _strict():
        data = doc.write_pdf(pdf_variant="pdf/a-3a", attachments=files, pdf_identifier=digest[:32].encode("ascii"),
                             finisher=finish.finisher(body))
    # Pango falls back to any font that has a glyph; the fonts are known only once the pages are drawn.
    others = weasy.font_families(doc) - families()
    if others:
        raise RenderError(f"排版用了 {FONT_FAMILY} 等内置字体以外的字体：{'、'.join(sorted(others))}")
    return streams.settled(data)


def anchor_pages(doc: weasyprint.Document) -> dict[str, int]:
    """The page index on which each id of the document lands."""
    out: dict[str, int] = {}
    for n, page in enumerate(doc.pages):
        for name in page.anchors:
            out.setdefault(name, n)
    return out

