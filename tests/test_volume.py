"""The bound volume, read back: cover, total, contents that point to the right pages, bookmarks, numbers."""

import io
import re

import pytest
from pypdf import PdfReader

from conftest import DEPT, department_file, pdf_pages, project_file, run_build, seed_tables, squash


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
    text = "\n".join(pdf_pages(path)[:4])
    assert "合计" in text and "320.43" in text
    for amount in ("26.00", "39.05", "82.38"):
        assert amount in text


def test_contents_bookmarks_and_printed_numbers_agree(volume):
    path, _ = volume
    reader = PdfReader(path)
    pages = [p.extract_text() for p in reader.pages]
    names = [t[t.index("项目名称") + 1] for t in seed_tables()]
    marks = outline(reader)
    titles = [t for t, _, _ in marks]
    assert titles[:2] == ["封面", "项目汇总表"] and "目　录" in titles
    toc_index = next(i for t, i, _ in marks if t == "目　录")
    # keep line ends: each entry ends its line with leader dots and its page number
    toc = "\n".join(squash(line) for line in pages[toc_index].split("\n"))
    for name in names:
        (title, start, level) = next(m for m in marks if m[0] == name)
        assert level == 0
        printed = printed_number(pages[start])
        assert printed == start + 1
        assert squash(name) in squash(pages[start])
        assert re.search(re.escape(squash(name)) + r"\.{3,}" + str(printed) + "\n", toc), name
    # continuous numbers on every page after the cover
    assert [printed_number(t) for t in pages[1:]] == list(range(2, len(pages) + 1))


def test_summary_page_column_matches_the_tables(volume):
    path, _ = volume
    reader = PdfReader(path)
    marks = {t: i for t, i, _ in outline(reader)}
    summary = squash(reader.pages[marks["项目汇总表"]].extract_text())
    for n, table in enumerate(seed_tables(), 1):
        name = table[table.index("项目名称") + 1]
        assert squash(name) in summary
        assert str(marks[name] + 1) in summary


def test_volume_pages_are_the_project_pages(built, volume, manifest):
    """A table lays out the same in its own PDF and in the volume."""
    path, _ = volume
    reader = PdfReader(path)
    marks = outline(reader)
    for f in [f for f in manifest["files"] if f["kind"] == "project"]:
        own = PdfReader(built / f["path"])
        title = own.metadata.title
        start = next(i for t, i, _ in marks if t == title)
        for k, page in enumerate(own.pages):
            a = squash(page.extract_text()).replace(f"—{k + 1}—", "")
            b = squash(reader.pages[start + k].extract_text()).replace(f"—{start + k + 1}—", "")
            assert a == b, (title, k)


@pytest.fixture(scope="module")
def two_departments(tmp_path_factory):
    root = tmp_path_factory.mktemp("two")
    rows = [("1-产出指标", "11-数量指标", "培训人次", "≥100人次"), ("3-满意度指标", "31-服务对象满意度", "满意度", "≥95%")]
    for code, name, amounts in (("901", "甲局", ("1.5", "2")), ("902", "乙局", ("3",))):
        folder = root / "content" / "2025" / f"{code}-{name}"
        department_file(folder, code, name, extra=f"合计: {sum(map(float, amounts)):g}\n")
        for n, amount in enumerate(amounts, 1):
            project_file(folder, f"{n:02d}-{name}项目{n}", f"{name}项目{n}", f"{code}-{name}", amount, rows)
    out = root / "dist"
    result = run_build("--content", str(root / "content"), "--out", str(out), "--jobs", "2", "--duplex")
    assert result.returncode == 0, result.stdout + result.stderr
    import json

    return out, json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def test_two_departments_give_two_volumes(two_departments):
    out, manifest = two_departments
    vols = volumes(manifest)
    assert sorted(v["path"] for v in vols) == ["2025/901-甲局/甲局2025年部门项目支出预算绩效目标表.pdf",
                                               "2025/902-乙局/乙局2025年部门项目支出预算绩效目标表.pdf"]
    text = squash("".join(pdf_pages(out / vols[0]["path"])))
    assert "甲局项目1" in text and "乙局" not in text.replace("甲局", "")


