"""The review's conclusions and the opinion a bureau signs: each seed project's grade as the rules file's
thresholds say, the thresholds and the reviewer's 审核.yml checked line by line, and the printed opinion
read back: addressed, graded, signed or left blank for a hand, and nothing on paper a clerk's file has."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import fontcheck
import pikepdf
import pytest
import readers
import yaml
from conftest import CONTENT, DEPT, once, run_cli, squash
from openpyxl import load_workbook

from render.archive.pdf import associated_files
from render.review import rules as rl
from render.review.grade import conclude
from render.review.judge import review
from render.review.registry import ASPECTS, GRADES, LEVELS
from render.review.report import NO_ISSUER, to_department
from render.source import load

SHIPPED = rl.DEFAULT.read_text(encoding="utf-8")
REVIEWER = "审核单位: 平罗县财政局\n收文单位: 县司法局\n审核人: 王审核\n复核人: 李复核\n审核日期: 2025-01-25\n整改期限: 2025-02-10\n"


def seed_reviews(rules_file: Path | None = None):
    rules, problems = rl.load(rules_file)
    assert rules is not None, problems
    content, _ = load.load(CONTENT, CONTENT.parent.parent.parent)
    [d] = review(content, rules)
    return rules, d


def graded_by_hand(text: str, counts: dict[str, int]) -> str:
    """The grade the rules file's 结论 gives these counts, read with plain YAML: the first grade none of
    whose limits the counts exceed; the last for the rest."""
    conclusion = yaml.safe_load(text)["结论"]
    for name in GRADES[:-1]:
        if all(counts[level] <= most for level, most in conclusion[name]["至多"].items()):
            return name
    return GRADES[-1]


def test_each_seed_project_gets_the_grade_its_findings_earn():
    rules, d = seed_reviews()
    for p in d.projects:
        counts = {level: p.count(level) for level in LEVELS}
        c = conclude(p, rules)
        assert c.name == graded_by_hand(SHIPPED, counts), (p.project.stem, counts)
        # why, in words: the counts, the grade above that they exceed, and the limits kept
        said = "，".join(f"{level} {n} 条" for level, n in counts.items() if n)
        assert c.why.startswith(said), c.why
        if c.grade is not rules.grades[0]:
            assert f"超出“{GRADES[GRADES.index(c.name) - 1]}”的限度" in c.why
    # every seed table leaves 项目属性 empty: a 共性问题, weighed once for the department, not in these grades;
    # 02 alone keeps within 良 (two 建议修改), none within 优
    assert [p.project.stem[:2] for p in d.projects if conclude(p, rules).name in GRADES[:2]] == ["02"]
    assert all(conclude(p, rules).name != GRADES[0] for p in d.projects)


def test_the_thresholds_are_the_rules_files(tmp_path):
    """A bureau that sends back any project with two things to change: those projects become 差."""
    text = re.sub(r"(  中:\n    至多: \{需修改: )\d+", r"\g<1>1", SHIPPED)
    path = tmp_path / "本局规则.yml"
    path.write_text(text, encoding="utf-8")
    rules, d = seed_reviews(path)
    grades = {p.project.stem[:2]: conclude(p, rules).name for p in d.projects}
    assert grades == {p.project.stem[:2]: graded_by_hand(text, {x: p.count(x) for x in LEVELS}) for p in d.projects}
    assert {s for s, g in grades.items() if g == "差"} == {p.project.stem[:2] for p in d.projects
                                                           if p.count("需修改") > 1 or p.count("建议修改") > 8}
    assert "差" in grades.values() and "中" in grades.values()
    done = run_cli("review", "--rules", str(path), str(CONTENT / DEPT))
    assert re.search(r"结论：差（不得进入下一步预算安排流程）", done.stdout), done.stdout
    tally = re.search(r"018-平罗县司法局 结论：(.*)", done.stdout)[1]
    assert tally == "，".join(f"{g} {list(grades.values()).count(g)} 个" for g in GRADES)


@pytest.mark.parametrize("old,new,at,says", [
    ("    至多: {需修改: 2, 建议修改: 8}", "    至多: {必改: 2}", "    至多: {必改: 2}", "“必改”不是级别"),
    ("    至多: {需修改: 2, 建议修改: 8}", "    至多: {需修改: 1.5}", "    至多: {需修改: 1.5}",
     "“需修改”为 1.5，应为 0 至 1000 之间的整数"),
    ("    至多: {需修改: 2, 建议修改: 8}", "    至多: {需修改: -1}", "    至多: {需修改: -1}", "“需修改”为 -1"),
    ("  共性问题: 3", "  共性问题: 三", "  共性问题: 三", "“共性问题”应为一个数"),
    ("    至多: {需修改: 0, 建议修改: 3}", "    至多: {需修改: 0, 提示: 1}", "    至多: {需修改: 0, 提示: 1}",
     "等级“良”的“提示”至多 1 条，严于“优”的至多 3 条"),
    ("    处理: 不得进入下一步预算安排流程", "    处理: 不得进入下一步预算安排流程\n    至多: {需修改: 9}",
     "    至多: {需修改: 9}", "“差”是其余的项目，不设“至多”"),
    ("    处理: 直接进入下一步预算安排流程\n", "", "  优:", "等级“优”须写明“处理”"),
    ("  依据: 参照 财预〔2015〕88号", "  出处: 参照 财预〔2015〕88号", "  出处: 参照 财预〔2015〕88号", "不认识的键“出处”"),
])
def test_a_mistake_in_the_grades_is_named_at_its_line(tmp_path, old, new, at, says):
    assert old in SHIPPED
    text = SHIPPED.replace(old, new, 1)
    path = tmp_path / "本局规则.yml"
    path.write_text(text, encoding="utf-8")
    rules, problems = rl.load(path, tmp_path)
    line = next(n for n, written in enumerate(text.splitlines(), 1) if written.startswith(at))
    assert rules is None and [(p.line, p.path) for p in problems if says in p.message] == [(line, "本局规则.yml")], \
        problems


def test_a_grade_may_allow_fewer_of_a_level_than_before_if_still_no_fewer_than_the_grade_above(tmp_path):
    path = tmp_path / "本局规则.yml"
    path.write_text(SHIPPED.replace("至多: {需修改: 0, 建议修改: 3}", "至多: {需修改: 0, 建议修改: 1}"), encoding="utf-8")
    rules, problems = rl.load(path, tmp_path)
    assert problems == [] and dict(rules.grades[1].most)["建议修改"] == 1


def test_grades_out_of_order_and_a_missing_grade(tmp_path):
    body = SHIPPED.split("\n结论:\n", 1)[1].split("\n\n", 1)[0]
    good = body.split("  良:\n", 1)
    swapped = "  良:\n" + good[1].split("  中:\n", 1)[0] + good[0] + "  中:\n" + good[1].split("  中:\n", 1)[1]
    path = tmp_path / "本局规则.yml"
    path.write_text(SHIPPED.replace(body, swapped), encoding="utf-8")
    _, problems = rl.load(path, tmp_path)
    assert any("等级应自优至差依次写出" in p.message for p in problems), problems
    path.write_text(SHIPPED.replace("  差:\n    处理: 不得进入下一步预算安排流程\n", ""), encoding="utf-8")
    _, problems = rl.load(path, tmp_path)
    assert [p.message for p in problems] == ["结论：缺少等级“差”"]


# ---- the printed opinion ----

def pdftotext(pdf: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def running_text(pdf: Path) -> str:
    """The text as one reads on across pages: without a continuation page's head and the page numbers."""
    kept = []
    for page in pdftotext(pdf).split("\f")[:-1]:
        lines = [line for line in page.strip().splitlines() if not re.fullmatch(r"\s*—\s*\d+\s*—\s*", line)]
        if lines and lines[0].endswith("（续）"):
            lines = lines[1:]
        kept.append("\n".join(lines))
    return "\n".join(kept)


