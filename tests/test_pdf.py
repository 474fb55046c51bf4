"""The built project PDFs, read back: every seed cell, fonts embedded, A4, numbered, listed truthfully."""

import hashlib
import subprocess

from conftest import DEPT, pdf_pages, seed_tables, squash
from pypdf import PdfReader

BOILERPLATE = {"部门项目支出预算绩效目标表", "单位：万元"}


def projects(manifest):
    return [f for f in manifest["files"] if f["kind"] == "project"]


def test_manifest_lists_every_project_with_true_checksums(built, manifest):
    files = projects(manifest)
    assert len(files) == 10
    for f in files:
        data = (built / f["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == f["sha256"]
        assert f["pages"] == len(PdfReader(built / f["path"]).pages)
        assert f["sources"][0].startswith("tests/data/content/2025/018-平罗县司法局/")
    assert files[0]["path"] == f"{DEPT}/01-2025年全区安置帮教经费.pdf"


def test_every_seed_cell_is_in_its_own_projects_pdf(built, manifest):
    files = sorted(projects(manifest), key=lambda f: f["path"])
    tables = seed_tables()
    checked = 0
    for f, cells in zip(files, tables, strict=True):
        text = squash("".join(pdf_pages(built / f["path"])))
        for cell in cells:
            assert squash(cell) in text, (f["path"], cell)
            checked += cell not in BOILERPLATE
    assert checked == 539


def test_fonts_are_embedded_and_pages_are_a4_portrait(built, manifest):
    for f in manifest["files"]:
        path = built / f["path"]
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        rows = fonts.strip().split("\n")[2:]
        assert rows and all(r.split()[-5] == "yes" for r in rows), fonts
        assert all("Noto-Serif-CJK-SC" in r for r in rows), fonts
        for page in PdfReader(path).pages:
            w, h = float(page.mediabox.width), float(page.mediabox.height)
            assert abs(w - 595.28) < 0.5 and abs(h - 841.89) < 0.5


def test_pages_carry_their_numbers(built, manifest):
    for f in projects(manifest):
        for n, text in enumerate(pdf_pages(built / f["path"]), 1):
            assert f"— {n} —" in text


def test_a_table_over_two_pages_repeats_heads_under_continued(built):
    pages = pdf_pages(next((built / DEPT).glob("09-*.pdf")))
    assert len(pages) == 2
    assert "续表" not in pages[0] and "续表" in pages[1]
    assert squash("一级指标二级指标三级指标绩效值") in squash(pages[1])


def test_common_characters_come_first_in_the_shipped_faces():
    """WeasyPrint's subsets keep every glyph number up to the highest used: with GB 2312's 3,755 common
    hanzi first, a table's fonts stay small (scripts/make-fonts.py)."""
    from fontTools.ttLib import TTFont

    from render.resources import STYLES

    common = [bytes([hi, lo]).decode("gb2312") for hi in range(0xB0, 0xD8) for lo in range(0xA1, 0xFF)
              if (hi, lo) < (0xD7, 0xFA)]
    assert len(common) == 3755
    for face in sorted((STYLES / "fonts").glob("*.otf")):
        font = TTFont(face, lazy=True)
        gid = {name: i for i, name in enumerate(font.getGlyphOrder())}
        cmap = font.getBestCmap()
        assert max(gid[cmap[ord(c)]] for c in common + list("0123456789，。、：；（）")) < 4300, face.name
