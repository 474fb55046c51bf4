"""Text that looks like a formula (a pasted =HYPERLINK, a DDE =cmd|…, a bureau's rule named “=1+1”) is shown
as text in every workbook the project writes, never evaluated: read back by openpyxl, the XML itself and
LibreOffice; and import warns about such values where they come in."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, department_file, project_file, run_cli
from openpyxl import load_workbook

DEPT = "901-测试局"
LINK = '=HYPERLINK("http://127.0.0.1:9/x","点此")'
DDE = "=cmd|' /C calc'!A0"
ROWS = [
    ("1-产出指标", "11-数量指标", "举办业务培训参训人次", "≥100人次"),
    ("", "12-质量指标", "参训人员考核合格率", "≥95%"),
    ("", "13-时效指标", "年度培训计划完成时间", "2025年6月30日前"),
    ("", "14-成本指标", "人均培训费用", "≤800元/人次"),
    ("2-效益指标", "22-社会效益", "群众法律知识知晓率", "≥90%"),
    ("3-满意度指标", "31-服务对象满意度", "参训人员对培训的满意度", "≥95%"),
]
# Each text below is written somewhere into the workbook: project names and 处室 from the content, rule names,
# suggestions and sources from the rules file (a tab before the "=" is what a copied cell can bring).
HOSTILE = (LINK, DDE, "+1+2", "@SUM(1,2)", "=1+1", "-2+3", "\t=3+3")


def hostile_content(root: Path) -> Path:
    folder = root / "content" / "2025" / DEPT
    department_file(folder, "901", "测试局")
    one = project_file(folder, "01-链接", "链接", DEPT, "8", ROWS)
    two = project_file(folder, "02-加号", "加号", DEPT, "8", ROWS)
    for path, name, office in ((one, LINK, DDE), (two, "+1+2", "@SUM(1,2)")):
        text = path.read_text(encoding="utf-8")
        text = text.replace(f"项目名称: {path.stem[3:]}", f"项目名称: '{name}'")
        text = text.replace("项目主管处室: 05-行政教科文室", f"项目主管处室: \"{office}\"")
        path.write_text(text, encoding="utf-8")
    return root / "content"


def hostile_rules(root: Path) -> Path:
    text = (ROOT / "rules" / "审核规则.yml").read_text(encoding="utf-8")
    text = text.replace("名称: 表头填写完整", "名称: '=1+1'", 1).replace("建议: 请补填该栏", "建议: '-2+3'", 1)
    head, rule = text.split("  R01:", 1)  # R01's 依据, which the workbook lists
    text = head + "  R01:" + re.sub(r"依据: .*", lambda m: '依据: "\\t=3+3"', rule, count=1)
    path = root / "规则.yml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("formulas")
    content = hostile_content(root)
    done = run_cli("check", "--content", str(content))
    assert done.returncode == 0, done.stdout  # such text is no content error: the workbook must cope
    done = run_cli("review", str(content), "--rules", str(hostile_rules(root)), "--out", str(root / "dist"))
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "dist" / "2025" / DEPT / "审核意见.xlsx"


def test_no_cell_of_the_review_workbook_is_a_formula(workbook):
    with zipfile.ZipFile(workbook) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert len(sheets) == 2 and not any("<f>" in s or "<f " in s for s in sheets)
    wb = load_workbook(workbook)
    texts = {c.value: c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for text in HOSTILE:
        cell = texts.get(text)
        assert cell is not None and cell.data_type == "s", (text, cell)
        assert cell.quotePrefix, text  # stays text when the cell is edited in Excel
    assert not texts["项目名称"].quotePrefix  # ordinary text as before
    summary = list(wb["汇总表"].iter_rows(values_only=True))
    assert summary[3][1:3] == (LINK, DDE) and summary[-1][4] == 16  # amounts still numbers


def test_libreoffice_shows_the_text_not_its_value(workbook, tmp_path):
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice (soffice) is not installed: scripts/system-deps.sh installs it")
    shown = set()
    for sheet in (1, 2):  # the CSV filter's 5th token picks the sheet (LibreOffice ≥ 7.2)
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                        "--convert-to", f"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,{sheet}",
                        "--outdir", str(tmp_path / str(sheet)), str(workbook)],
                       capture_output=True, check=True, timeout=120)
        [made] = (tmp_path / str(sheet)).glob("*.csv")
        with open(made, encoding="utf-8") as f:
            shown |= {cell for row in csv.reader(f) for cell in row}
    for text in HOSTILE:
        assert text in shown, (text, sorted(c for c in shown if re.match(r"\s*[=+@-]", c)))
