"""`review` reads what a reviewer reads on the seed (issue 34): the misses found by reading across rows and
projects, the petty findings and false alarms gone, a gap every table shares said once, grades that move."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import CONTENT, DATA, ROOT
from test_review import seed_findings

from render.review import rules as rl
from render.review.grade import tally
from render.review.judge import review
from render.source import load


@pytest.fixture(scope="module")
def seed() -> dict[str, list]:
    return seed_findings()


def of(seed, rule_id: str) -> dict[str, list]:
    return {stem: [f for f in fs if f.rule.id == rule_id] for stem, fs in seed.items()
            if any(f.rule.id == rule_id for f in fs)}


def test_a_goal_copied_from_another_project_and_unrelated_to_its_indicators(seed):
    [copied] = of(seed, "R23").pop("03")
    assert of(seed, "R23").keys() == {"03"}  # 01 is where the sentence comes from: not the copy
    assert "“制作宣传品，扩大宣传面，提高群众知晓率，进一步提高”" in copied.message and "01-" in copied.message
    [alone] = of(seed, "R24")["03"]
    assert "“制作宣传品”、“扩大宣传面”、“提高群众知晓率”" in alone.message
    assert of(seed, "R24").keys() == {"03"}
    assert copied.rule.level == alone.rule.level == "建议修改"


def test_a_cost_that_only_restates_the_amount(seed):
    said = of(seed, "R25")
    assert said.keys() == {"07", "08", "10"}  # 09's three lines summing to 8 are a breakdown
    assert "“18万元”就是项目年度金额（18.00 万元）" in said["07"][0].message


def test_figures_that_contradict_each_other(seed):
    [per_person, rate] = of(seed, "R27")["04"]
    assert "按“人”计，却乘以按“人次”计" in per_person.message and "≥1200人次" in per_person.message
    assert "“≤0.03%”" in rate.message and "“≤30人”" in rate.message and "约 100000 人" in rate.message
    [visits] = of(seed, "R27")["05"]  # 法律服务人次 ≥40人
    assert "“法律服务人次”数的是人次，绩效值“≥40人”却以“人”计" in visits.message
    assert of(seed, "R27").keys() == {"04", "05"}


def test_satisfaction_asked_of_the_people_paid(seed):
    said = of(seed, "R28")
    assert said.keys() == {"05", "06", "10"}
    assert "“协理员对生活补助发放满意度”问的是“协理员”，而本项目的钱正是付给协理员的" in said["05"][0].message
    assert "“政府聘用人员对经费发放满意度”" in said["10"][0].message


def test_real_problems_are_no_longer_held_at_a_hint(seed):
    assert {f.rule.level for fs in of(seed, "R15").values() for f in fs} == {"建议修改"}
    assert len(of(seed, "R15")) == 9
    [part] = of(seed, "R22")["07"]
    assert part.rule.level == "建议修改" and "人民调解以案定补" in part.message


def test_one_indicator_under_two_groups(seed):
    said = {stem: [f.message for f in fs if "是同一项指标" in f.message] for stem, fs in of(seed, "R12").items()}
    assert said == {
        "03": ["23-生态效益“营造法治化营商环境”（持续推进）与21-经济效益“营造法治化营商环境，促进经济稳步发展”"
               "（稳步优化，第 23 行）是同一项指标"],
        "05": ["24-可持续影响“解决高校毕业生就业创业问题，支持社会经济发展，维护社会和谐稳定。”（有效保障）与23-生态效益"
               "“解决高校毕业生就业，促进社会稳定”（有效促进，第 25 行）是同一项指标"]}


def test_petty_findings_are_gone(seed):
    assert of(seed, "R04") == {}  # it only re-listed what R07 and R21 say
    assert of(seed, "R08") == {}  # 20人, 25人: a head count is exact as written
    # 每月月末完成支付 is a deadline each month, not words
    assert not any("每月月末完成支付" in f.message for fs in seed.values() for f in fs)


def test_the_split_funding_is_said_as_the_numbers_show_it(seed):
    for stem in ("05", "06"):
        [f] = of(seed, "R20")[stem]
        assert "合计 99.05 万元" in f.message and "110.00 万元" in f.message
        assert "不足一年的成本，像是同一批人员的费用分由两个项目负担" in f.message
        assert "重复列支" not in f.message


def test_a_gap_every_table_shares_is_said_once_and_grades_move():
    content, _ = load.load(CONTENT, DATA)
    rules, _ = rl.load()
    [d] = review(content, rules)
    assert [(f.rule.id, f.message, f.shared) for f in d.common] == [("R01", "项目属性是空的", 10)]
    assert all(p.count("需修改") == sum(f.rule.level == "需修改" and not f.shared for f in p.findings)
               for p in d.projects)
    assert sum(f.rule.id == "R01" for f in d.findings) == 1
    grades = {t.grade.name: t.projects for t in tally(d, rules)}
    # 02 is completed with the department; 04 (costs 42.5–44.5 for 34, a rate against a count, nine rows
    # to rewrite) stops; the rest go back for rework
    assert grades == {"优": 0, "良": 1, "中": 8, "差": 1}
    by_stem = {p.project.stem[:2]: p for p in d.projects}
    assert by_stem["03"].count("建议修改") >= 4 and by_stem["07"].count("建议修改") >= 4


# ---- the segmenter: loaded by review only, its cache where caches go, nothing left in the temp folder ----

def _jieba_run(tmp_path, cache: str):
    """A folder for TMPDIR, and a runner of build.py in a process of its own that says if jieba was loaded."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    code = ("import sys; from render.commands.cli import main; code = main(sys.argv[1:]); "
            "print('jieba loaded' if 'jieba' in sys.modules else 'jieba not loaded'); sys.exit(code)")

    def run(*args):
        return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=600, env={**os.environ, "XDG_CACHE_HOME": cache, "TMPDIR": str(scratch)})
    return scratch, run


def test_the_segmenter_is_loaded_by_review_only_and_leaves_no_temp_file(tmp_path):
    scratch, run = _jieba_run(tmp_path, str(tmp_path / "cache"))
    done = run("check")
    assert done.returncode == 0 and "jieba not loaded" in done.stdout, done.stdout + done.stderr
    done = run("review")
    assert done.returncode == 0 and "jieba loaded" in done.stdout, done.stdout + done.stderr
    assert "prefix dict" not in done.stderr  # jieba's chatter is not the clerk's
    assert (tmp_path / "cache" / "mubiaobiao" / "jieba.cache").is_file()
    assert list(scratch.iterdir()) == []
    assert not list(ROOT.glob("**/jieba*.cache"))


def test_an_unwritable_cache_folder_still_reviews_and_leaves_nothing(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")  # the cache folder cannot be made under a file
    scratch, run = _jieba_run(tmp_path, str(blocked))
    done = run("review")
    assert done.returncode == 0 and "R23 总体目标雷同" in done.stdout, done.stdout + done.stderr
    assert list(scratch.iterdir()) == []