@pytest.fixture(scope="module")
def opinions(tmp_path_factory, seed_review) -> dict[str, Path]:
    """The seed's opinion twice: signed from a 审核.yml, and without one."""
    def make(root: Path) -> None:
        shutil.copytree(CONTENT, root / "content")
        (root / "content" / DEPT / "审核.yml").write_text(REVIEWER, encoding="utf-8")
        done = run_cli("review", str(root / "content"), "--out", str(root / "dist"))
        assert done.returncode == 0, done.stdout + done.stderr

    return {"signed": once(tmp_path_factory, "signed", make) / "dist" / DEPT, "blank": seed_review / DEPT}


def test_the_opinion_names_no_file_line_or_rule(opinions):
    _, d = seed_reviews()
    for folder in opinions.values():
        text = pdftotext(folder / "审核意见.pdf")
        flat = squash(text)
        assert not re.search(r"第\s*\d+\s*行|\bR\d{2}\b|\.md|\.yml|content/|tests/|审核规则", text), text
        for p in d.projects:
            assert p.project.stem not in flat and p.project.name in flat


def test_a_finding_on_paper_names_no_line_and_no_file():
    from render.review.report import on_paper

    _, d = seed_reviews()
    p = d.department.projects[1]
    assert on_paper("“案件数”与第 12 行重复", d.department) == "“案件数”重复出现"
    assert on_paper(f"三级指标“宣传”与 {p.stem} 中的相同", d.department) == f"三级指标“宣传”与“{p.name}”中的相同"
    assert on_paper("“案件数”的绩效值是空的", d.department) == "“案件数”的绩效值是空的"


