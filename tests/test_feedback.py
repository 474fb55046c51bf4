"""`review --out` carries a department's 反馈.yml into 审核意见.xlsx's 部门反馈 column from the command line
alone, each answer at its finding; a 反馈.yml that cannot be read is an error naming it."""

from __future__ import annotations

from pathlib import Path

from conftest import DEPT, copy_content, run_cli
from openpyxl import load_workbook

from render.review import feedback


def rows(out: Path) -> list[dict]:
    """The findings' rows under their heads (the sheet opens with the opinion's title and its issuer)."""
    found = [[c.value for c in row] for row in load_workbook(out / DEPT / "审核意见.xlsx").active.iter_rows()]
    at = next(n for n, row in enumerate(found) if row[0] == "序号")
    return [dict(zip(found[at], row, strict=True)) for row in found[at + 1:] if row[0] is not None]


def key(row: dict) -> feedback.Key:
    """A workbook row's finding as 反馈.yml names it."""
    shared = row["项目名称"].startswith(feedback.COMMON)
    return (feedback.COMMON if shared else Path(row["文件"]).name, row["规则编号"], row["意见"])


def test_review_writes_each_answer_at_its_finding_and_refuses_an_unreadable_file(tmp_path):
    content = copy_content(tmp_path)
    out = tmp_path / "dist"
    assert run_cli("review", str(content / DEPT), "--out", str(out)).returncode == 0
    found = rows(out)
    assert found and all(r[feedback.FIELD] is None for r in found)
    common = next((r for r in found if r["项目名称"].startswith(feedback.COMMON)), None)
    own = next(r for r in found if not r["项目名称"].startswith(feedback.COMMON))
    answers = {key(own): "已改正。", ("99-已删除的项目.md", "R01", "旧意见"): "留在文件里，不写入"}
    if common:
        answers[key(common)] = "共性问题已统一改正。"
    (content / DEPT / "反馈.yml").write_text(feedback.text(answers), encoding="utf-8")
    checked = run_cli("check", "--content", str(content))
    assert checked.returncode == 0 and "反馈.yml" not in checked.stdout  # the tables' check does not read it
    assert run_cli("review", str(content / DEPT), "--out", str(out)).returncode == 0
    again = rows(out)
    assert [r[feedback.FIELD] for r in again] == [answers.get(key(r)) for r in again]
    assert sum(bool(r[feedback.FIELD]) for r in again) == 1 + bool(common)
    (content / DEPT / "反馈.yml").write_text("- [不是, 反馈\n", encoding="utf-8")
    done = run_cli("review", str(content / DEPT), "--out", str(out))
    assert done.returncode == 1 and "反馈.yml" in done.stdout and feedback.FIELD in done.stdout
