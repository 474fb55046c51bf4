"""The bound volume, read back: cover, total, contents that point to the right pages, bookmarks, numbers."""

import io
import re

import pytest
from conftest import (
    run_cli,
    DEPT,
    department_file,
    once,
    pdf_pages,
    project_file,
    run_build,
    seed_tables,
    squash,
)
from pypdf import PdfReader


def volumes(manifest):
    return [f for f in manifest["files"] if f["kind"] == "volume"]


@pytest.fixture(scope="module")
def volume(built, manifest):
    (entry,) = volumes(manifest)
    return built / entry["path"], entry


def printed_number(text: str) -> int | None:
    found = re.findall(r"— (\d+) —", text)
    return int(found[-1]) if found else None


def outline(reader):
    """(title, page index, level) for every bookmark."""
    out = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                out.append((item.title, reader.get_destination_page_number(item), level))

    walk(reader.outline, 0)
    return out


def test_one_volume_for_the_department_with_all_its_sources(volume):
    path, entry = volume
    assert entry["path"] == f"{DEPT}/平罗县司法局2025年部门项目支出预算绩效目标表.pdf"
    assert len(entry["sources"]) == 11 and entry["sources"][0].endswith("部门.yml")
    first = pdf_pages(path)[0]
    assert "平罗县司法局" in first and "2025" in first
    assert printed_number(first) is None  # the cover has no number


def test_summary_prints_the_exact_total(volume):
    path, _ = volume
    text = "\n".join(pdf_pages(path)[:6])
    assert "合计" in text and "320.43" in text
    for amount in ("26.00", "39.05", "82.38"):
        assert amount in text


def test_bound_as_a_volume_is_bound(volume):
    """封面, its blank back, 目录 (unnumbered), then the body from `— 1 —` on a right-hand page, the tables
    running on from one page to the next; an even number of pages."""
    path, _ = volume
    reader = PdfReader(path)
    pages = [p.extract_text() for p in reader.pages]
    marks = outline(reader)
    assert [t for t, _, _ in marks][:4] == ["封面", "目　录", "项目汇总表", "各项目年度金额"]
    at = {t: i for t, i, _ in marks}
    assert at["封面"] == 0 and not squash(pages[1]) and at["目　录"] == 2
    body = at["项目汇总表"]
    assert all(printed_number(t) is None for t in pages[:body])
    first = next(i for i, t in enumerate(pages) if printed_number(t) is not None)
    assert first == body and printed_number(pages[body]) == 1
    assert len(pages) % 2 == 0
    # 目录 and the body open on a right-hand page (an even index: page 1 is a right-hand one)
    assert at["目　录"] % 2 == 0 and body % 2 == 0
    # numbers run on from 1 on every page of the body that prints anything; blank pages print nothing
    for i, text in enumerate(pages[body:]):
        assert printed_number(text) == (i + 1 if squash(text) else None), i
    # no blank page in the body but, for an even count, the very last one
    blanks = [i for i, t in enumerate(pages) if not squash(t)]
    assert all(i < body for i in blanks[:-1]) and (blanks[-1] < body or blanks[-1] == len(pages) - 1), blanks


def test_the_contents_number_the_tables_as_they_run(volume, built):
    """Each table from the page after the one before: its 目录 number is the last one's plus its pages."""
    import pdfplumber

    path, _ = volume
    reader = PdfReader(path)
    marks = outline(reader)
    at = {t: i for t, i, _ in marks}
    with pdfplumber.open(path) as pdf:
        toc = "\n".join(squash(line) for line in pdf.pages[at["目　录"]].extract_text().split("\n")) + "\n"
    tables = sorted(p for p in (built / DEPT).glob("[0-9]*.pdf"))
    printed = [int(n) for n in re.findall(r"\.{3,}(\d+)\n", toc)][2:]  # after 项目汇总表 and the chart
    sizes = [len(PdfReader(t).pages) for t in tables]
    assert printed[0] == 3 and len(printed) == len(tables) == 10
    assert all(b == a + n for a, b, n in zip(printed, printed[1:], sizes, strict=False)), (printed, sizes)


