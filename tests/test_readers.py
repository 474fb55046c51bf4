"""Every PDF draws alike in the readers and print paths we did not write against, and its fonts are sound.

Poppler and PDFium draw glyphs by number; MuPDF, Ghostscript and the printers behind ps2write look them up
as CIDs (docs/fonts.md). The shipped faces once broke that, and only the second kind showed it.
"""

from __future__ import annotations

import importlib.util
import io
import subprocess

import fontcheck
import pikepdf
import pytest
import readers
from conftest import DEPT
from fontTools.ttLib import TTFont

from render.resources import ROOT
from render.bind import embed, subset
from render.typeset import fonts

# scripts/make-fonts.py is a script, not a module: load it by path
_spec = importlib.util.spec_from_file_location("make_fonts", ROOT / "scripts" / "make-fonts.py")
make_fonts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_fonts)


def seed_pdfs(built):
    pdfs = sorted((built / DEPT).glob("*.pdf"))
    assert len(pdfs) == 11
    return pdfs


@pytest.mark.slow
def test_every_seed_pdf_draws_alike_in_mupdf_ghostscript_ps2write_and_pdfium(built):
    problems = [line for pdf in seed_pdfs(built) for line in readers.compare(pdf)]
    assert problems == []


def test_every_seed_pdf_shows_only_glyphs_its_fonts_have_at_their_widths(built):
    problems = [line for pdf in seed_pdfs(built) for line in fontcheck.problems(pdf)]
    assert problems == []


def test_the_volume_embeds_each_face_once_under_a_tag_of_its_own(built):
    *tables, volume = seed_pdfs(built)
    embedded = fontcheck.fonts(volume)
    names = [name for name, _ in embedded]
    assert len(names) == 2 and {n.split("+")[1] for n in names} == {"Noto-Serif-CJK-SC-GB", "Noto-Serif-CJK-SC-GB-Bold"}
    # the tag is the program's own, not WeasyPrint's (which is the same in every table)
    table_tags = {n.split("+")[0] for t in tables for n, _ in fontcheck.fonts(t)}
    assert not table_tags & {n.split("+")[0] for n in names}


def test_the_volume_prints_as_vectors_not_as_page_images(built, tmp_path):
    """ps2write rasterises a page whose resources hold transparency: 9 MB for 15 pages, once."""
    volume = seed_pdfs(built)[-1]
    ps = tmp_path / "volume.ps"
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=ps2write", f"-sOutputFile={ps}",
                    str(volume)], check=True, capture_output=True, timeout=300)
    assert ps.stat().st_size < 2_000_000


def test_a_subset_made_for_the_volume_is_the_one_weasyprint_makes(built):
    """Same face file, same glyphs, same bytes: the faces are identified right and subset alike."""
    faces = fonts.embedded_faces()
    table = seed_pdfs(built)[0]
    with pikepdf.open(table) as pdf:
        for font in pdf.pages[0].Resources.Font.values():
            descendant = font.DescendantFonts[0]
            glyphs = [gid for gid, _ in embed.widths(descendant.W)]
            path, index = faces[embed.face_name(font)]
            assert subset.program(path, index, glyphs) == descendant.FontDescriptor.FontFile3.read_bytes()


def test_the_shipped_faces_number_their_glyphs_by_cid():
    for path in fonts.shipped_faces():
        order = TTFont(path, lazy=True).getGlyphOrder()
        assert order[0] == ".notdef" and all(name == f"cid{n:05d}" for n, name in enumerate(order) if n)


def test_the_checks_fail_on_a_table_whose_codes_are_not_its_cids(tmp_path, built):
    """The checks themselves, on what the shipped faces did: glyph numbers kept, CIDs from elsewhere."""
    broken = tmp_path / "broken.pdf"
    with pikepdf.open(seed_pdfs(built)[0]) as pdf:
        for font in pdf.pages[0].Resources.Font.values():
            stream = font.DescendantFonts[0].FontDescriptor.FontFile3
            program = TTFont(io.BytesIO(stream.read_bytes()))
            program = make_fonts.set_cids(program, [0] + [n + 20000 for n in range(1, len(program.getGlyphOrder()))])
            out = io.BytesIO()
            program.save(out)
            stream.write(out.getvalue())
        pdf.save(broken)
    # PDFium, like Poppler, draws by glyph number: only the readers that follow the spec see it
    for reader in ("mupdf", "ghostscript", "ps2write"):
        assert readers.compare(broken, (reader,)) != [], reader
    assert any("lacks" in line for line in fontcheck.problems(broken))


@pytest.mark.parametrize("known", [True, False])
def test_pages_of_two_tables_share_one_program_per_face_or_keep_their_own_under_their_own_tags(built, tmp_path,
                                                                                                known):
    """Two tables' pages in one file: merged when the face's file is known, else each subset retagged."""
    first, second = seed_pdfs(built)[:2]
    joined = tmp_path / "joined.pdf"
    with pikepdf.new() as pdf:
        for table in (first, second):
            with pikepdf.open(table) as source:
                pdf.pages.extend(source.pages)
        embed.unify(pdf, fonts.embedded_faces() if known else {})
        pdf.save(joined)
    names = [name for name, _ in fontcheck.fonts(joined)]
    regular = [n for n in names if n.endswith("+Noto-Serif-CJK-SC-GB")]
    # the two tables' regular subsets differ; their bold ones hold the same glyphs, so are the same bytes
    assert len(regular) == (1 if known else 2) and len(set(names)) == len(names)
    assert fontcheck.problems(joined) == [] and readers.compare(joined, ("mupdf",)) == []


@pytest.mark.slow
def test_a_draft_draws_alike_and_its_fonts_are_sound(draft_built):
    """The mark is outlines under the table's text: every reader draws it, grey and opaque (no transparency
    for ps2write to rasterise)."""
    out, _, _ = draft_built
    drafts = sorted((out / "草稿" / DEPT).glob("*.pdf"))
    volume = next(p for p in drafts if not p.name[0].isdigit())
    table = next(p for p in drafts if p.name.startswith("09-"))
    assert [line for pdf in (volume, table) for line in readers.compare(pdf) + fontcheck.problems(pdf)] == []


def test_the_comparisons_quick_maximum_is_pillows_max_filter(built):
    """readers._near stands in for ImageFilter.MaxFilter(3): the same bytes on a drawn page and on noise,
    ink up to every edge."""
    from PIL import Image, ImageChops, ImageFilter

    page = ImageChops.invert(readers.draw(seed_pdfs(built)[0], "pdfium").pages[0])
    for ink in (page, Image.effect_noise((61, 37), 90).convert("L"), Image.new("L", (5, 4), 255)):
        assert readers._near(ink).tobytes() == ink.filter(ImageFilter.MaxFilter(3)).tobytes()
