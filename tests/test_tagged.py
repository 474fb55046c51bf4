"""Tagged PDFs (issue 32): the tables pass PDF/A-3a and PDF/UA-1, a screen reader hears each 绩效值 with its
一级, 二级 and 三级 and its column head, and our own structure check (render/archive/structure.py) catches what
page-validation lets through: shown on broken files made here."""

from __future__ import annotations

import io
import re
from collections import defaultdict

import pdfplumber
import pikepdf
import pytest

from conftest import CONTENT, DATA, DEPT
from render.archive import pdf as archived, structure
from render.source import load
from render.typeset import layout, markup, paginate


def tables(built):
    return sorted((built / DEPT).glob("[0-9]*.pdf"))


def test_every_table_claims_and_passes_pdfa_3a_and_pdfua_1_and_the_structure_check(built):
    for path in tables(built):
        assert archived.claimed(path) == ("3b", "3a", "ua1"), path.name
        assert archived.pdfa_failures(path) == [], path.name
        assert structure.check(path) == [], path.name


def texts(path) -> dict[tuple[int, int], str]:
    """(page index, MCID) → its text, as a text extractor reads it."""
    out: dict[tuple[int, int], str] = defaultdict(str)
    with pdfplumber.open(path) as pdf:
        for n, page in enumerate(pdf.pages):
            for char in page.chars:
                if char.get("mcid") is not None:
                    out[(n, char["mcid"])] += char["text"]
    return out


def element_text(element, said, pages) -> str:
    page = element.get("/Pg")
    out = ""
    for kid in structure._kids(element):
        if isinstance(kid, int):
            out += said.get((pages[page.objgen], int(kid)), "")
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":  # in a table page's form
            out += said.get((pages[kid.Pg.objgen], int(kid.MCID)), "")
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            out += element_text(kid, said, pages)
    return re.sub(r"\s+", "", out)


def test_each_value_is_read_with_its_indicator_path_and_column_head(built):
    model, _ = load.load(CONTENT, DATA)
    project = next(p for p in model.projects if p.stem.startswith("01-"))
    path = next(p for p in tables(built) if p.name.startswith("01-"))
    said = texts(path)
    with pikepdf.open(path) as pdf:
        pages = {page.objgen: n for n, page in enumerate(pdf.pages)}
        elements = list(structure._walk(pdf.Root.StructTreeRoot))
        ids = {bytes(e.ID): e for e in elements if "/ID" in e}
        indicators = [e for e in elements if e.S == "/Table"][1]
        values = [c for row in structure._rows(indicators) for c in row if c.S == "/TD"]
        heard = [[element_text(ids[bytes(h)], said, pages) for h in structure._attribute(c, "/Headers")]
                 + [element_text(c, said, pages)] for c in values]
    expected = [[l1.label, l2.label, row.name, "绩效值", row.value]
                for l1 in project.levels for l2 in l1.groups for row in l2.indicators]
    assert [[re.sub(r"\s+", "", t) for t in e] for e in expected] == heard


@pytest.fixture(scope="module")
def seed_table() -> bytes:
    model, _ = load.load(CONTENT, DATA)
    project = next(p for p in model.projects if p.stem.startswith("09-"))
    doc = paginate.project(markup.environment(), project, "2025-01-20T00:00:00+08:00")
    return layout.write(doc)


def broken(data: bytes, change) -> list[str]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        change(pdf)
        return structure.problems(pdf)


def test_the_check_passes_the_table_as_written(seed_table):
    assert broken(seed_table, lambda pdf: None) == []


def test_the_check_refuses_an_untagged_pdf(seed_table):
    assert broken(seed_table, lambda pdf: pdf.Root.__delattr__("StructTreeRoot")) == ["没有结构树（未加标签）"]


def _cells(pdf, kind: str) -> list:
    table = [e for e in structure._walk(pdf.Root.StructTreeRoot) if e.S == "/Table"][1]
    return [c for row in structure._rows(table) for c in row if c.S == kind]


def test_the_check_refuses_headers_naming_a_cell_off_the_row(seed_table):
    def point_elsewhere(pdf):
        heads = _cells(pdf, "/TH")
        _cells(pdf, "/TD")[0].A.Headers = pikepdf.Array([heads[-1].ID])  # the last row's 三级

    assert any("不在其行或列上的表头" in p for p in broken(seed_table, point_elsewhere))


def test_the_check_refuses_headers_naming_no_cell(seed_table):
    def point_nowhere(pdf):
        _cells(pdf, "/TD")[0].A.Headers = pikepdf.Array([pikepdf.String("nothing")])

    assert any("不存在的表头" in p for p in broken(seed_table, point_nowhere))


def test_the_check_refuses_content_that_reaches_no_element(seed_table):
    def drop_a_row(pdf):
        table = [e for e in structure._walk(pdf.Root.StructTreeRoot) if e.S == "/Table"][1]
        body = [k for k in table.K if k.S == "/TBody"][0]
        body.K = pikepdf.Array(list(body.K)[1:])

    assert any("不属于结构树中的任何元素" in p for p in broken(seed_table, drop_a_row))