def test_contents_bookmarks_and_printed_numbers_agree(volume):
    path, _ = volume
    reader = PdfReader(path)
    pages = [p.extract_text() for p in reader.pages]
    names = [t[t.index("项目名称") + 1] for t in seed_tables()]
    marks = outline(reader)
    at = {t: i for t, i, _ in marks}
    body = at["项目汇总表"]
    # each entry ends its last line with leader dots and its page number; a name that wraps takes its
    # last characters along to that line: the leader never stands alone
    import pdfplumber

    with pdfplumber.open(path) as pdf:  # pypdf loses lines of the contents' table
        toc = "\n".join(squash(line) for line in pdf.pages[at["目　录"]].extract_text().split("\n")) + "\n"
    for title in ("项目汇总表", "各项目年度金额"):
        assert re.search(title + r"\.{3,}" + str(at[title] - body + 1) + "\n", toc), title
    for name in names:
        (title, start, level) = next(m for m in marks if m[0] == name)
        assert level == 0
        printed = printed_number(pages[start])
        assert printed == start - body + 1
        assert squash(name) in squash(pages[start])
        assert re.search(r"\n?".join(map(re.escape, squash(name))) + r"\.{3,}" + str(printed) + "\n", toc), name
    assert not re.search(r"^\.*\d*$", toc.strip(), re.M), toc


def test_the_cover_text_is_searchable_and_nothing_is_invisible(volume, built):
    path, _ = volume
    import subprocess

    cover = subprocess.run(["pdftotext", "-l", "1", str(path), "-"], capture_output=True, text=True).stdout
    assert "平罗县司法局2025年部门项目支出预算绩效目标表" in squash(cover)
    assert len(re.findall(r"2025年(?!\d)", cover)) == 1  # the year once (the date aside)
    assert not re.search(r"\d \d", cover)
    # the cover's bookmark comes from its visible title: no word is printed in white anywhere
    for pdf in sorted((built / DEPT).glob("*.pdf")):
        assert all("封面" not in t for t in pdf_pages(pdf)), pdf.name


def test_the_chart_names_every_project_in_full_with_the_summarys_amounts(volume):
    import pdfplumber

    path, _ = volume
    marks = {t: i for t, i, _ in outline(PdfReader(path))}
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[marks["各项目年度金额"]]
        assert {"26.00", "39.05", "82.38"} <= {w["text"] for w in page.extract_words()}
        labels = chart_labels(page)
    for n, table in enumerate(seed_tables(), 1):
        assert f"{n}." + squash(table[table.index("项目名称") + 1]) in labels, n


def chart_labels(page) -> str:
    """A chart page's labels, whitespace removed: everything left of the bars and their figures."""
    amounts = [w for w in page.extract_words() if re.fullmatch(r"\d+\.\d\d", w["text"])]
    return squash(page.crop((0, 0, min(w["x0"] for w in amounts) - 20, page.height)).extract_text())


def test_values_do_not_wrap_where_there_is_room(volume):
    import pdfplumber

    path, _ = volume
    marks = {t: i for t, i, _ in outline(PdfReader(path))}
    with pdfplumber.open(path) as pdf:
        table = pdf.pages[marks["2025年全区法律援助案件补助经费"]].extract_text().split("\n")
        summary = pdf.pages[marks["项目汇总表"]].extract_text()
    for value in ("05-行政教科文室", "018-平罗县司法局", "年度总体"):
        assert any(value in line.replace(" ", "") for line in table), value
    # one grid: 实施单位's value gives way to the 三级 names under it, down to nine characters a line, and
    # breaks after its code, not inside the unit's name
    assert any("平罗县司法局本级" in line.replace(" ", "") for line in table)
    lines = [line.replace(" ", "") for line in summary.split("\n")]
    offices = [t[t.index("项目主管处室") + 1] for t in seed_tables()]
    for office in set(offices):  # every row's, none cut before 室
        assert sum(office in line for line in lines) == offices.count(office), office
    assert summary.count("单位：万元") == 1 and "（万元）" not in summary  # the unit, once


def test_a_continuation_page_names_its_table_inside_the_type_area(volume):
    import pdfplumber

    path, _ = volume
    name = "依法行政和行政复议、法治政府建设工作及行政执法人员培训经费8万元"
    start = {t: i for t, i, _ in outline(PdfReader(path))}[name]
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[start + 1]
        line = next(l for l in page.extract_text().split("\n") if "续表" in l)
        mark = next(w for w in page.extract_words() if w["text"].startswith("续表"))
    assert name in line.replace(" ", "") and "单位：万元" in line.replace(" ", "")
    assert mark["top"] >= 37 * 72 / 25.4  # the type area starts 37 mm from the top edge


