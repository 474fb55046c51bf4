"""`build.py review`: the finance bureau's findings on the seed, none on a table written to the rules, each
rule firing on the one fault it is about, a bureau's own rules file checked line by line."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from conftest import CONTENT, DATA, ROOT, department_file, project_file, run_cli

from render.review import rules as rl
from render.review.judge import review
from render.source import load

SEED = CONTENT / "2025" / "018-平罗县司法局"


def seed_findings() -> dict[str, list]:
    """The seed's findings by project stem, judged by the shipped rules."""
    content, _ = load.load(CONTENT, DATA)
    rules, problems = rl.load()
    assert rules is not None, problems
    return {p.project.stem[:2]: list(p.findings) for d in review(content, rules) for p in d.projects}


@pytest.fixture(scope="module")
def seed() -> dict[str, list]:
    return seed_findings()


def by_rule(findings, rule_id):
    return [f for f in findings if f.rule.id == rule_id]


def test_project_05_cost_names_what_was_multiplied(seed):
    [cost] = [f for f in seed["05"] if f.rule.check == "成本"]
    for part in ("20 人", "4583.33 元/人/月", "12 个月", "110.00 万元", "39.05 万元"):
        assert part in cost.message, cost.message
    assert cost.rule.level == "需修改" and cost.line == 22  # the 成本指标 row of the file


def test_costs_that_disagree_and_those_that_agree(seed):
    def cost(stem):
        return [f.message for f in seed[stem] if f.rule.check == "成本"]

    assert re.search(r"20 人 × 55000 元/年.* = 110\.00 万元，而项目年度金额为 60\.00 万元", cost("06")[0])
    assert "≥14 场次 × 2500 元/场次" in cost("04")[0] and "合计约 42.50–44.50 万元" in cost("04")[0]
    assert "项目年度金额为 34.00 万元" in cost("04")[0]
    for stem in ("07", "08", "09", "10"):  # 18 = 18, 12 = 12, ≤3 + ≤2 + ≤3 = 8, 82.38 = 82.38
        assert cost(stem) == [], stem


def test_empty_attribute_in_all_ten(seed):
    assert len(seed) == 10
    for stem, findings in seed.items():
        [f] = [f for f in by_rule(findings, "R01")]
        assert (f.message, f.line, f.rule.level) == ("项目属性是空的", 5, "需修改"), stem
        assert findings[0].rule.level == "需修改"  # most serious first


def test_bare_years_as_time_values(seed):
    years = [f for fs in seed.values() for f in fs if f.rule.check == "年份"]
    assert sum("“2025年”只写了年份" in f.message for f in years) == 11
    assert any("“2025年年度”" in f.message for f in years)  # 03: the year again, no deadline in it
    assert not any("2025年年底" in f.message for f in years)  # 02: a deadline


def test_ranges_in_project_01_costs(seed):
    ranges = [(f.line, f.message) for f in seed["01"] if f.rule.check == "区间"]
    assert [line for line, _ in ranges] == [24, 25]
    assert "“200-1000元/人”" in ranges[0][1] and "“400-3000元/人”" in ranges[1][1]


def test_empty_cells_of_09_and_10(seed):
    assert [(f.line, f.message) for f in seed["09"] if f.rule.check == "空格"] == [
        (32, "“有效规范执法行为，促进社会经济高效发展”的绩效值是空的")]
    assert [(f.line, f.message) for f in seed["10"] if f.rule.check == "空格"] == [
        (25, "23-生态效益 下的一行三级指标和绩效值都是空的")]


# ---- a project written to the rules, and each fault that breaks one rule ----

