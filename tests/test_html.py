"""The HTML's merged cells follow the indicator tree, on one page or across a page break."""

from html.parser import HTMLParser

from conftest import CONTENT, DATA

from render.source import load
from render.typeset import markup as html


class Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells, self.tbodies = [], 0
        self._cls = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tbody" and self._in_ind:
            self.tbodies += 1
        if tag == "table":
            self._in_ind = "ind-grid" in a.get("class", "")
        if tag == "th" and a.get("class") in ("l1", "l2"):  # row heads (issue 32)
            self._cls = (a["class"], int(a.get("rowspan", 1)))

    def handle_data(self, data):
        if self._cls and data.strip():
            self.cells.append((*self._cls, data.strip()))
            self._cls = None

    _in_ind = False


def parse(text):
    p = Cells()
    p.feed(text)
    return p


def projects():
    model, _ = load.load(CONTENT, DATA)
    return model.projects


def test_rowspans_match_the_tree():
    env = html.environment()
    for project in projects():
        cells = parse(html.project_html(env, project)).cells
        expected = []
        for l1 in project.levels:
            expected.append(("l1", l1.rows, l1.label))
            expected += [("l2", len(g.indicators), g.label) for g in l1.groups]
        got = sorted(cells, key=lambda c: 0)  # document order is tree order
        l1_l2 = []
        for l1 in project.levels:
            l1_l2.append(("l1", l1.rows, l1.label))
            l1_l2 += [("l2", len(g.indicators), g.label) for g in l1.groups]
        assert got == l1_l2, project.name
        assert parse(html.project_html(env, project)).tbodies == len(project.levels)


def test_a_break_inside_a_group_repeats_both_labels():
    env = html.environment()
    project = next(p for p in projects() if p.stem.startswith("09"))
    # 1-产出指标 has 13 rows: 11-数量指标 (4), 12-质量指标 (3), ... break before the 2nd row of 12-质量指标
    text = html.project_html(env, project, frozenset({"r0-1-1"}))
    cells = parse(text).cells
    assert cells[:5] == [("l1", 5, "1-产出指标"), ("l2", 4, "11-数量指标"), ("l2", 1, "12-质量指标"),
                         ("l1", 8, "1-产出指标"), ("l2", 2, "12-质量指标")]
    assert text.count('class="continued-head"') == 1  # 续表, the name and unit above the second part


def test_content_is_escaped_never_markup():
    env = html.environment()
    import dataclasses

    p = dataclasses.replace(projects()[0], name="<script>alert(1)</script>{{ 7*7 }}")
    text = html.project_html(env, p)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}" in text
    assert "<script>" not in text


def test_chart_gridlines_print_and_every_name_is_there_in_full():
    import re

    from render.typeset import chart

    model, _ = load.load(CONTENT, DATA)
    department = model.departments[0]
    svg = "".join(chart.bar_charts(department))
    grid = re.findall(r'<line [^>]*stroke="(#[0-9a-f]{3})" stroke-width="([\d.]+)"', svg)
    assert len(grid) >= 5
    for colour, width in grid:  # mm in the SVG: at least 0.25 pt, no lighter than #666
        assert float(width) * 72 / 25.4 >= 0.25 and int(colour[1], 16) <= 6, (colour, width)
    labels = "".join(re.findall(r"<text [^>]*>([^<]*)</text>", svg))
    for p in department.projects:
        assert p.name in labels