def test_the_check_refuses_an_mcid_used_twice_on_a_page(seed_table):
    def draw_twice(pdf):
        page = pdf.pages[0]
        page.contents_add(pdf.make_stream(b"/Span <</MCID 3>> BDC EMC"))

    assert any("用了不止一次" in p for p in broken(seed_table, draw_twice))


def test_the_check_refuses_a_table_read_out_of_print_order(seed_table):
    def swap_rows(pdf):
        table = [e for e in structure._walk(pdf.Root.StructTreeRoot) if e.S == "/Table"][1]
        body = [k for k in table.K if k.S == "/TBody"][0]
        rows = list(body.K)
        body.K = pikepdf.Array([rows[1], rows[0]] + rows[2:])

    assert any("结构顺序与印出的顺序不一致" in p for p in broken(seed_table, swap_rows))


def test_the_check_refuses_what_weasyprint_tags_alone(seed_table):
    """WeasyPrint's own tagging of the same table: page numbers in no element, value cells headed by the
    wrong column (its rowspan drift), no /Scope: the finisher's work is what makes it pass."""
    model, _ = load.load(CONTENT, DATA)
    project = next(p for p in model.projects if p.stem.startswith("09-"))
    doc = paginate.project(markup.environment(), project, "2025-01-20T00:00:00+08:00")
    found = broken(doc.write_pdf(pdf_variant="pdf/a-3a"), lambda pdf: None)
    assert any("不属于结构树中的任何元素" in p for p in found)
    assert any("不在其行或列上的表头" in p for p in found)
    assert any("没有 Scope" in p for p in found)


def volume(built):
    return next(p for p in (built / DEPT).glob("*.pdf") if not p.name[0].isdigit())


def test_the_volume_reads_cover_contents_summary_chart_then_each_table_under_its_h2(built):
    said = texts(volume(built))
    with pikepdf.open(volume(built)) as pdf:
        pages = {page.objgen: n for n, page in enumerate(pdf.pages)}
        document = pdf.Root.StructTreeRoot.K[0]
        parts = [e for e in structure._walk(document) if e.S in ("/H1", "/H2", "/TOC", "/Figure")]
        heads = [(str(e.S), element_text(e, said, pages)) for e in parts if e.S != "/TOC"]
        assert [e.S for e in parts][:4] == ["/H1", "/H2", "/TOC", "/H2"]  # cover, 目录, its entries, 汇总表
        assert heads[0][1].startswith("平罗县司法局") and heads[1][1] == "目录"
        assert [h for h in heads if h[0] == "/Figure"] and heads[3][1] == "各项目年度金额"
        assert [t for s, t in heads[4:] if s == "/H2"] == ["部门项目支出预算绩效目标表"] * len(tables(built))
        toc = next(e for e in parts if e.S == "/TOC")
        assert {e.S for e in structure._kids(toc) if isinstance(e, pikepdf.Dictionary)} == {"/TOCI"}
        for page in pdf.pages:
            for annotation in page.get("/Annots", ()):
                assert str(annotation.Contents) and not str(annotation.Contents).startswith("slot"), annotation
    assert not [t for t in said.values() if t.strip(".") == "" or "..." in t], "the dot leaders are artifacts"
    with pdfplumber.open(volume(built)) as pdf:  # and they are there, drawn
        assert "......" in "".join(c["text"] for c in pdf.pages[2].chars)


def test_the_check_refuses_a_volume_whose_tables_reach_no_element(built):
    """As the volume was before its tables' trees were grafted: their pages drawn, their content in no tree."""
    def forget_tables(pdf):
        for page in pdf.pages:
            for form in (page.Resources.get("/XObject") or {}).values():
                if "/StructParents" in form:
                    del form["/StructParents"]

    found = broken(volume(built).read_bytes(), forget_tables)
    assert any("不属于结构树中的任何元素" in p for p in found)


def test_a_volume_whose_object_streams_would_end_in_cr_is_saved_again_at_another_level(monkeypatch):
    """A volume keeps its object streams (1.14× the untagged bytes, not 2×) when a stream the writer made
    ends in CR: it is deflated again at another level before streams.settled would drop them."""
    from render.bind import assemble
    from render.typeset import streams

    levels = []
    monkeypatch.setattr(pikepdf.settings, "set_flate_compression_level", levels.append)

    class Volume:
        def save(self, out, **options):
            assert options["object_stream_mode"] == pikepdf.ObjectStreamMode.generate
            out.write(b"1 0 obj stream\nx\r" + streams.MISREAD[1:] if len(levels) == 1 else b"clean")

    assert assemble.saved(Volume()) == b"clean" and levels == [-1, -1, 9, -1]


def test_the_check_survives_a_tree_that_loops(seed_table):
    """A file made to break readers (archive --check reads what it is given): its tree refers to itself."""
    def loop(pdf):
        table = [e for e in structure._walk(pdf.Root.StructTreeRoot) if e.S == "/Table"][1]
        table.K = pikepdf.Array(list(table.K) + [pdf.Root.StructTreeRoot.K[0]])

    assert isinstance(broken(seed_table, loop), list)