DEPT = "901-测试局"
GOOD = [
    ("1-产出指标", "11-数量指标", "举办业务培训参训人次", "≥100人次"),
    ("", "", "开展入户走访宣传活动", "≥12次"),
    ("", "12-质量指标", "参训人员考核合格率", "≥95%"),
    ("", "13-时效指标", "年度培训计划完成时间", "2025年6月30日前"),
    ("", "14-成本指标", "举办业务培训参训人次", "≤500元/人次"),
    ("", "", "入户走访宣传印刷资料费用", "≤3万元"),
    ("2-效益指标", "21-经济效益", "带动群众就业创业人数", "≥10人"),
    ("", "22-社会效益", "群众法律知识知晓率", "≥90%"),
    ("", "23-生态效益", "纸质办公材料减少比例", "≥20%"),
    ("", "24-可持续影响", "培训成果在工作中的应用率", "≥80%"),
    ("3-满意度指标", "31-服务对象满意度", "参训人员对培训的满意度", "≥95%"),
]
# In the 四类 scheme (财预〔2021〕101号) 成本 is a 一级 of its own, first.
GOOD_4 = [
    ("1-成本指标", "11-经济成本指标", "举办业务培训参训人次", "≤500元/人次"),
    ("", "", "入户走访宣传印刷资料费用", "≤3万元"),
    ("2-产出指标", "21-数量指标", "举办业务培训参训人次", "≥100人次"),
    ("", "22-质量指标", "参训人员考核合格率", "≥95%"),
    ("", "23-时效指标", "年度培训计划完成时间", "2025年6月30日前"),
    ("3-效益指标", "32-社会效益指标", "群众法律知识知晓率", "≥90%"),
    ("4-满意度指标", "41-服务对象满意度指标", "参训人员对培训的满意度", "≥95%"),
]


# What the money buys, how much of it and to what effect, in the indicators' own figures (R16, R18, R19).
GOAL = ("举办业务培训参训不少于100人次，参训人员考核合格率达到95%以上；开展入户走访宣传活动12次以上，"
        "群众法律知识知晓率达到90%以上。")


def written(tmp_path: Path, rows, amount="8", scheme="", edit=None, goal=GOAL, term="1年",
            stem="01-业务培训") -> Path:
    """A project of the test department, its 项目属性 filled in."""
    folder = tmp_path / "content" / "2025" / DEPT
    department_file(folder, "901", "测试局", extra=f"指标体系: {scheme}\n" if scheme else "")
    path = project_file(folder, stem, stem.split("-", 1)[1], DEPT, amount, rows, goal=goal)
    text = path.read_text(encoding="utf-8").replace("项目属性:\n", "项目属性: 延续性项目\n")
    text = text.replace("项目期限: 1年", f"项目期限: {term}")
    path.write_text(edit(text) if edit else text, encoding="utf-8")
    return path


def findings_of(tmp_path: Path) -> list:
    """Every finding on the content written in tmp_path, by the shipped rules."""
    content, problems = load.load(tmp_path / "content", tmp_path)
    assert not [p for p in problems if p.severity == "error"], problems
    rules, _ = rl.load()
    return [f for d in review(content, rules) for f in d.findings]


def judged(tmp_path: Path, rows, amount="8", scheme="", edit=None):
    written(tmp_path, rows, amount, scheme, edit)
    return findings_of(tmp_path)


@pytest.mark.parametrize("rows,scheme", [(GOOD, ""), (GOOD_4, "四类")], ids=["三类", "四类"])
def test_a_table_written_to_the_rules_gets_no_finding(tmp_path, rows, scheme):
    assert [str(f) for f in judged(tmp_path, rows, scheme=scheme)] == []


def swap(old: str, new: str):
    return lambda text: text.replace(old, new, 1)


