"""The page has one description (render/typeset/geometry.py): move a margin there and the tables, their page
numbers and the volume's move with it; the stylesheet agrees with the sizes it shares."""

from __future__ import annotations

import re
import shutil

import pdfplumber
import pytest
from conftest import CONTENT

from render.produce.plan import Options
from render.produce.run import build
from render.typeset import fonts, geometry, runs

MM = 72 / 25.4
TITLE = "部门项目支出预算绩效目标表"


def numbers(page) -> list[tuple[str, float]]:
    """The `— N —` printed below the type area: (N, the middle of its dashes' ink, in mm from the top)."""
    words = page.extract_words()
    found = []
    for a, b, c in zip(words, words[1:], words[2:], strict=False):
        if a["text"] == c["text"] == "—" and b["text"].isdigit() and abs(a["top"] - b["top"]) < 1:
            found.append((b["text"], dash_middle(page, a)))
    return found


def page_count(path) -> int:
    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def dash_middle(page, word) -> float:
    """Where a dash's ink stands (mm from the page's top): its baseline in the PDF, raised by the height of
    the dash's middle in the face itself."""
    (dash,) = [c for c in page.chars if c["text"] == "—" and abs(c["x0"] - word["x0"]) < 0.1
               and abs(c["top"] - word["top"]) < 0.1]
    middle = fonts.measured_heights("Regular")["dash_middle"] / 1000 * dash["size"]
    return (page.height - dash["matrix"][5] - middle) / MM


def title_centre(page) -> float | None:
    """The x (mm) of the middle of the table's title, if the page has one."""
    chars = [c for c in page.chars if abs(c["size"] - 22) < 0.5]  # 二号: the form's title, not the cover's
    text = "".join(c["text"] for c in chars)
    if TITLE not in text:
        return None
    return (min(c["x0"] for c in chars) + max(c["x1"] for c in chars)) / 2 / MM


def table_left(page) -> float | None:
    """The x (mm) where a table page's text begins, if the page holds a table."""
    if "三级指标" not in page.extract_text():
        return None
    return min(c["x0"] for c in page.chars if abs(c["size"] - 10.5) < 0.1) / MM


def built(tmp_path, page: geometry.Page, monkeypatch, simplex: bool = False):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    for path in content.rglob("*.md"):  # one table of one page, one of two: quick, and both kinds
        if path.name[:2] not in ("01", "09"):
            path.unlink()
    monkeypatch.setattr(geometry, "PAGE", page)
    out = tmp_path / "dist"
    assert build(Options(content, out, jobs=1, simplex=simplex), say=lambda line, level=None: None).exit == 0
    tables = sorted(p for p in out.glob("2025/*/*.pdf") if p.name[:2].isdigit())
    volumes = [p for p in out.glob("2025/*/*.pdf") if not p.name[:2].isdigit()]
    assert len(volumes) == 1, volumes
    volume = volumes[0]
    return tables, volume


MOVED = geometry.Page(bottom=55, inner=34, outer=20)


@pytest.mark.parametrize(("page", "simplex"), [(geometry.Page(), False), (MOVED, False), (MOVED, True)],
                         ids=["as printed", "margins moved", "margins moved, single-sided"])
