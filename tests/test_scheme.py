"""Indicator schemes as data: a department on the four-一级 scheme (成本指标 first, 财预〔2021〕101号) builds with its
groups merged and in the scheme's order, and `check` holds it to its own codes. The same build carries the
seed with an amount of three places and its 编制日期 not yet filled in: every amount prints with the
department's one precision, the cover prints the paper form's blank, and the PDF dates are not the clock's."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pdfplumber
import pytest
from conftest import (
    run_cli,
    copy_content,
    department_file,
    pdf_pages,
    project_file,
    run_build,
    squash,
)
from pypdf import PdfReader

from render.source import load
from render.source import scheme as sch
from render.typeset import markup as html

SEED = "2025/018-平罗县司法局"
DEPT = "901-测试局"
COST = [("1-成本指标", "11-经济成本指标", "培训场地租金", "≤2万元"),
        ("", "", "教材印制费", "≤0.5万元"),
        ("", "12-社会成本指标", "占用群众时间", "≤2天/人")]
REST = [("2-产出指标", "21-数量指标", "培训人次", "≥100人次"),
        ("", "22-质量指标", "培训合格率", "≥95%"),
        ("", "23-时效指标", "完成时间", "2025年12月底前"),
        ("3-效益指标", "32-社会效益指标", "依法办事能力", "明显提升"),
        ("4-满意度指标", "41-服务对象满意度指标", "参训人员满意度", "≥90%")]


def four_level_department(content: Path) -> Path:
    folder = content / "2025" / DEPT
    department_file(folder, "901", "测试局", extra="指标体系: 四类\n")
    project_file(folder, "01-成本在前", "成本在前的项目", DEPT, "5", COST + REST)
    # Written with 成本 last: the form prints it first, as the scheme orders it.
    project_file(folder, "02-成本在后", "成本在后的项目", DEPT, "3", REST + COST)
    return folder


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("schemes")
    content = copy_content(root)
    four_level_department(content)
    seed = content / SEED
    second = next(seed.glob("02-*.md"))
    second.write_text(second.read_text(encoding="utf-8").replace("项目年度金额: 35", "项目年度金额: 12.555"), encoding="utf-8")
    dept = seed / "部门.yml"
    dept.write_text(dept.read_text(encoding="utf-8").replace("编制日期: 2025-01-20", "编制日期:"), encoding="utf-8")
    out = root / "dist"
    result = run_build("--content", str(content), "--out", str(out), "--jobs", "2", env={"SOURCE_DATE_EPOCH": ""})
    return content, out, result


def test_it_builds(tree):
    _, out, result = tree
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len([f for f in manifest["files"] if f["kind"] == "volume"]) == 2


class Cells(HTMLParser):
    """(class, rowspan, text) of every 一级 and 二级 cell of the indicator table, in document order."""

    def __init__(self):
        super().__init__()
        self.cells: list[list] = []
        self.open = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.open = tag == "th" and a.get("class") in ("l1", "l2")  # row heads (issue 32)
        if self.open:
            self.cells.append([a["class"], int(a["rowspan"]), ""])

    def handle_data(self, data):
        if self.open:
            self.cells[-1][2] += data.strip()

    def handle_endtag(self, tag):
        self.open = False


def cells(content: Path, stem: str) -> list[tuple[str, int, str]]:
    model, _ = load.load(content, content.parent)
    project = next(p for p in model.projects if p.stem == stem)
    parser = Cells()
    parser.feed(html.project_html(html.environment(), project))
    return [tuple(c) for c in parser.cells]


@pytest.mark.parametrize("stem", ["01-成本在前", "02-成本在后"])
def test_cost_rows_are_merged_and_first_like_the_others(tree, stem):
    content, _, _ = tree
    assert cells(content, stem) == [
        ("l1", 3, "1-成本指标"), ("l2", 2, "11-经济成本指标"), ("l2", 1, "12-社会成本指标"),
        ("l1", 3, "2-产出指标"), ("l2", 1, "21-数量指标"), ("l2", 1, "22-质量指标"), ("l2", 1, "23-时效指标"),
        ("l1", 1, "3-效益指标"), ("l2", 1, "32-社会效益指标"),
        ("l1", 1, "4-满意度指标"), ("l2", 1, "41-服务对象满意度指标")]


def test_the_pdf_prints_the_scheme_merged_and_in_order(tree):
    _, out, result = tree
    assert result.returncode == 0, result.stdout + result.stderr
    for stem in ("01-成本在前", "02-成本在后"):
        with pdfplumber.open(out / "2025" / DEPT / f"{stem}.pdf") as pdf:
            page = pdf.pages[0]
            # the indicator grid alone: the header block above it has columns of its own
            heads = next(w for w in page.extract_words() if w["text"].startswith("一级指标"))
            table = page.crop((0, heads["top"] - 12, page.width, page.height)).extract_tables()[-1]
        rows = [[squash(c) if c else c for c in row] for row in table]
        body = rows[next(k for k, row in enumerate(rows) if row[2] == "三级指标") + 1:]
        # a merged cell has its text on its first row and nothing on the rows it spans
        assert [row[0] for row in body] == ["1-成本指标", None, None, "2-产出指标", None, None, "3-效益指标", "4-满意度指标"]
        assert [row[1] for row in body][:3] == ["11-经济成本指标", None, "12-社会成本指标"]
        assert [row[2] for row in body] == [squash(r[2]) for r in COST + REST]


def test_a_table_written_out_of_order_is_warned(tree):
    _, _, result = tree
    assert (f"content/2025/{DEPT}/02-成本在后.md:24: 一级指标: （警告）“1-成本指标”在指标体系“四类”中排在“4-满意度指标”之前："
            "打印时按指标体系的顺序排列") in result.stdout.splitlines()


def test_check_rejects_a_seed_code_in_a_four_level_department(tmp_path):
    folder = four_level_department(tmp_path / "content")
    project_file(folder, "03-旧编码", "旧编码的项目", DEPT, "1", [
        ("1-产出指标", "11-数量指标", "培训人次", "≥100人次"),
        ("2-产出指标", "11-数量指标", "培训场次", "≥4场"),
        ("", "14-成本指标", "人均培训费", "≤300元")])
    result = run_cli("check", "--content", str(tmp_path / "content"))
    assert result.returncode == 1, result.stdout
    where = f"content/2025/{DEPT}/03-旧编码.md"
    for expected in (f"{where}:19: 一级指标: “1-产出指标”不是已知的一级指标：是否应为“2-产出指标”？",
                     f"{where}:20: 二级指标: “11-数量指标”不是已知的二级指标：是否应为“21-数量指标”？",
                     f"{where}:21: 二级指标: “14-成本指标”不是已知的二级指标：指标体系“四类”中，成本指标是一级指标“1-成本指标”，"
                     "其下的二级指标为 11-经济成本指标、12-社会成本指标、13-生态环境成本指标"):
        assert expected in result.stdout.splitlines(), result.stdout


def test_a_bureau_adds_its_own_scheme_as_a_file(tmp_path, monkeypatch):
    monkeypatch.setattr(sch, "SCHEMES", tmp_path)
    sch.load.cache_clear()
    try:
        (tmp_path / "本省.yml").write_text("一级指标:\n  1-产出指标:\n    - 11-数量指标\n  2-效益指标:\n"
                                           "    - 21-社会效益\n    - 22-可持续影响\n", encoding="utf-8")
        (tmp_path / "坏的.yml").write_text("一级指标:\n  1-产出指标:\n    - 11 数量指标\n    - 1-质量指标\n", encoding="utf-8")
        own, problems = sch.load("本省")
        assert not problems and own.level1 == ("1-产出指标", "2-效益指标") and own.parent("22-可持续影响") == "2-效益指标"
        bad, problems = sch.load("坏的")
        assert bad is None
        assert [str(p) for p in problems] == [
            f"{tmp_path.name}/坏的.yml:3: 指标体系: “11 数量指标”应写作“编码-名称”，如 11-数量指标，不含空格",
            f"{tmp_path.name}/坏的.yml:4: 指标体系: 编码 1 在第 2 行已用过"]
        assert sch.names() == ("坏的", "本省")
    finally:
        sch.load.cache_clear()


# ---------------------------------------------------------------- the seed with 12.555 and no 编制日期

def seed_pdf(out: Path, prefix: str) -> Path:
    return next((out / SEED).glob(f"{prefix}*.pdf"))


def test_every_amount_prints_with_the_departments_one_precision(tree):
    _, out, result = tree
    assert result.returncode == 0, result.stdout + result.stderr
    amounts = ["26", "12.555", "6", "34", "39.05", "60", "18", "12", "8", "82.38"]
    shown = [str(Decimal(a).quantize(Decimal("0.001"))) for a in amounts]
    total = str(sum(map(Decimal, amounts)))
    assert total == "297.985"
    pages = pdf_pages(seed_pdf(out, "平罗县司法局"))
    summary = next(t for t in pages if squash(t).startswith("项目汇总表"))
    chart = next(t for t in pages if squash(t).startswith("各项目年度金额"))
    assert "合计" in summary and "各项目年度金额" in chart
    for text in shown:  # the summary table's column and the chart's bar
        for page in (summary, chart):
            assert len(re.findall(rf"(?<![\d.]){re.escape(text)}(?!\d)", page)) == 1, (text, page)
    assert f"合计{total}" in squash(summary)
    assert "项目年度金额26.000" in squash(pdf_pages(seed_pdf(out, "01-"))[0])
    assert "项目年度金额12.555" in squash(pdf_pages(seed_pdf(out, "02-"))[0])


def test_an_unfilled_date_prints_the_forms_blank_and_never_the_clock(tree):
    _, out, result = tree
    assert f"content/{SEED}/部门.yml:6: 编制日期: （警告）是空的" in result.stdout
    volume = seed_pdf(out, "平罗县司法局")
    cover = pdf_pages(volume)[0]
    assert "编制日期：年月日" in squash(cover)
    for path in (volume, seed_pdf(out, "01-")):
        info = PdfReader(path).metadata
        assert info["/CreationDate"] == info["/ModDate"], path
        assert info["/CreationDate"].startswith("D:20250101000000+08'00"), path  # 1 January of the 年度