FAULTS = [
    ("attribute", swap("项目属性: 延续性项目", "项目属性:"), {"R01"}),
    ("empty_value", swap("| ≥95% |", "|  |"), {"R02"}),
    ("no_quality_group", swap("|  | 12-质量指标 | 参训人员考核合格率 | ≥95% |\n", ""), {"R03"}),
    # 6 of 11 in words: the effects and the deadline; R04 leaves both to R21 and R07, not said twice
    ("words_for_effects", lambda t: re.sub(r"\| (≥10人|≥90%|≥20%|≥80%|2025年6月30日前) \|", "| 明显改善 |", t),
     {"R21"}),
    ("words_for_output", swap("| ≥95% |", "| 明显提高 |"), {"R05"}),
    ("range_as_cost", swap("≤500元/人次", "300-500元/人次"), {"R06"}),
    ("bare_year", swap("2025年6月30日前", "2025年"), {"R07"}),
    ("no_sign", swap("≥12次", "12次"), {"R08"}),  # a head count (10人) is exact as written: not asked
    ("range_as_count", swap("≥10人", "10-20人"), {"R06"}),  # no sign to ask for in a range
    ("range_of_satisfaction", swap("| 参训人员对培训的满意度 | ≥95% |", "| 参训人员对培训的满意度 | 80%-95% |"),
     {"R06", "R09"}),
    ("low_satisfaction", swap("| 参训人员对培训的满意度 | ≥95% |", "| 参训人员对培训的满意度 | ≥80% |"), {"R09"}),
    ("amount_too_small", swap("项目年度金额: 8", "项目年度金额: 5"), {"R10"}),
    ("amount_too_large", swap("项目年度金额: 8", "项目年度金额: 12"), {"R10"}),
    ("cost_without_count", swap("≤500元/人次", "≤500元/场次"), {"R11"}),
    ("repeated_row", swap("|  | 23-生态效益 | 纸质办公材料减少比例 | ≥20% |",
                          "|  | 23-生态效益 | 纸质办公材料减少比例 | ≥20% |\n|  |  | 纸质办公材料减少比例 | ≥30% |"),
     {"R12"}),
]


@pytest.mark.parametrize("name,fault,expected", FAULTS, ids=[f[0] for f in FAULTS])
def test_each_fault_breaks_the_one_rule_it_is_about(tmp_path, name, fault, expected):
    assert {f.rule.id for f in judged(tmp_path, GOOD, edit=fault)} == expected


def test_copied_across_projects(tmp_path):
    judged(tmp_path, GOOD)
    folder = tmp_path / "content" / "2025" / DEPT
    project_file(folder, "02-另一项目", "另一项目", DEPT, "8", GOOD)
    content, _ = load.load(tmp_path / "content", tmp_path)
    rules, _ = rl.load()
    [d] = review(content, rules)
    copied = [f for f in d.findings if f.rule.id == "R13"]
    # names of 10 characters or more (举办业务培训参训人次 …) are copied; 项目属性 of the second is empty
    assert copied and all("与 " in f.message for f in copied)
    assert all(len(re.search(r"“(.+?)”", f.message).group(1)) >= 10 for f in copied)


# ---- the rules file of a bureau ----

BROKEN_RULES = """\
规则:
  R01:
    名称: 表头
    级别: 必须改
    方面: 完整性
    检查: 表头
    依据: 财预〔2015〕88号
    建议: 请补填
    栏目: [项目属性, 项目类型]
  R02:
    名称: 空格
    级别: 需修改
    方面: 完整性
    检查: 空白
    依据: 财预〔2015〕88号
    建议: 请补填
  R03:
    名称: 成本
    级别: 需修改
    方面: 全面性
    检查: 成本
    依据: 财预〔2021〕101号
    建议: 请核对
    容差: 十
    阈值: 5
  R04:
    名称: 量化
    级别: 提示
    方面: 相关性
    检查: 量化
    依据: 财预〔2021〕101号
    建议: 请量化
"""


def test_rules_file_mistakes_by_line(tmp_path):
    path = tmp_path / "本局规则.yml"
    path.write_text(BROKEN_RULES, encoding="utf-8")
    rules, problems = rl.load(path, tmp_path)
    assert rules is None
    assert all(p.path == "本局规则.yml" for p in problems)
    expected = [(4, "级别“必须改”应为 需修改 / 建议修改 / 提示 之一"), (9, "“栏目”中的“项目类型”不是表中的栏目"),
                (14, "检查“空白”不是已有的检查"), (20, "方面“全面性”应为 完整性 / 相关性 / 适当性 / 可行性 之一"),
                (24, "“容差”应为一个数，如 90"), (25, "不认识的键“阈值”"), (26, "检查“量化”须写明参数“最低比例”"),
                (26, "检查“量化”须写明参数“不计”"), (1, "缺少“结论:”一节")]
    for line, says in expected:
        assert any(p.line == line and says in p.message for p in problems), (line, says, problems)
    assert len(problems) == 9