def test_summary_page_column_matches_the_tables(volume):
    path, _ = volume
    reader = PdfReader(path)
    marks = {t: i for t, i, _ in outline(reader)}
    summary = squash(reader.pages[marks["项目汇总表"]].extract_text())
    for n, table in enumerate(seed_tables(), 1):
        name = table[table.index("项目名称") + 1]
        assert squash(name) in summary
        # its row ends with its amount and the number printed on its first page
        page = marks[name] - marks["项目汇总表"] + 1
        assert re.search(re.escape(squash(name)) + r"[^合]*?\d+\.\d\d" + f"{page}(?={n + 1}|合计)", summary), name


def test_volume_pages_are_the_project_pages(built, volume, manifest):
    """A table lays out the same in its own PDF and in the volume."""
    path, _ = volume
    reader = PdfReader(path)
    marks = outline(reader)
    body = next(i for t, i, _ in marks if t == "项目汇总表")
    for f in [f for f in manifest["files"] if f["kind"] == "project"]:
        own = PdfReader(built / f["path"])
        title = own.metadata.title
        start = next(i for t, i, _ in marks if t == title)
        for k, page in enumerate(own.pages):
            a = squash(page.extract_text()).replace(f"—{k + 1}—", "")
            b = squash(reader.pages[start + k].extract_text()).replace(f"—{start - body + k + 1}—", "")
            assert a == b, (title, k)


@pytest.fixture(scope="module")
def two_departments(tmp_path_factory):
    def make(root):
        rows = [("1-产出指标", "11-数量指标", "培训人次", "≥100人次"), ("3-满意度指标", "31-服务对象满意度", "满意度", "≥95%")]
        for code, name, amounts in (("901", "甲局", ("1.5", "2")), ("902", "乙局", ("3",))):
            folder = root / "content" / "2025" / f"{code}-{name}"
            department_file(folder, code, name, extra=f"合计: {sum(map(float, amounts)):g}\n")
            for n, amount in enumerate(amounts, 1):
                project_file(folder, f"{n:02d}-{name}项目{n}", f"{name}项目{n}", f"{code}-{name}", amount, rows)
        for option in ((), ("--tables-on-right",)):  # beside each other: two variants of each volume
            result = run_build("--content", str(root / "content"), "--out", str(root / "dist"), "--jobs", "2", *option)
            assert result.returncode == 0, result.stdout + result.stderr

    out = once(tmp_path_factory, "two", make) / "dist"
    import json

    return out, json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def test_two_departments_give_two_volumes(two_departments):
    out, manifest = two_departments
    vols = [v for v in volumes(manifest) if not v["variant"]["right_tables"]]
    assert sorted(v["path"] for v in vols) == ["2025/901-甲局/甲局2025年部门项目支出预算绩效目标表.pdf",
                                               "2025/902-乙局/乙局2025年部门项目支出预算绩效目标表.pdf"]
    text = squash("".join(pdf_pages(out / vols[0]["path"])))
    assert "甲局项目1" in text and "乙局" not in text.replace("甲局", "")


def test_tables_on_right_starts_every_table_on_a_right_hand_page(two_departments):
    out, manifest = two_departments
    right = [v for v in volumes(manifest) if v["variant"]["right_tables"]]
    assert {v["path"].split("/")[-1] for v in right} == {
        "甲局2025年部门项目支出预算绩效目标表（每表右页）.pdf", "乙局2025年部门项目支出预算绩效目标表（每表右页）.pdf"}
    for v in right:
        reader = PdfReader(out / v["path"])
        pages = [p.extract_text() for p in reader.pages]
        marks = outline(reader)
        body = next(i for t, i, _ in marks if t == "项目汇总表")
        starts = [i for t, i, _ in marks if "局项目" in t]
        assert starts and all(i % 2 == 0 for i in starts)  # index 0 is page 1, a right-hand page
        for i, text in enumerate(pages[body:]):
            if not squash(text):
                continue  # a blank page: nothing printed, not even a number
            assert printed_number(text) == i + 1
        blanks = [i for i, t in enumerate(pages) if not squash(t)]
        assert blanks, "duplex of one-page tables needs blank backs"


