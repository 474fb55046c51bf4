"""Lines break where a reader would: a number stays with its sign and unit (≥95%, 8万元, ≤30元/人, 元/人/次),
a short parenthesis stays whole (（区级）), in the tables, the 项目汇总表, the chart, the contents and 审核意见."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import DEPT, ROOT, seed_tables, squash

from render.typeset.runs import CLOSING

# Written out here, not taken from render/typeset/runs.py: the test says what a reader expects.
UNIT = r"(?:万元|元|人次|人|次|个|件|天|月|年|%)"
RUN = re.compile(rf"[≥≤]?\d+(?:\.\d+)?(?:-\d+)?{UNIT}(?:/{UNIT})*|[≥≤]\d+|{UNIT}(?:/{UNIT})+|目标\d+："
                 r"|（[^（）]{1,6}）")


def text(path: Path, mode: str) -> str:
    return subprocess.run(["pdftotext", mode, str(path), "-"], capture_output=True, text=True, check=True).stdout


def split_runs(path: Path, sources: list[str]) -> list[str]:
    """The runs of `sources` that the PDF prints more often than it prints them whole on one line."""
    # each line as a reader copying it gets it, its spaces taken out
    printed = [squash(line) for line in text(path, "-layout").split("\n")]
    # in drawing order a cell's lines follow each other: a run split across two is whole here
    whole = squash(text(path, "-raw"))
    runs = {r for text in sources for r in RUN.findall(text)}
    return sorted(r for r in runs if whole.count(r) > sum(line.count(r) for line in printed))


@pytest.fixture(scope="module")
def cells() -> list[str]:
    return [cell for table in seed_tables() for cell in table]


def test_the_seed_has_runs_that_lines_used_to_split(cells):
    runs = {r for text in cells for r in RUN.findall(text)}
    assert {"≥95%", "8万元", "（区级）", "（司法协理员）", "目标2：", "260元/人/年"} <= runs


def test_tables_keep_their_runs_whole(built, cells):
    tables = sorted((built / DEPT).glob("[0-9]*.pdf"))
    assert len(tables) == 10
    assert {t.name: split_runs(t, cells) for t in tables} == {t.name: [] for t in tables}


def test_summary_chart_and_contents_keep_their_runs_whole(built, cells):
    (volume,) = (built / DEPT).glob("平罗*.pdf")
    front = volume.parent / "front.pdf"
    try:  # cover, contents, 项目汇总表 and chart: the tables are checked on their own
        subprocess.run(["qpdf", str(volume), "--pages", ".", "1-6", "--", str(front)], check=True)
        assert split_runs(front, cells) == []
    finally:
        front.unlink(missing_ok=True)


def test_review_keeps_its_runs_whole(seed_review, cells):
    rules = (ROOT / "rules" / "审核规则.yml").read_text(encoding="utf-8")
    report = next(seed_review.rglob("审核意见.pdf"))
    assert {"≤30人", "元/人次"} <= {r for r in RUN.findall(rules)}
    assert split_runs(report, cells + [rules]) == []
    # a run held whole never pushes a line out of its cell: nothing is printed right of the type area
    import pdfplumber

    with pdfplumber.open(report) as pdf:
        right = (210 - 26) / 25.4 * 72 + 1  # the outer margin, the narrower one
        # a closing mark ending a line hangs its blank half out (render/typeset/fill.py): its middle counts
        assert [c["text"] for page in pdf.pages for c in page.chars
                if (c["x0"] + c["x1"]) / 2 > right or (c["x1"] > right and c["text"] not in CLOSING)] == []