def test_cli_prints_findings_grouped_and_exits_by_strict(tmp_path):
    one = SEED / "05-基层服务专项计划县配经费（司法协理员）.md"
    done = run_cli("review", str(one))
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("== 05-基层服务专项计划县配经费（司法协理员）：需修改 2")
    assert lines[1] == ("tests/data/content/2025/018-平罗县司法局/05-基层服务专项计划县配经费（司法协理员）.md:5: "
                        "R01 表头填写完整: 项目属性是空的（请补填该栏）")
    assert "1 个项目" in lines[-1]
    assert run_cli("review", "--strict", str(one)).returncode == 1
    # the meeting's files are a department's: one table alone makes none
    done = run_cli("review", str(one), "--out", str(tmp_path / "out"))
    assert "只审核了部分项目，本部门审核意见未生成" in done.stdout and not (tmp_path / "out").exists()
    # a bureau that only notes costs: nothing of the highest level is left
    relaxed = tmp_path / "本局规则.yml"
    text = (ROOT / "rules" / "审核规则.yml").read_text(encoding="utf-8")
    relaxed.write_text(text.replace("级别: 需修改", "级别: 提示"), encoding="utf-8")
    done = run_cli("review", "--strict", "--rules", str(relaxed), str(one))
    assert done.returncode == 0 and "需修改 0" in done.stdout, done.stdout
    relaxed.write_text(text.replace("级别: 需修改", "级别: 必须改", 1), encoding="utf-8")
    done = run_cli("review", "--rules", str(relaxed), str(one))
    assert done.returncode == 1 and re.search(r"本局规则\.yml:\d+: 审核规则: 规则 R01：级别“必须改”", done.stdout)


def test_content_errors_are_reported_like_check(tmp_path):
    folder = tmp_path / "content" / "2025" / DEPT
    department_file(folder, "901", "测试局")
    project_file(folder, "01-业务培训", "业务培训", DEPT, "abc", GOOD)
    project_file(folder, "02-宣传", "宣传", DEPT, "8", GOOD)
    done = run_cli("review", str(tmp_path / "content"))
    assert done.returncode == 1
    assert f"content/2025/{DEPT}/01-业务培训.md:8: 项目年度金额: “abc”不是数字" in done.stdout
    assert "== 02-宣传" in done.stdout and "1 个项目" in done.stdout


def test_readme_lists_the_shipped_rules():
    """The README's table of rules is the rules file's: number, name, level and source, in its order."""
    rules, _ = rl.load()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| (R\d+) \| (\S+) \| (\S+) \| .* \| (.+) \|$", readme, re.M)
    assert listed == [(r.id, r.name, r.level, r.basis) for r in rules.rules]


# ---- a rules file that is hostile or broken ----

SHIPPED = (ROOT / "rules" / "审核规则.yml").read_text(encoding="utf-8")
# The shipped 结论 (the grades), for rules files written here: a file without one is a mistake of its own.
GRADING = "结论:\n" + SHIPPED.split("\n结论:\n", 1)[1].split("\n\n", 1)[0] + "\n"


