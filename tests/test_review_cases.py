"""`review` as a finance bureau's reviewer reads a table (issue 24): the seed's misses found, the ways a clerk
commonly writes costs, notes and periods not taken for faults, and each new rule firing on its own fault."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_review import GOAL, GOOD, GOOD_4, SHIPPED, findings_of, judged, seed_findings, swap, written

from render.review import rules as rl


@pytest.fixture(scope="module")
def seed() -> dict[str, list]:
    return seed_findings()


def found(findings, check: str) -> list[tuple[int, str]]:
    return [(f.line, f.message) for f in findings if f.rule.check == check]


def stems(seed, check: str) -> set[str]:
    return {stem for stem, fs in seed.items() if found(fs, check)}


# ---- the seed: what the reviewer wrote and review used to miss ----

def test_values_under_the_wrong_heading(seed):
    misfiled = {stem: found(seed[stem], "归类") for stem in seed if found(seed[stem], "归类")}
    assert [line for line, _ in misfiled.pop("01")] == [19]  # 数量: 衔接帮教率 ≥95%
    assert "“≥95%”是比率，不是数量" in found(seed["01"], "归类")[0][1]
    assert [line for line, _ in misfiled.pop("05")] == [20] and "“≥40人”是数量" in found(seed["05"], "归类")[0][1]
    assert [line for line, _ in misfiled.pop("06")] == [20] and "“≥100次”是数量" in found(seed["06"], "归类")[0][1]
    ten = misfiled.pop("10")  # 质量: ≥500件; 时效: “每年矛盾纠纷调解成功案件数” is a count
    assert [line for line, _ in ten] == [20, 21]
    assert "“≥500件”是数量" in ten[0][1] and "“每年矛盾纠纷调解成功案件数”是一个数量，不是日期或时限" in ten[1][1]
    assert misfiled == {}


def test_ecological_effects_that_are_not(seed):
    for stem in ("01", "02", "03", "04", "05", "06", "07", "08", "09"):
        [(line, message)] = found(seed[stem], "生态")
        assert "23-生态效益" in message and "不是生态环境方面的效益" in message, stem
    assert found(seed["10"], "生态") == []  # its 生态效益 row is empty: R02's
    [f] = [f for f in seed["03"] if f.rule.check == "生态"]
    assert f.rule.level == "建议修改" and "“营造法治化营商环境”" in f.message and "“无”" in f.rule.advice


def test_goal_and_indicator_count_the_same_cases_differently(seed):
    assert found(seed["08"], "目标数值") == [
        (19, "年度总体绩效目标写“预计化解各类疑难复杂案300件”（300件），而11-数量指标“预计化解各类疑难复杂案”的绩效值为“≥320件”")]
    # 90%以上 against ≥90%, 20名 against 20人: the same figure
    assert stems(seed, "目标数值") == {"08"}


def test_a_result_written_into_the_name(seed):
    assert found(seed["08"], "名称含值") == [
        (23, "三级指标“人民调解挽回经济损失1000万元”中写有“1000万元”，绩效值却是“全面保障”")]
    assert stems(seed, "名称含值") == {"08"}  # 2025年司法协理员人数 and the like: a year is no target


def test_vague_overall_goals(seed):
    # 04 完成2025年安置帮教、社区矫正工作; 05 20名司法协理员按月发放生活补助; 06 and 10 as short
    assert stems(seed, "目标字数") == {"04", "05", "06", "10"}
    assert "只有 18 字（“完成2025年安置帮教、社区矫正工作”）" in found(seed["04"], "目标字数")[0][1]
    # no figure but the year or 目标1, 目标2: 08 (300件, 90%, 1000万元), 05 and 06 (20名) have one
    assert stems(seed, "目标量化") == {"01", "02", "03", "04", "07", "09", "10"}
    assert all(line == 13 for stem in seed for line, _ in found(seed[stem], "目标量化"))


def test_the_same_people_priced_in_two_projects(seed):
    [(line5, five)] = found(seed["05"], "重复列支")
    [(line6, six)] = found(seed["06"], "重复列支")
    assert line5 == line6 == 22  # the 成本指标 rows
    assert "06-基层服务专项计划县经费（司法协理员）" in five and "05-基层服务专项计划县配经费（司法协理员）" in six
    for message in (five, six):
        for part in ("20人", "约 55000 元/人/年", "110.00 万元", "合计 99.05 万元"):
            assert part in message, (part, message)
    assert "（39.05 + 60.00）" in five and "（60.00 + 39.05）" in six
    assert stems(seed, "重复列支") == {"05", "06"}


def test_effects_in_words_where_the_share_rule_is_silent(seed):
    for stem in ("02", "04", "09"):
        assert not found(seed[stem], "量化"), stem  # R04: over the whole table, enough numbers
        [(line, message)] = found(seed[stem], "效益量化")
        assert message.startswith("2-效益指标 4 项中带单位的数值"), message
    assert "4 项中带单位的数值 1 项，占 25%" in found(seed["04"], "效益量化")[0][1]  # ≤30人, and three in words


def test_a_part_of_the_project_without_an_indicator(seed):
    assert found(seed["07"], "名称无指标") == [(2, "项目名称中的“人民调解以案定补”没有一项三级指标说到")]
    # 10's 政府长聘人员 is said by 政府聘用人员; 09's four parts each by their own indicator
    assert stems(seed, "名称无指标") == {"07"}


# ---- small projects: what a clerk writes that is no fault ----

def one(tmp_path: Path, rows, amount: str, goal: str, term: str = "1年", stem="01-协理员补助"):
    return written(tmp_path, rows, amount, goal=goal, term=term, stem=stem)


ASSISTANTS = [
    ("1-产出指标", "11-数量指标", "司法协理员人数", "=20人"),
    ("", "12-质量指标", "生活补助按时足额发放率", "=100%"),
    ("", "13-时效指标", "生活补助发放时间", "2025年12月31日前"),
    ("", "14-成本指标", "每人每月生活补助", "每人每月4583元"),
    ("2-效益指标", "22-社会效益", "基层法律服务覆盖率", "≥95%"),
    ("", "23-生态效益", "无", "无"),  # no ecological effect, said so
    ("", "24-可持续影响", "基层法律服务站点持续运行率", "≥95%"),  # what lasts: asked of a project of several years
    ("3-满意度指标", "31-服务对象满意度", "基层群众对法律服务的满意度", "≥95%"),  # not the 协理员 it pays (R28)
]
ASSISTANTS_GOAL = "为20名司法协理员按月发放生活补助，全年足额发放，基层法律服务覆盖率达到95%以上，群众满意度不低于95%。"


def test_a_rate_written_before_its_number_is_reckoned(tmp_path):
    one(tmp_path, ASSISTANTS, "110", ASSISTANTS_GOAL)
    assert [str(f) for f in findings_of(tmp_path)] == []  # 20 × 4583 × 12 = 109.99 万元 for 110
    one(tmp_path, ASSISTANTS, "11", ASSISTANTS_GOAL)
    [cost] = findings_of(tmp_path)
    assert cost.rule.id == "R10" and cost.rule.level == "需修改"
    assert "=20 人 × 4583 元/人/月 × 12 个月 ≈ 109.99 万元，而项目年度金额为 11.00 万元" in cost.message


@pytest.mark.parametrize("written", ["4583元每人每月", "4583元/人/月", "55000元每人每年", "5.5万元/年"])
def test_every_spelling_of_the_rate(tmp_path, written):
    rows = [r if r[1] != "14-成本指标" else r[:3] + (written,) for r in ASSISTANTS]
    one(tmp_path, rows, "110", ASSISTANTS_GOAL)
    assert [str(f) for f in findings_of(tmp_path)] == []


@pytest.mark.parametrize("old,new", [
    ("| 年度培训计划完成时间 | 2025年6月30日前 |", "| 培训报名审核平均办理天数 | ≤5天 |"),  # a time, though 天数
    ("2025年6月30日前", "6月底前"),  # a deadline, the year unsaid
    ("| 参训人员考核合格率 | ≥95% |", "| 参训人员有效投诉次数 | ≤2次 |"),  # a limit on what goes wrong
    ("| 参训人员考核合格率 | ≥95% |", "| 培训安全事故 | =0起 |"),
    ("| 纸质办公材料减少比例 | ≥20% |", "| / | / |"),  # no ecological effect
])
def test_what_a_value_is_where_it_may_stand(tmp_path, old, new):
    assert [str(f) for f in judged(tmp_path, GOOD, edit=swap(old, new))] == []


@pytest.mark.parametrize("row,written", [(0, "=20人（含兼职2人）"), (6, "≥95%（含）"), (6, "≥95%(含)")])
def test_a_note_in_brackets_is_no_fault(tmp_path, row, written):
    rows = list(ASSISTANTS)
    rows[row] = rows[row][:3] + (written,)
    one(tmp_path, rows, "110", ASSISTANTS_GOAL)
    assert [str(f) for f in findings_of(tmp_path)] == []


def test_a_project_of_three_years_is_costed_for_one(tmp_path):
    one(tmp_path, ASSISTANTS, "110", ASSISTANTS_GOAL, term="3年")
    assert [str(f) for f in findings_of(tmp_path)] == []  # not × 36 months against the 年度金额
    one(tmp_path, ASSISTANTS, "39.05", ASSISTANTS_GOAL, term="3年")
    [cost] = findings_of(tmp_path)
    assert "× 12 个月（项目期限 3年，按一年计） ≈ 109.99 万元" in cost.message


@pytest.mark.parametrize("name", ["人均培训成本", "每人培训费用", "单位成本"])
def test_a_rate_said_by_its_name(tmp_path, name):
    rows = [r if r[2:] != ("举办业务培训参训人次", "≤500元/人次") else ("", "14-成本指标", name, "≤500元") for r in GOOD]
    if name == "单位成本":  # per the project's one count
        rows = [r for r in rows if r[2] != "开展入户走访宣传活动"]
        edit = swap("开展入户走访宣传活动12次以上，", "")
    else:
        edit = None
    assert [str(f) for f in judged(tmp_path, rows, edit=edit)] == []  # 100 × 500 元 + 3 万元 = 8 万元
    [cost] = judged(tmp_path, rows, amount="12", edit=edit)
    assert cost.rule.id == "R10" and "≥100 人次 × 500 元" in cost.message and "合计约 8.00 万元" in cost.message


def test_a_total_beside_its_parts_is_counted_once(tmp_path):
    total = swap("|  |  | 入户走访宣传印刷资料费用 | ≤3万元 |",
                 "|  |  | 入户走访宣传印刷资料费用 | ≤3万元 |\n|  |  | 项目总成本 | ≤8万元 |")
    assert [str(f) for f in judged(tmp_path, GOOD, edit=total)] == []  # 5 + 3, not 5 + 3 + 8
    [cost] = judged(tmp_path, GOOD, amount="16", edit=total)
    assert "合计约 8.00 万元（“项目总成本”为各项之和，未重复计入），而项目年度金额为 16.00 万元" in cost.message
    # the sum of two or more others is their total whatever its name
    unnamed = swap("| 项目总成本 | ≤8万元 |", "| 培训及宣传经费 | ≤8万元 |")
    assert [str(f) for f in judged(tmp_path, GOOD, edit=lambda t: unnamed(total(t)))] == []
    # a third line that is no sum stays a part
    other = swap("| 项目总成本 | ≤8万元 |", "| 宣传展板制作费 | ≤7万元 |")
    [cost] = judged(tmp_path, GOOD, amount="8", edit=lambda t: other(total(t)))
    assert "合计约 15.00 万元" in cost.message


def test_none_where_the_four_class_scheme_allows_it(tmp_path):
    rows = GOOD_4[:2] + [("", "12-社会成本指标", "社会成本", "无"), ("", "13-生态环境成本指标", "生态环境成本", "无")] + GOOD_4[2:]
    assert [str(f) for f in judged(tmp_path, rows, scheme="四类")] == []
    # the 经济成本 is the money: 无 there is still asked for a number
    rows[1] = ("", "", "入户走访宣传印刷资料费用", "无")
    assert {f.rule.id for f in judged(tmp_path, rows, amount="5", scheme="四类")} == {"R05"}


@pytest.mark.parametrize("written", ["按时完成", "2025年内完成", "2025年度内", "2025年度内完成", "及时"])
def test_a_period_without_a_deadline(tmp_path, written):
    [f] = judged(tmp_path, GOOD, edit=swap("2025年6月30日前", written))
    assert f.rule.id == "R07" and f"“{written}”" in f.message


# ---- each new rule on a table written to the rules, with one fault ----

FAULTS = [
    ("rate_under_quality_as_count", swap("| 参训人员考核合格率 | ≥95% |", "| 参训人员考核合格人数 | ≥95人 |"), {"R14"}),
    ("count_under_time", swap("| 年度培训计划完成时间 |", "| 年度培训完成场数 |"), {"R14"}),
    ("money_under_count", swap("| 开展入户走访宣传活动 | ≥12次 |", "| 开展入户走访宣传活动 | ≤3万元 |"), {"R14"}),
    ("not_ecological", swap("纸质办公材料减少比例", "群众法治意识提升比例"), {"R15"}),
    ("goal_disagrees", swap("不少于100人次", "不少于120人次"), {"R16"}),
    ("value_in_name", swap("| 带动群众就业创业人数 | ≥10人 |", "| 带动群众就业创业10人 | 有效带动 |"), {"R17"}),
    ("short_goal", swap(GOAL, "举办业务培训100人次。"), {"R18"}),
    ("goal_without_figures", swap(GOAL, "举办业务培训，提高参训人员的业务能力和考核合格水平；开展入户走访宣传活动，"
                                        "提高群众的法律知识知晓水平。"), {"R19"}),
    ("name_lists_more", swap("项目名称: 业务培训", "项目名称: 业务培训和法律援助案件补贴"), {"R22"}),
    ("effects_in_words", lambda t: re.sub(r"\| (≥10人|≥20%|≥80%) \|", "| 明显改善 |", t), {"R21"}),
]


@pytest.mark.parametrize("name,fault,expected", FAULTS, ids=[f[0] for f in FAULTS])
def test_each_new_rule_on_its_own_fault(tmp_path, name, fault, expected):
    assert {f.rule.id for f in judged(tmp_path, GOOD, edit=fault)} == expected


def test_none_for_no_ecological_effect_is_no_fault(tmp_path):
    no_effect = swap("| 纸质办公材料减少比例 | ≥20% |", "| 无 | 无 |")
    assert [str(f) for f in judged(tmp_path, GOOD, edit=no_effect)] == []


def test_the_same_people_in_two_projects_and_not(tmp_path):
    one(tmp_path, ASSISTANTS, "110", ASSISTANTS_GOAL)
    second = [r if r[1] != "14-成本指标" else r[:3] + ("55000元/人/年",) for r in ASSISTANTS]
    one(tmp_path, second, "60", ASSISTANTS_GOAL, stem="02-协理员配套经费")
    twice = [f for f in findings_of(tmp_path) if f.rule.id == "R20"]
    assert [(Path(f.path).stem, f.line) for f in twice] == [("01-协理员补助", 22), ("02-协理员配套经费", 22)]
    assert "合计 170.00 万元（110.00 + 60.00）" in twice[0].message
    # other people (a different count) at the same rate: no finding
    one(tmp_path, [r if r[2] != "司法协理员人数" else r[:3] + ("=12人",) for r in second], "66",
        ASSISTANTS_GOAL.replace("20名", "12名"), stem="02-协理员配套经费")
    assert [f for f in findings_of(tmp_path) if f.rule.id == "R20"] == []


@pytest.mark.parametrize("key,value,says", [
    ("最短相同字数", "1", "“最短相同字数”为 1，应为 2 至 50 之间的整数"),
    ("最低重合比例", "150", "“最低重合比例”为 150，应为 0 至 100 之间的数"),
    ("生态用语", "节能", "“生态用语”应为一串名称"),
])
def test_the_new_thresholds_are_checked_in_a_bureaus_rules_file(tmp_path, key, value, says):
    lines = SHIPPED.splitlines()
    at = next(n for n, text in enumerate(lines) if text.strip().startswith(f"{key}:"))
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    lines[at] = f"{indent}{key}: {value}"
    while at + 1 < len(lines) and lines[at + 1].startswith(indent + "  "):  # a list's continuation lines
        del lines[at + 1]
    path = tmp_path / "本局规则.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rules, problems = rl.load(path, tmp_path)
    assert rules is None and [p.line for p in problems] == [at + 1] and says in problems[0].message, problems
