"""A table taller than a page: heads repeated under 续表, no row split, labels shown on every page."""

import pytest
from conftest import (
    department_file,
    long_rows,
    once,
    pdf_pages,
    project_file,
    run_build,
    squash,
)
from pypdf import PdfReader

from render.source import scheme


@pytest.fixture(scope="module")
def long_table(tmp_path_factory):
    rows = long_rows(40)

    def make(root):
        folder = root / "content" / "2025" / "901-测试局"
        department_file(folder, "901", "测试局")
        project_file(folder, "01-四十项指标", "四十项指标的项目", "901-测试局", "12.5", rows, goal="目标：" + "开展工作，" * 60)
        result = run_build("--content", str(root / "content"), "--out", str(root / "dist"), "--jobs", "1")
        assert result.returncode == 0, result.stdout + result.stderr

    root = once(tmp_path_factory, "long", make)
    return root / "dist" / "2025" / "901-测试局" / "01-四十项指标.pdf", rows


def test_spans_pages_with_heads_and_continued_mark(long_table):
    path, _ = long_table
    pages = pdf_pages(path)
    assert len(pages) >= 3
    for n, text in enumerate(pages):
        assert squash("一级指标二级指标三级指标绩效值") in squash(text)
        assert ("续表" in text) == (n > 0)
        if n:  # a loose sheet names its table and unit beside 续表
            line = next(line for line in text.split("\n") if "续表" in line)
            assert squash(line) == "续表四十项指标的项目单位：万元", line
        assert f"— {n + 1} —" in text


def test_no_row_is_split_and_every_page_names_its_groups(long_table):
    path, rows = long_table
    pages = [squash(t) for t in pdf_pages(path)]
    current1 = current2 = ""
    for k, (l1, l2, name, value) in enumerate(rows):
        current1, current2 = l1 or current1, l2 or current2
        holding = [n for n, t in enumerate(pages) if squash(name) in t]
        assert len(holding) == 1, name  # the whole name on exactly one page
        page = holding[0]
        assert squash(value) in pages[page]
        # the labels its row belongs to are printed on that page
        assert current1 in pages[page] and current2 in pages[page], (k, page)


def test_labels_on_a_new_page_come_before_its_first_row(long_table):
    path, rows = long_table
    reader = PdfReader(path)
    for page in reader.pages[1:]:
        text = squash(page.extract_text())
        first_label = min((text.find(l) for l in scheme.default().level1 if l in text), default=-1)
        first_row = text.find("第")
        assert 0 <= first_label < first_row


def grid_rules(page, right_hand: bool) -> tuple[list[float], list[float]]:
    """The vertical rules (x in mm from the type area's left edge) of the header block and of the
    indicator block on one page: those above the indicators' column heads, and those from them down."""
    from render.typeset import geometry

    mm = 72 / 25.4
    left = geometry.PAGE.inner if right_hand else geometry.PAGE.outer
    heads = min(c["top"] for c in page.chars if c["text"] == "三")  # 三级指标: the indicators' heads
    header, indicators = set(), set()
    for edge in page.edges:
        if edge["orientation"] == "v":
            x = round(edge["x0"] / mm - left, 1)
            (header if (edge["top"] + edge["bottom"]) / 2 < heads else indicators).add(x)
    return sorted(header), sorted(indicators)


def test_the_header_and_the_indicators_are_one_grid(long_table, built):
    """One set of vertical rules runs from 项目名称 to the last indicator, on every page and 续表 page."""
    import pdfplumber

    paths = [long_table[0]] + sorted(built.rglob("2025/*/[0-9]*.pdf"))
    for path in paths:
        with pdfplumber.open(path) as pdf:
            header, first = grid_rules(pdf.pages[0], True)
            assert len(header) == 5, (path.name, header)  # four columns: their two sides and three between
            for n, page in enumerate(pdf.pages):
                _, indicators = grid_rules(page, n % 2 == 0)
                assert len(indicators) == len(header), (path.name, n, indicators)
                assert all(abs(a - b) <= 0.2 for a, b in zip(header, indicators, strict=True)), \
                    (path.name, n, header, indicators)