@pytest.mark.parametrize("key,value,says", [
    ("容差", "nan", "“容差”应为一个数"), ("容差", "-5", "“容差”为 -5，应为 0 至 100 之间的数（单位：%）"),
    ("容差", "1e999", "“容差”应为一个数"), ("最低比例", "-inf", "“最低比例”应为一个数"),
    ("最低比例", "100.5", "“最低比例”为 100.5，应为 0 至 100"), ("最低", "-1", "“最低”为 -1，应为 0 至 100"),
    ("最短字数", "0", "“最短字数”为 0，应为 1 至 200 之间的整数"), ("最短字数", "10.5", "“最短字数”为 10.5"),
])
def test_a_threshold_out_of_its_range_is_named_with_its_line(tmp_path, key, value, says):
    line = next(n for n, text in enumerate(SHIPPED.splitlines(), 1) if text.strip().startswith(f"{key}:"))
    path = tmp_path / "本局规则.yml"
    path.write_text(re.sub(rf"^(\s*){key}: \S+", rf"\g<1>{key}: {value}", SHIPPED, count=1, flags=re.M),
                    encoding="utf-8")
    rules, problems = rl.load(path, tmp_path)
    assert rules is None and [(p.path, p.line, p.field) for p in problems] == [("本局规则.yml", line, "审核规则")]
    assert says in problems[0].message, problems
    done = run_cli("review", "--rules", str(path), str(SEED))  # no review made, and no crash (was exit 3)
    assert done.returncode == 1 and says in done.stdout and "== " not in done.stdout, done.stdout + done.stderr


def test_a_missing_rules_file_is_a_command_line_mistake(tmp_path):
    done = run_cli("review", "--rules", str(tmp_path / "没有.yml"), str(SEED))
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{tmp_path / '没有.yml'}: 审核规则: 找不到这个文件" in done.stdout and not re.search(r"[A-Za-z]{4}", done.stdout
                                                                                         .split("（--rules")[0][-12:])
    assert run_cli("check", "--content", str(tmp_path / "没有")).returncode == 2  # as a missing --content


def test_a_rules_file_is_read_in_linear_time_up_to_its_limit(tmp_path):
    from render.source import limits

    body = "\n".join(line for line in SHIPPED.splitlines() if not line.lstrip().startswith("#")).split("规则:\n", 1)[1]
    rule = body.split("  R02:")[0].replace("  R01:", "  R{n}:")
    copies = (limits.RULES_BYTES - 200 - len(GRADING.encode("utf-8"))) // len(rule.replace("{n}", "00000").encode("utf-8"))
    path = tmp_path / "大.yml"
    path.write_text(GRADING + "规则:\n" + "".join(rule.replace("{n}", f"{k:05d}") for k in range(copies)),
                    encoding="utf-8")
    started = time.perf_counter()
    rules, problems = rl.load(path, tmp_path)
    assert rules is not None and len(rules.rules) == copies, problems[:3]
    assert time.perf_counter() - started < 5  # about 0.5 s; 10 MB used to take over 600 s
    path.write_bytes(path.read_bytes() * 11)  # 11 MB
    started = time.perf_counter()
    rules, problems = rl.load(path, tmp_path)
    assert rules is None and [str(p) for p in problems] == [
        "大.yml: 审核规则: 文件超过 1 MB，不像审核规则文件（随附的规则文件只有几 KB）：请核对 --rules 所指的文件"]
    assert time.perf_counter() - started < 1


def test_each_rule_is_named_at_its_own_line_even_when_rules_share_a_body(tmp_path):
    path = tmp_path / "本局规则.yml"
    path.write_text("规则:\n  R01: &same\n    名称: 空格\n  R02: *same\n  R03: *same\n", encoding="utf-8")
    rules, problems = rl.load(path, tmp_path)
    missing = sorted({(p.line, p.message.split("：")[0]) for p in problems if "缺少“级别”" in p.message})
    assert missing == [(2, "规则 R01"), (4, "规则 R02"), (5, "规则 R03")]


def test_problems_of_a_rules_file_are_listed_up_to_a_hundred(tmp_path):
    path = tmp_path / "本局规则.yml"
    path.write_text(GRADING + "规则:\n" + "".join(f"  R{k:03d}: 空\n" for k in range(250)), encoding="utf-8")
    rules, problems = rl.load(path, tmp_path)
    assert len(problems) == 101 and problems[-1].message.startswith("另有 150 个问题未列出（共 250 个，只列出前 100 个）")
    assert problems[-1].severity == "error"