def test_contents_entries_link_to_their_tables(volume):
    path, _ = volume
    reader = PdfReader(path)
    marks = {t: i for t, i, _ in outline(reader)}
    named = reader.named_destinations
    index = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}
    targets = []
    for annot in reader.pages[marks["目　录"]].get("/Annots", []):
        annot = annot.get_object()
        if annot.get("/Subtype") == "/Link":
            dest = annot.get("/Dest")
            if isinstance(dest, str):  # a named destination
                targets.append(reader.get_destination_page_number(named[dest]))
            else:  # [page, /XYZ, left, top, zoom]
                targets.append(index[dest[0].idnum])
    starts = sorted(i for t, i in marks.items() if t not in ("封面", "目　录"))  # the body's parts and tables
    assert len(starts) == 12 and sorted(set(targets)) == starts  # an entry may have several link boxes


@pytest.mark.parametrize("order", ["number last", "number first"])
def test_only_the_tables_own_number_is_dropped(order):
    """The number is found where WeasyPrint draws it (last), and anywhere else by a full parse."""
    import pikepdf

    from render.bind import assemble

    number = b"BT\n1 0 0 -1 300 1037.4 Tm\n/F1 18 Tf\n[<0001>] TJ\nET\n"
    body = b"BT\n1 0 0 -1 100 500 Tm\n/F1 12 Tf\n[<0002>] TJ\nET\n"
    pdf = pikepdf.new()
    pdf.add_blank_page()
    page = pdf.pages[0]
    page.Contents = pdf.make_stream(b"q\n" + (body + number if order == "number last" else number + body) + b"Q\n")
    assemble.drop_page_number(pdf, page)
    ops = [(list(operands), str(op)) for operands, op in pikepdf.parse_content_stream(page)]
    assert [op for _, op in ops] == ["q", "BT", "Tm", "Tf", "TJ", "ET", "Q"]
    assert ops[2][0][5] == 500


@pytest.mark.parametrize(("duplex", "on_right"), [(False, False), (True, False), (True, True)])
def test_a_long_summary_still_prints_the_pages_the_tables_fall_on(duplex, on_right):
    """Thirty projects push the first table past the guessed page: the frame is laid out again from where
    it fell, and the contents print every table's real page (odd ones with `on_right`)."""
    import dataclasses

    from conftest import CONTENT, DATA

    from render.source import load
    from render.typeset import layout as pdf
    from render.typeset import markup as html
    from render.typeset import paginate

    seed = load.load(CONTENT, DATA)[0].departments[0]
    projects = tuple(dataclasses.replace(p, name=f"{p.name}（第{k}批）") for k in (1, 2, 3) for p in seed.projects)
    department = dataclasses.replace(seed, projects=projects)
    pages = tuple(1 + (n % 4 == 0) for n in range(len(projects)))
    doc = paginate.frame(html.environment(), department, pages, duplex, tables_on_right=on_right)
    at = pdf.anchor_pages(doc)
    starts = [at[html.slot(n, 0)] - at["summary"] + 1 for n in range(len(projects))]
    assert starts[0] > 3
    if on_right:
        assert all(s % 2 for s in starts)
    else:  # each table on the page after the last one's
        assert all(b == a + n for a, b, n in zip(starts, starts[1:], pages, strict=False))
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf.write(doc))) as frame:  # pypdf loses lines of the contents' table
        front = [page.extract_text() for page in frame.pages[:at["summary"]]]
        # the chart goes on over as many pages as its names need, each inside the type area (262 mm)
        charts = frame.pages[at["chart"]:at[html.slot(0, 0)]]
        assert len(charts) == 2
        labels = "".join(chart_labels(page.crop((0, 0, page.width, 262 * 72 / 25.4))) for page in charts)
        assert all(squash(f"{n}.{p.name}") in labels for n, p in enumerate(projects, 1))
    contents = squash("".join(front[next(i for i, t in enumerate(front) if squash(t).startswith("目录")):]))
    for n, (p, start) in enumerate(zip(projects, starts, strict=True)):
        assert re.search(f"{n + 1}\\." + re.escape(squash(p.name)) + r"\.+" + f"{start}(?={n + 2}\\.|$)", contents), (p.name, start)