def test_the_opinion_grades_each_project_by_the_four_aspects(opinions):
    rules, d = seed_reviews()
    flat = squash(running_text(opinions["signed"] / "审核意见.pdf"))
    sections = flat.split("二、存在的问题和修改意见", 1)[1].split("三、整改要求", 1)[0]
    for p in d.projects:
        c = conclude(p, rules)
        head = re.escape(squash(p.project.name))
        part = re.search(rf"（[一二三四五六七八九十]+）{head}(.*?)(?=（[一二三四五六七八九十]+）|$)", sections)[1]
        assert f"审核结论：{c.name}，{to_department(c.grade.action)}。" in part
        for k, aspect in enumerate(ASPECTS, 1):
            assert f"{k}.{aspect}。" in part
        # one suggestion per rule and project, however many rows it found; a 共性问题 not under the project
        for rule in {f.rule for f in p.own}:
            advice = squash(rule.advice).rstrip("。")
            assert part.count(advice) == 1, (p.project.stem, rule.id, part)
            many = sum(f.rule is rule for f in p.own)
            # every finding says its level, and how many rows it found
            assert f"{rule.name}（{rule.level}" + (f"，{many}处）：" if many > 1 else "）：") in part
        counts = "，".join(f"{level}{n}条" for level, n in c.counts if n)
        assert f"本项目意见{counts}。" in part
        assert ("未发现问题" in part) == (len({f.rule.aspect for f in p.own}) < len(ASPECTS))
    # the gap all ten share, once, before the projects
    assert sections.count("项目属性是空的") == 1
    assert sections.startswith("共性问题。以下问题10个项目（上表序号1至10）都有，在此只列一次，不计入各项目的审核结论，"
                               "请统一整改。表头填写完整（需修改）：项目属性是空的。修改意见：请补填该栏。")
    for g in rules.grades:
        count = sum(conclude(p, rules).grade is g for p in d.projects)
        assert f"评为“{g.name}”的{count}个" in flat


def test_the_signed_opinion_carries_the_reviewer_and_a_blank_one_invents_nothing(opinions):
    def read(pdf: Path) -> str:  # without the page numbers (— 9 —)
        return re.sub(r"—\d+—", "", squash(pdftotext(pdf)))

    signed = read(opinions["signed"] / "审核意见.pdf")
    assert "县司法局：你单位报送的" in signed
    assert "请于2025年2月10日前" in signed
    assert signed.endswith("审核人：王审核复核人：李复核平罗县财政局（盖章）2025年1月25日")
    blank = read(opinions["blank"] / "审核意见.pdf")
    assert "平罗县司法局：你单位报送的" in blank  # the addressee of a department's review: the department
    assert "请于年月日前" in blank and blank.endswith("审核人：复核人：（盖章）年月日")
    assert not re.search(r"\d{4}年\d{1,2}月\d{1,2}日", blank)  # no date the reviewer did not write, today's least
    # the opinion is the bureau's: its 审核单位 and 审核日期 are the PDF's author and date, never the department's
    with pikepdf.open(opinions["signed"] / "审核意见.pdf") as doc:
        assert (str(doc.docinfo["/Author"]), str(doc.docinfo["/CreationDate"])[2:10]) == ("平罗县财政局", "20250125")
    with pikepdf.open(opinions["blank"] / "审核意见.pdf") as doc:
        assert str(doc.docinfo["/Author"]) == NO_ISSUER
    attached = associated_files(opinions["signed"] / "审核意见.pdf")
    assert attached["审核.yml"] == REVIEWER.encode("utf-8") and "审核.yml" not in associated_files(
        opinions["blank"] / "审核意见.pdf")


@pytest.mark.slow
def test_the_opinion_is_pdfa_and_reads_alike(opinions):
    pdf = opinions["signed"] / "审核意见.pdf"
    assert readers.compare(pdf) == []
    assert fontcheck.problems(pdf) == []
    with pikepdf.open(pdf) as doc:
        assert str(doc.open_metadata().get("pdfaid:part")) == "3"


def test_the_workbook_grades_each_project(opinions):
    rules, d = seed_reviews()
    summary = list(load_workbook(opinions["signed"] / "审核意见.xlsx")["汇总表"].iter_rows(values_only=True))
    assert summary[2][-2:] == ("结论", "处理")
    assert [(r[1], r[-2], r[-1]) for r in summary[3:-1]] == [
        (p.project.name, conclude(p, rules).name, conclude(p, rules).grade.action) for p in d.projects]


# ---- 审核.yml ----

@pytest.mark.parametrize("line,text,says", [
    (5, "审核日期: 2025-02-30", "审核日期: “2025-02-30”不是日期"),
    (6, "整改期限: 2025-01-20", "整改期限: 2025-01-20 早于审核日期 2025-01-25"),
    (3, "审批人: 王审核", "审批人: 不认识的栏目名"),
    (4, "复核人: [李复核]", "复核人: 应为一段文字"),
])
def test_a_wrong_reviewer_file_is_named_at_its_line_and_makes_no_opinion(tmp_path, line, text, says):
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    lines = REVIEWER.splitlines()
    lines[line - 1] = text
    (root / DEPT / "审核.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run_cli("review", str(root), "--out", str(tmp_path / "dist"))
    assert done.returncode == 1
    assert f"content/{DEPT}/审核.yml:{line}: {says}" in done.stdout, done.stdout
    assert "本部门审核意见未生成" in done.stdout and not (tmp_path / "dist" / DEPT / "审核意见.pdf").exists()
    # the tables' own commands do not read it, and do not call it a stray file
    done = run_cli("check", "--content", str(root))
    assert "审核.yml" not in done.stdout, done.stdout