def test_a_margin_moves_the_tables_and_the_volumes_page_numbers_together(tmp_path, monkeypatch, page, simplex):
    tables, volume = built(tmp_path, page, monkeypatch, simplex)
    # GB/T 9704-2012: the 一字线 7 mm below the type area's foot
    dash = page.height - page.bottom + page.number_gap
    for path in tables:
        with pdfplumber.open(path) as pdf:
            for n, p in enumerate(pdf.pages, 1):
                ((text, middle),) = numbers(p)
                assert text == str(n) and middle == pytest.approx(dash, abs=0.5), path.name
                # one character (四号) in from the type area's outer edge: right on a right-hand page
                ink = [c for c in p.chars if abs(c["size"] - page.number_size) < 0.1]
                em = page.number_size / 72 * 25.4
                if n % 2:
                    assert ink[-1]["x1"] / MM == pytest.approx(page.width - page.outer - em, abs=0.3)
                else:
                    assert ink[0]["x0"] / MM == pytest.approx(page.outer + em, abs=0.3)
                centre = title_centre(p)
                if centre is not None:  # a table's own pages are right-hand pages, bound on the left
                    assert centre == pytest.approx(page.inner + page.type_width / 2, abs=1)
    with pdfplumber.open(volume) as pdf:
        body = [p for p in pdf.pages if numbers(p)]
        slots = [p for p in pdf.pages if title_centre(p) is not None]
        assert slots, "no table laid into the volume"
        for p in body:
            # exactly one number, the volume's: the table's own was taken off by the assembly
            ((_, middle),) = numbers(p)
            assert middle == pytest.approx(dash, abs=0.5)
        for p in slots:
            assert numbers(p), "a table page of the volume without its number"
        laid = [p for p in body if table_left(p) is not None]
        assert len(laid) == sum(map(page_count, tables))  # 01's page, 09's two or more
        for p in laid:
            # bound on the left on a right-hand page (odd number; every page, single-sided), else mirrored
            right = simplex or int(numbers(p)[0][0]) % 2 == 1
            side = page.inner if right else page.outer
            assert side - 0.5 < table_left(p) < side + 4, f"page {numbers(p)[0][0]}"
            if title_centre(p) is not None:
                assert title_centre(p) == pytest.approx(side + page.type_width / 2, abs=1)


def test_the_stylesheet_sets_the_sizes_the_geometry_reckons_with():
    from render.typeset.layout import STYLES

    css = (STYLES / "form.css").read_text(encoding="utf-8")
    html = re.search(r"^html \{(.*?)\}", css, re.S | re.M).group(1)
    assert f"font-size: {geometry.PAGE.type_size}pt" in html
    assert f"line-height: {geometry.PAGE.line_height}" in html
    grid = re.search(r"^\.grid th, \.grid td \{(.*?)\}", css, re.S | re.M)
    assert grid and f"{geometry.PAGE.cell_padding}mm" in grid.group(1).split("padding:")[1].split(";")[0]
    assert "@page {" not in css, "the page's rules are made from the geometry module, not written here"


def stray(path, page: geometry.Page) -> list[str]:
    """Every character printed outside the type area (0.5 mm of slack for the faces' side bearings), but
    the page number's, which stands below it (still between the area's sides), and the blank half of a
    closing mark that ends one of the 审核意见's lines (it has no running head above the area any more,
    GB/T 9704): the area's left edge is the binding side on a right-hand
    (odd) page, the outer side on a left-hand one."""
    found = []
    foot = page.top + page.type_height
    with pdfplumber.open(path) as pdf:
        for n, p in enumerate(pdf.pages, 1):
            left = page.inner if n % 2 else page.outer
            for c in p.chars:
                x0, x1, top, bottom = (c[k] / MM for k in ("x0", "x1", "top", "bottom"))
                if top >= foot and abs(c["size"] - page.number_size) < 0.1:
                    continue
                if path.name == "审核意见.pdf" and c["text"] in runs.CLOSING:
                    # a closing mark ending a filled line hangs its blank half past the edge, its ink inside
                    # (render/typeset/fill.py): its box is measured to its middle
                    x1 = (x0 + x1) / 2
                if not (left - 0.5 < x0 and x1 < left + page.type_width + 0.5
                        and page.top - 0.5 < top and bottom < foot + 0.5):
                    found.append(f"{path.name} p{n} {c['text']!r} x {x0:.1f}–{x1:.1f} y {top:.1f}–{bottom:.1f}")
    return found


@pytest.mark.parametrize("change", [-10, 10], ids=["type area 10 mm narrower", "10 mm wider"])
def test_every_character_stays_in_the_type_area_however_wide_it_is(tmp_path, monkeypatch, change):
    """Column widths, the chart and the 审核意见's tables fill the type area the geometry gives, not the
    one the form was first drawn on: a width written down anywhere else puts text outside it."""
    from render.commands import review

    page = geometry.Page(inner=geometry.PAGE.inner - change / 2, outer=geometry.PAGE.outer - change / 2)
    tables, volume = built(tmp_path, page, monkeypatch)
    assert review.run(tmp_path / "content", out=tmp_path / "dist", say=lambda *a, **k: None) == 0
    (report,) = (tmp_path / "dist").glob("2025/*/审核意见.pdf")
    found = [line for path in [*tables, volume, report] for line in stray(path, page)]
    assert not found, "\n".join(found[:20])