def test_simplex_has_no_blank_pages_and_a_name_of_its_own(simplex_built, volume):
    simplex = simplex_built
    path, _ = volume
    single = simplex / DEPT / path.name.replace(".pdf", "（单面）.pdf")
    # the double-sided volume is another variant: kept as it was, beside the single-sided one
    assert (simplex / DEPT / path.name).read_bytes() == path.read_bytes()
    reader = PdfReader(single)
    pages = [p.extract_text() for p in reader.pages]
    assert all(squash(t) for t in pages)
    marks = {t: i for t, i, _ in outline(reader)}
    assert (marks["封面"], marks["目　录"], marks["项目汇总表"]) == (0, 1, 2)
    assert [printed_number(t) for t in pages[2:]] == list(range(1, len(pages) - 1))
    assert len(pages) == 2 + 2 + sum(len(pdf_pages(p)) for p in (simplex / DEPT).glob("[0-9]*.pdf"))


def layout_pages(path) -> list[str]:
    """`pdftotext -layout` of each page: what a reader copying from the PDF gets."""
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


@pytest.mark.slow
def test_a_draft_says_so_in_its_title_and_leaves_the_final_pdfs_alone(draft_built):
    out, before, after = draft_built
    assert before == after
    drafts = sorted((out / "草稿" / DEPT).glob("*.pdf"))
    assert len(drafts) == 11 and all(p.stem.endswith("（征求意见稿）") for p in drafts)
    for pdf in drafts:
        reader = PdfReader(pdf)
        final = out / DEPT / pdf.name.replace("（征求意见稿）", "")
        # The mark is drawn as outlines: extracting or copying a page gets exactly the final PDF's text.
        # Only the volume's cover says it, in words, under its title.
        mine = [squash(t) for t in pdf_pages(pdf)], [squash(t) for t in layout_pages(pdf)]
        theirs = [squash(t) for t in pdf_pages(final)], [squash(t) for t in layout_pages(final)]
        for got, want in zip(mine, theirs, strict=True):
            if pdf.stem.startswith("平罗"):
                assert "目标表（征求意见稿）编制单位" in got[0], pdf.name
                got = [got[0].replace("（征求意见稿）", "", 1)] + got[1:]
            assert got == want, pdf.name
        assert "征求意见稿" in reader.metadata.title and "征求意见稿" in reader.metadata.subject
        xmp = reader.xmp_metadata.stream.get_data().decode()
        for field in ("dc:title", "dc:description", "pdf:Keywords"):  # where an archive's intake reads
            assert re.search(f"<{field}>(?:(?!</{field}>).)*征求意见稿", xmp), (pdf.name, field)
    manifest = (out / "草稿" / "manifest.json").read_text(encoding="utf-8")
    assert manifest.count("（征求意见稿）.pdf") == 11 and "草稿" not in (out / "manifest.json").read_text(encoding="utf-8")
    for folder in (out, out / "草稿"):  # each checks against its own manifest; the final one ignores drafts
        result = run_cli("verify", "--out", str(folder))
        assert result.returncode == 0, result.stdout + result.stderr


def gray_pages(path) -> list:
    """Each page drawn by Poppler in grey levels, small."""
    import subprocess
    import tempfile
    from pathlib import Path

    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-r", "24", "-gray", "-png", str(path), f"{folder}/p"], check=True)
        return [Image.open(p).convert("L").tobytes() for p in sorted(Path(folder).glob("p-*.png"))]


def test_every_page_of_a_draft_volume_has_the_mark_once_and_under_the_text(draft_built):
    """The frame is laid out without a mark and gets one under each page but the tables' (render/bind/
    assemble.py mark_frame), which bring their own: every page is marked, and no table's text is greyed."""
    out, _, _ = draft_built
    draft = next(p for p in (out / "草稿" / DEPT).glob("*.pdf") if not p.name[0].isdigit())
    final = out / DEPT / draft.name.replace("（征求意见稿）", "")
    drafted, finals = gray_pages(draft), gray_pages(final)
    assert len(drafted) == len(finals)
    for n, (mine, theirs) in enumerate(zip(drafted, finals, strict=True), 1):
        grey = [a for a, b in zip(mine, theirs, strict=True) if 150 < a < 220 and b > 240]
        assert len(grey) > 500, f"page {n}: no mark"  # the mark's grey where the final page is white
        black = [a for a, b in zip(mine, theirs, strict=True) if b < 60]
        assert sum(a > 120 for a in black) <= len(black) // 50, f"page {n}: text greyed by a mark over it"