def test_duplex_starts_every_table_on_a_right_hand_page(two_departments):
    out, manifest = two_departments
    for v in volumes(manifest):
        reader = PdfReader(out / v["path"])
        pages = [p.extract_text() for p in reader.pages]
        starts = [i for t, i, _ in outline(reader) if "项目" in t and t != "项目汇总表"]
        assert starts and all(i % 2 == 0 for i in starts)  # index 0 is page 1, a right-hand page
        for i, text in enumerate(pages[1:], 1):
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
    targets = []
    for annot in reader.pages[marks["目　录"]].get("/Annots", []):
        annot = annot.get_object()
        if annot.get("/Subtype") == "/Link":
            dest = annot.get("/Dest")
            dest = named[str(dest)] if isinstance(dest, str) else reader._build_destination("", dest)
            targets.append(reader.get_destination_page_number(dest))
    starts = sorted(i for t, i in marks.items() if t not in ("封面", "项目汇总表", "各项目年度金额", "目　录"))
    assert len(starts) == 10 and sorted(set(targets)) == starts  # an entry may have several link boxes


@pytest.mark.parametrize("order", ["number last", "number first"])
def test_only_the_tables_own_number_is_dropped(order):
    """The number is found where WeasyPrint draws it (last), and anywhere else by a full parse."""
    import pikepdf

    from render import assemble

    number = b"BT\n1 0 0 -1 300 1037.4 Tm\n/F1 18 Tf\n[<0001>] TJ\nET\n"
    body = b"BT\n1 0 0 -1 100 500 Tm\n/F1 12 Tf\n[<0002>] TJ\nET\n"
    pdf = pikepdf.new()
    pdf.add_blank_page()
    page = pdf.pages[0]
    page.Contents = pdf.make_stream(b"q\n" + (body + number if order == "number last" else number + body) + b"Q\n")
    assemble._drop_page_number(pdf, page)
    ops = [(list(operands), str(op)) for operands, op in pikepdf.parse_content_stream(page)]
    assert [op for _, op in ops] == ["q", "BT", "Tm", "Tf", "TJ", "ET", "Q"]
    assert ops[2][0][5] == 500


@pytest.mark.parametrize("duplex", [False, True])
def test_a_long_summary_still_prints_the_pages_the_tables_fall_on(duplex):
    """Thirty projects push the first table past the guessed page: the frame is laid out again from where
    it fell, and the contents print every table's real page (odd ones in duplex)."""
    import dataclasses

    from conftest import CONTENT, DATA
    from render import html, load, paginate, pdf

    seed = load.load(CONTENT, DATA)[0].departments[0]
    projects = tuple(dataclasses.replace(p, name=f"{p.name}（第{k}批）") for k in (1, 2, 3) for p in seed.projects)
    department = dataclasses.replace(seed, projects=projects)
    pages = tuple(1 + (n % 4 == 0) for n in range(len(projects)))
    doc = paginate.frame(html.environment(), department, pages, duplex)
    at = pdf.anchor_pages(doc)
    starts = [at[f"{html.anchor(n)}-1"] + 1 for n in range(len(projects))]
    assert starts[0] > 5 and (not duplex or all(s % 2 for s in starts))
    front = pdf_pages(io.BytesIO(pdf.write(doc)))[:starts[0] - 1]
    contents = squash("".join(front[next(i for i, t in enumerate(front) if t.startswith("目\u3000录")):]))
    for n, (p, start) in enumerate(zip(projects, starts)):
        assert re.search(f"{n + 1}\\." + re.escape(squash(p.name)) + r"\.+" + f"{start}(?={n + 2}\\.|—)", contents), (p.name, start)
