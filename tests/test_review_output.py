"""`review --out`: 审核意见.pdf and .xlsx for the meeting, read back by independent readers, listed in the
manifest, and still there (and listed) after a plain build into the same folder."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from pathlib import Path

import fontcheck
import pikepdf
import pytest
import readers
from conftest import CONTENT, DATA, DEPT, ROOT, run_build, run_cli, squash
from openpyxl import load_workbook

from render.archive.pdf import associated_files
from render.review import rules as rl
from render.review.judge import review
from render.source import load

SEED = CONTENT / DEPT


def seed_counts() -> tuple[int, ...]:
    """The seed's findings in all and by level, as the review itself counts them."""
    content, _ = load.load(CONTENT, DATA)
    rules, _ = rl.load()
    [d] = review(content, rules)
    return (len(d.findings), d.count("需修改"), d.count("建议修改"), d.count("提示"))


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    done = run_cli("review", str(SEED), "--out", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def entries(out: Path) -> dict[str, dict]:
    return {e["path"]: e for e in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]}


def test_pdf_reads_alike_in_every_reader_and_shows_the_findings(reviewed):
    pdf = reviewed / DEPT / "审核意见.pdf"
    assert readers.compare(pdf) == []
    assert fontcheck.problems(pdf) == []
    text = squash(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
    first = squash(subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True,
                                  check=True).stdout)
    # an opinion, titled and addressed as a 公文 (tests/test_opinion.py reads the rest of it)
    assert "关于平罗县司法局2025年部门项目支出预算绩效目标的审核意见平罗县司法局：" in first
    assert "一、审核结论" in first
    for part in ("20人×4583.33", "12个月≈110.00万元", "39.05万元", "项目属性是空的", "200-1000元/人",
                 "成本与金额不符（需修改）：", "请核对成本标准"):
        assert part in text, part
    with pikepdf.open(pdf) as doc:
        assert str(doc.open_metadata().get("pdfaid:part")) == "3"
    attached = associated_files(pdf)
    assert attached["审核规则.yml"] == (ROOT / "rules" / "审核规则.yml").read_bytes()
    assert {"部门.yml", "10-政府长聘人员经费.md"} < set(attached) and len(attached) == 12


def test_workbook_opens_in_openpyxl_and_libreoffice(reviewed, tmp_path):
    xlsx = reviewed / DEPT / "审核意见.xlsx"
    wb = load_workbook(xlsx)
    rows = list(wb["审核意见"].iter_rows(values_only=True))
    # the opinion's title and who issued it over the heads; the seed has no 审核.yml: said so, nothing made up
    assert rows[0][0] == "平罗县司法局2025年部门项目支出预算绩效目标审核意见"
    assert rows[1][0] == "审核单位：（未填写）　审核日期：（未填写）"
    heads = rows[2]
    assert heads[:4] == ("序号", "项目名称", "文件", "行") and len(rows) == 3 + seed_counts()[0]
    assert heads[-2:] == ("方面", "部门反馈") and all(r[-1] is None for r in rows[3:])  # the reply is the department's
    cost = next(r for r in rows[3:] if r[4] == "R10" and "39.05" in r[7])
    assert cost[6] == "需修改" and cost[3] == 22
    summary = list(wb["汇总表"].iter_rows(values_only=True))
    assert len(summary) == 3 + 10 + 1 and summary[-1][0] == "合计" and summary[-1][4] == pytest.approx(320.43)
    for sheet in wb:  # printed landscape, as wide as the page, the heads on every page; filtered; amounts 0.00
        assert (sheet.page_setup.orientation, sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (
            "landscape", 1, 0) and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$3:$3" and sheet.auto_filter.ref == f"A3:{sheet.cell(3, sheet.max_column).column_letter}{sheet.max_row}"
    assert {wb["汇总表"].cell(row, 5).number_format for row in range(4, 15)} == {"0.00"}
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice (soffice) is not installed: scripts/system-deps.sh installs it")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1",
                    "--outdir", str(tmp_path), str(xlsx)], capture_output=True, check=True, timeout=120)
    with open(tmp_path / "审核意见.csv", encoding="utf-8") as f:
        read = list(csv.reader(f))
    assert len(read) == 3 + seed_counts()[0] and any("4583.33 元/人/月" in cell for row in read for cell in row)
    # printed: landscape A4, every page under the heads, the amounts to the fen
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(xlsx)],
                   capture_output=True, check=True, timeout=120)
    printed = tmp_path / "pdf" / "审核意见.pdf"
    info = subprocess.run(["pdfinfo", str(printed)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+841.89 x 595.3", info), info
    pages = subprocess.run(["pdftotext", str(printed), "-"], capture_output=True, text=True, check=True).stdout
    pages = [squash(p) for p in pages.split("\f") if p.strip()]
    assert len(pages) > 2 and all("意见" in p and ("规则名称" in p or "项目年度金额" in p) for p in pages)
    assert "320.43" in pages[-1] and "26.00" in pages[-1]


def test_a_build_keeps_the_review_and_the_same_review_gives_the_same_bytes(reviewed):
    review_files = {p: e for p, e in entries(reviewed).items() if e["kind"] == "review"}
    assert set(review_files) == {f"{DEPT}/审核意见.pdf", f"{DEPT}/审核意见.xlsx"}
    done = run_build("--content", str(CONTENT), "--out", str(reviewed), "--jobs", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    after = entries(reviewed)
    assert {p: after[p] for p in review_files} == review_files  # listed as before, files still there
    assert {e["kind"] for e in after.values()} == {"project", "volume", "review"}
    done = run_cli("verify", "--out", str(reviewed))
    assert done.returncode == 0, done.stdout
    done = run_cli("review", str(SEED), "--out", str(reviewed))
    assert done.returncode == 0
    again = entries(reviewed)
    assert {p: again[p]["sha256"] for p in review_files} == {p: e["sha256"] for p, e in review_files.items()}
    assert len(again) == len(after)  # the build's entries kept too
