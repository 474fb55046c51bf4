"""Two departments of correct tables written for `review`'s test set (not the seed: a county's 农业农村局 and
卫生健康局), their correct variants and one-defect copies, each with the rule a reviewer's finding must come from (None: no finding at 需修改 or
建议修改 may be made). Used by tests/test_review_variants.py and benchmarks/review_recall.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEPT = "902-测试县农业农村局"
YEAR = "2025"


@dataclass(frozen=True)
class Table:
    name: str
    amount: str
    goal: str
    rows: tuple[tuple[str, str, str, str], ...]
    term: str = "1年"
    implementer: str = "902001-测试县农业农村局本级"


TRAINING = Table(
    "农民技能培训经费", "30",
    "2025年举办农民实用技术培训30期，培训农民1500人次，参训农民考核合格率达到90%以上，带动参训农民增收，"
    "参训农民满意度不低于90%。",
    (("1-产出指标", "11-数量指标", "举办农民实用技术培训期数", "≥30期"),
     ("", "", "培训农民人次", "≥1500人次"),
     ("", "12-质量指标", "参训农民考核合格率", "≥90%"),
     ("", "13-时效指标", "培训任务完成时间", "2025年10月31日前"),
     ("", "14-成本指标", "每人次培训成本", "≤200元/人次"),
     ("2-效益指标", "21-经济效益", "参训农民人均年增收", "≥500元"),
     ("", "22-社会效益", "参训农民掌握实用技术比例", "≥85%"),
     ("", "23-生态效益", "减少农业面源污染的技术应用率", "≥60%"),
     ("", "24-可持续影响", "培训后一年内技术持续应用率", "≥70%"),
     ("3-满意度指标", "31-服务对象满意度", "参训农民满意度", "≥90%")))

VILLAGES = Table(
    "农村人居环境整治经费", "50",
    "2025年完成20个行政村生活垃圾收运设施配置，购置垃圾收集箱400个，农村生活垃圾收运处置体系覆盖率达到95%以上，"
    "村民满意度不低于90%。",
    (("1-产出指标", "11-数量指标", "配置垃圾收运设施的行政村", "≥20个"),
     ("", "", "购置垃圾收集箱", "≥400个"),
     ("", "12-质量指标", "垃圾收集箱验收合格率", "=100%"),
     ("", "13-时效指标", "设施配置完成时间", "2025年9月30日前"),
     ("", "14-成本指标", "垃圾收集箱单价", "≤1000元/个"),
     ("", "", "收运车辆运行维护费用", "≤10万元"),
     ("2-效益指标", "21-经济效益", "无", "无"),
     ("", "22-社会效益", "农村生活垃圾收运处置体系覆盖率", "≥95%"),
     ("", "23-生态效益", "村庄生活垃圾乱堆乱放点减少比例", "≥80%"),
     ("", "24-可持续影响", "设施正常使用年限", "≥5年"),
     ("3-满意度指标", "31-服务对象满意度", "村民满意度", "≥90%")))

ANIMALS = Table(
    "动物疫病防控经费", "20",
    "2025年完成春秋两季重大动物疫病集中免疫，免疫牲畜20万头，免疫密度达到90%以上，全年不发生区域性重大动物疫情，"
    "养殖户满意度不低于90%。",
    (("1-产出指标", "11-数量指标", "免疫牲畜数量", "≥20万头"),
     ("", "12-质量指标", "免疫密度", "≥90%"),
     ("", "", "免疫抗体合格率", "≥70%"),
     ("", "13-时效指标", "春季集中免疫完成时间", "2025年5月31日前"),
     ("", "", "秋季集中免疫完成时间", "2025年11月30日前"),
     ("", "14-成本指标", "疫苗及耗材费用", "≤16万元"),
     ("", "", "村级防疫员劳务补助", "≤4万元"),
     ("2-效益指标", "21-经济效益", "因重大动物疫病造成的养殖损失", "≤5万元"),
     ("", "22-社会效益", "区域性重大动物疫情发生次数", "=0次"),
     ("", "23-生态效益", "无", "无"),
     ("", "24-可持续影响", "村级动物防疫体系运行率", "≥95%"),
     ("3-满意度指标", "31-服务对象满意度", "养殖户满意度", "≥90%")))

TABLES = {"01-农民技能培训经费": TRAINING, "02-农村人居环境整治经费": VILLAGES, "03-动物疫病防控经费": ANIMALS}

# A second department of another trade, so that the checks are not tuned to one vocabulary.
CHECKUPS = Table(
    "老年人健康体检经费", "45",
    "2025年为辖区65岁及以上老年人提供免费健康体检15000人次，体检率达到70%以上，建立健康档案，及时发现慢性病，"
    "老年人满意度达到90%以上。",
    (("1-产出指标", "11-数量指标", "老年人健康体检人次", "≥15000人次"),
     ("", "12-质量指标", "老年人健康体检率", "≥70%"),
     ("", "", "体检结果反馈率", "=100%"),
     ("", "13-时效指标", "体检工作完成时间", "2025年11月30日前"),
     ("", "14-成本指标", "人均体检费用", "≤30元"),
     ("2-效益指标", "21-经济效益", "无", "无"),
     ("", "22-社会效益", "老年人慢性病早期发现人数", "≥300人"),
     ("", "23-生态效益", "无", "无"),
     ("", "24-可持续影响", "老年人健康档案动态更新率", "≥80%"),
     ("3-满意度指标", "31-服务对象满意度", "体检老年人满意度", "≥90%")),
    implementer="903001-测试县卫生健康局本级")
DOCTORS = Table(
    "乡村医生补助经费", "36",
    "2025年按每人每年12000元标准发放30名乡村医生补助，保障村卫生室正常运转，村卫生室服务覆盖率100%，"
    "村民对基层医疗服务满意度不低于90%。",
    (("1-产出指标", "11-数量指标", "补助乡村医生人数", "=30人"),
     ("", "12-质量指标", "补助资金足额发放率", "=100%"),
     ("", "13-时效指标", "补助发放时间", "每季度末"),
     ("", "14-成本指标", "乡村医生每人每年补助标准", "12000元/人/年"),
     ("2-效益指标", "22-社会效益", "村卫生室服务覆盖率", "=100%"),
     ("", "23-生态效益", "无", "无"),
     ("", "24-可持续影响", "村卫生室持续运转率", "≥95%"),
     ("3-满意度指标", "31-服务对象满意度", "村民对基层医疗服务满意度", "≥90%")),
    implementer="903001-测试县卫生健康局本级")
AID = Table(
    "困难群众医疗救助经费", "60",
    "2025年对1000名困难群众给予医疗救助，每人每年救助标准600元，救助资金足额发放，减轻困难群众医疗费用负担，"
    "困难群众对救助服务满意度不低于90%。",
    (("1-产出指标", "11-数量指标", "医疗救助困难群众人数", "≥1000人"),
     ("", "12-质量指标", "救助资金足额发放率", "=100%"),
     ("", "13-时效指标", "救助资金发放时间", "每季度末"),
     ("", "14-成本指标", "每人每年医疗救助补助标准", "600元/人/年"),
     ("2-效益指标", "22-社会效益", "困难群众医疗费用负担减轻比例", "≥20%"),
     ("", "23-生态效益", "无", "无"),
     ("", "24-可持续影响", "医疗救助制度覆盖率", "=100%"),
     # the people the aid is paid to are its 服务对象: asking them is right (R28 must not say otherwise)
     ("3-满意度指标", "31-服务对象满意度", "困难群众对救助补助发放的满意度", "≥90%")),
    implementer="903001-测试县卫生健康局本级")
HEALTH = {"01-老年人健康体检经费": CHECKUPS, "02-乡村医生补助经费": DOCTORS, "03-困难群众医疗救助经费": AID}
# The departments: folder, name, tables.
DEPARTMENTS = {"farm": ("902-测试县农业农村局", "测试县农业农村局", TABLES),
               "health": ("903-测试县卫生健康局", "测试县卫生健康局", HEALTH)}
STEMS = {"P1": "01-农民技能培训经费", "P2": "02-农村人居环境整治经费", "P3": "03-动物疫病防控经费",
         "H1": "01-老年人健康体检经费", "H2": "02-乡村医生补助经费", "H3": "03-困难群众医疗救助经费"}


def text_of(t: Table, dept: str = DEPT) -> str:
    lines = ["---", f"项目名称: {t.name}", f"主管部门: {dept}", f"实施单位: {t.implementer}", "项目属性: 延续性项目",
             f"项目期限: {t.term}", "项目主管处室: 04-农业农村室", f"项目年度金额: {t.amount}", "---", "",
             "## 年度总体绩效目标", "", t.goal, "", "## 绩效指标", "",
             "| 一级指标 | 二级指标 | 三级指标 | 绩效值 |", "| --- | --- | --- | --- |"]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in t.rows]) + "\n"


@dataclass(frozen=True)
class Variant:
    name: str
    edits: tuple[tuple[str, str, str], ...]  # (P1/P2/P3, old text, new text) in the project's file
    must: frozenset[str] | None  # a finding of one of these rules, at 需修改 or 建议修改, in `where`; None: none
    where: str = "P1"
    last_year: dict[str, str] = field(default_factory=dict)  # stem → goal of a 2024 table of the department
    department: str = "farm"  # a key of DEPARTMENTS


def write(root: Path, v: Variant) -> Path:
    """The department with the variant's edits under root/content; returns the content folder."""
    content = root / "content"
    dept, name, tables = DEPARTMENTS[v.department]
    folder = content / YEAR / dept
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "部门.yml").write_text(f'部门名称: {name}\n部门编码: "{dept[:3]}"\n年度: {YEAR}\n编制日期: 2025-01-20\n',
                                    encoding="utf-8")
    for stem, t in tables.items():
        text = text_of(t, dept)
        for which, old, new in v.edits:
            if STEMS[which] == stem:
                if old not in text:
                    raise ValueError(f"{v.name}: “{old}” not in {stem}")
                text = text.replace(old, new, 1)
        (folder / f"{stem}.md").write_text(text, encoding="utf-8")
    if v.last_year:
        before = content / "2024" / DEPT
        before.mkdir(parents=True, exist_ok=True)
        (before / "部门.yml").write_text('部门名称: 测试县农业农村局\n部门编码: "902"\n年度: 2024\n编制日期: 2024-01-20\n',
                                        encoding="utf-8")
        for stem, goal in v.last_year.items():
            t = TABLES[stem]
            (before / f"{stem}.md").write_text(text_of(Table(t.name, t.amount, goal, t.rows, t.term)).replace(
                "2025年", "2024年"), encoding="utf-8")
    return content


def ok(name: str, *edits: tuple[str, str, str], last_year: dict[str, str] | None = None,
       department: str = "farm") -> Variant:
    return Variant(name, edits, None, "P1", last_year or {}, department)


def bad(name: str, rules: str, *edits: tuple[str, str, str], where: str = "P1",
        last_year: dict[str, str] | None = None) -> Variant:
    department = "health" if where.startswith("H") else "farm"
    return Variant(name, edits, frozenset(rules.split()), where, last_year or {}, department)


P1_GOAL, P2_GOAL = TRAINING.goal, VILLAGES.goal
OTHER_GOAL = "2024年完成农村实用人才带头人培训，提高农民组织化程度，带动农民合作社规范发展，培育新型农业经营主体。"

CORRECT = (
    ok("as_written"),
    ok("unit_training_cost", ("P1", "| 每人次培训成本 | ≤200元/人次 |", "| 单位培训成本 | ≤200元 |")),
    ok("graded_quality", ("P1", "| 参训农民考核合格率 | ≥90% |",
                          "| 参训农民考核合格率 | ≥90% |\n|  |  | 培训效果评估等级 | 良好及以上 |")),
    ok("head_count_without_sign", ("P3", "| 免疫牲畜数量 | ≥20万头 |", "| 免疫牲畜数量 | ≥20万头 |\n|  |  | 村级防疫员人数 | 25人 |")),
    ok("deadline_each_quarter", ("P1", "| 培训任务完成时间 | 2025年10月31日前 |",
                                 "| 培训任务完成时间 | 2025年10月31日前 |\n|  |  | 培训进度报送时间 | 每季度末 |")),
    ok("three_year_project", ("P1", "项目期限: 1年", "项目期限: 3年"),
       ("P1", "| 培训任务完成时间 | 2025年10月31日前 |", "| 培训任务完成时间 | 2027年10月31日前 |")),
    ok("satisfaction_of_users_with_paid_staff", ("P3", "| 养殖户满意度 | ≥90% |", "| 养殖户对防疫服务的满意度 | ≥90% |")),
    ok("effect_counted_in_people", ("P1", "| 参训农民掌握实用技术比例 | ≥85% |",
                                    "| 参训农民掌握实用技术比例 | ≥85% |\n|  |  | 带动参训农民就业人数 | ≥100人 |")),
    ok("cost_in_two_lines", ("P1", "| 每人次培训成本 | ≤200元/人次 |",
                             "| 培训场地租赁费 | ≤6万元 |\n|  |  | 每人次培训教材及讲课费 | ≤160元/人次 |")),
    ok("last_year_different_goal", last_year={"01-农民技能培训经费": OTHER_GOAL}),
    ok("goal_quoting_a_line_of_another", ("P3", "养殖户满意度不低于90%。", "养殖户满意度不低于90%，村民满意度不低于90%。")),
    ok("health_as_written", department="health"),
    ok("health_checkup_rate_and_found_count", ("H1", "| 体检结果反馈率 | =100% |", "| 慢性病检出率 | ≥2% |"),
       department="health"),
)

DEFECTS = (
    bad("goal_copied_from_another_project", "R23", ("P1", P1_GOAL, P2_GOAL)),
    bad("goal_copied_from_last_year", "R23", last_year={"01-农民技能培训经费": P1_GOAL.replace("2025年", "")}),
    bad("goal_copied_with_words_changed", "R23", ("P3", ANIMALS.goal, P1_GOAL.replace("农民", "养殖户")), where="P3"),
    bad("goal_unrelated_to_indicators", "R24",
        ("P1", P1_GOAL, "加强农村基层组织建设，提升乡村治理水平，推进移风易俗，建设文明乡风，培训农民1500人次。")),
    bad("cost_only_the_amount", "R25", ("P1", "| 每人次培训成本 | ≤200元/人次 |", "| 农民技能培训经费 | 30万元 |")),
    bad("cost_only_the_amount_p2", "R25", ("P2", "| 垃圾收集箱单价 | ≤1000元/个 |\n|  |  | 收运车辆运行维护费用 | ≤10万元 |",
                                           "| 农村人居环境整治经费 | 50万元 |"), where="P2"),
    bad("deadline_after_the_year", "R26", ("P1", "2025年10月31日前", "2026年6月30日前")),
    bad("deadline_after_the_period", "R26", ("P2", "项目期限: 1年", "项目期限: 3年"),
        ("P2", "2025年9月30日前", "2029年9月30日前"), where="P2"),
    bad("several_years_nothing_lasting", "R26", ("P3", "项目期限: 1年", "项目期限: 3年"),
        ("P3", "| 村级动物防疫体系运行率 | ≥95% |", "| 无 | 无 |"), where="P3"),
    bad("deadline_next_year_in_words", "R26", ("P1", "2025年10月31日前", "次年3月底前")),
    bad("last_years_year_in_a_name", "R26", ("P1", "| 培训农民人次 |", "| 2024年培训农民人次 |")),
    bad("goal_in_person_times_indicator_in_persons", "R27", ("P1", "| 培训农民人次 | ≥1500人次 |", "| 培训农民人数 | ≥1500人 |"),
        ("P1", "| 每人次培训成本 | ≤200元/人次 |", "| 每人培训成本 | ≤200元/人 |")),
    bad("name_in_person_times_value_in_persons", "R27", ("P1", "| 培训农民人次 | ≥1500人次 |", "| 培训农民人次 | ≥1500人 |")),
    bad("cost_per_person_times_person_times", "R27", ("P1", "| 每人次培训成本 | ≤200元/人次 |", "| 每人培训成本 | ≤200元/人 |")),
    bad("rate_and_count_contradict", "R27", ("P3", "| 免疫抗体合格率 | ≥70% |",
                                             "| 免疫抗体合格率 | ≥70% |\n|  |  | 免疫后发病率 | ≤0.01% |"),
        ("P3", "| 区域性重大动物疫情发生次数 | =0次 |",
         "| 区域性重大动物疫情发生次数 | =0次 |\n|  |  | 免疫后发病牲畜数 | ≤500头 |"), where="P3"),
    bad("failure_rate_and_count_contradict", "R27", ("P1", "| 参训农民考核合格率 | ≥90% |",
                                                     "| 参训农民考核不合格率 | ≤0.5% |"),
        ("P1", "| 参训农民掌握实用技术比例 | ≥85% |", "| 参训农民考核不合格人数 | ≤150人 |")),
    bad("satisfaction_of_the_paid", "R28", ("P3", "| 养殖户满意度 | ≥90% |", "| 村级防疫员对劳务补助发放的满意度 | ≥90% |"),
        where="P3"),
    bad("satisfaction_of_paid_cleaners", "R28", ("P2", "| 收运车辆运行维护费用 | ≤10万元 |", "| 保洁员工资 | ≤10万元 |"),
        ("P2", "| 村民满意度 | ≥90% |", "| 保洁员对工资发放情况满意度 | ≥90% |"), where="P2"),
    bad("satisfaction_of_counted_staff_about_pay", "R28",
        ("P2", "| 购置垃圾收集箱 | ≥400个 |", "| 购置垃圾收集箱 | ≥400个 |\n|  |  | 聘用村级保洁员 | 40人 |"),
        ("P2", "| 村民满意度 | ≥90% |", "| 村级保洁员对经费发放满意度 | ≥90% |"), where="P2"),
    bad("effect_is_an_output", "R29", ("P1", "| 参训农民掌握实用技术比例 | ≥85% |", "| 完成农民实用技术培训课程 | ≥30期 |")),
    bad("effect_counted_in_sessions", "R29", ("P1", "| 参训农民掌握实用技术比例 | ≥85% |", "| 农业技术下乡服务 | ≥20场 |")),
    bad("effect_repeats_a_count", "R29 R12", ("P1", "| 参训农民掌握实用技术比例 | ≥85% |", "| 培训农民人次 | ≥1500人次 |")),
    bad("same_indicator_under_two_groups", "R12", ("P1", "| 参训农民掌握实用技术比例 | ≥85% |",
                                                   "| 参训农民考核的合格率 | ≥90% |")),
    bad("empty_value", "R02", ("P1", "| 参训农民考核合格率 | ≥90% |", "| 参训农民考核合格率 |  |")),
    bad("no_time_group", "R03", ("P1", "|  | 13-时效指标 | 培训任务完成时间 | 2025年10月31日前 |\n", "")),
    bad("bare_year", "R07", ("P1", "2025年10月31日前", "2025年")),
    bad("range_as_cost", "R06", ("P1", "≤200元/人次", "150-200元/人次")),
    bad("amount_off", "R10", ("P1", "项目年度金额: 30", "项目年度金额: 50")),
    bad("unit_cost_against_amount", "R10", ("P1", "| 每人次培训成本 | ≤200元/人次 |", "| 单位培训成本 | ≤500元 |")),
    bad("satisfaction_in_words", "R30", ("P1", "| 参训农民满意度 | ≥90% |", "| 参训农民满意度 | 较满意 |")),
    bad("ecology_not_ecological", "R15", ("P1", "| 减少农业面源污染的技术应用率 |", "| 农民综合素质提升比例 |")),
    bad("short_goal", "R18", ("P1", P1_GOAL, "培训农民1500人次。")),
    bad("goal_figure_disagrees", "R16", ("P1", "培训30期", "培训25期")),
    bad("value_in_the_name", "R17", ("P1", "| 参训农民人均年增收 | ≥500元 |", "| 参训农民人均年增收500元 | 明显提高 |")),
    bad("rate_under_count", "R14", ("P1", "| 培训农民人次 | ≥1500人次 |", "| 培训农民覆盖率 | ≥80% |")),
    bad("effects_in_words", "R21", ("P1", "| ≥500元 |", "| 明显提高 |"), ("P1", "| ≥85% |", "| 有效提升 |"),
        ("P1", "| ≥60% |", "| 逐步改善 |")),
    bad("part_of_name_without_indicator", "R22", ("P1", "项目名称: 农民技能培训经费", "项目名称: 农民技能培训和农机购置补贴经费")),
    bad("output_in_words", "R05", ("P1", "| 培训农民人次 | ≥1500人次 |", "| 培训农民人次 | 大幅增加 |")),
    bad("health_paid_doctors_asked", "R28", ("H2", "| 村民对基层医疗服务满意度 | ≥90% |",
                                             "| 乡村医生对补助发放满意度 | ≥90% |"), where="H2"),
    bad("health_effect_in_lectures", "R29", ("H1", "| 老年人慢性病早期发现人数 | ≥300人 |", "| 开展健康知识讲座 | ≥12次 |"),
        where="H1"),
    bad("health_cost_only_the_amount", "R25", ("H1", "| 人均体检费用 | ≤30元 |", "| 老年人健康体检经费 | 45万元 |"),
        where="H1"),
    bad("health_deadline_next_year", "R26", ("H1", "2025年11月30日前", "2026年3月31日前"), where="H1"),
    bad("health_goal_of_the_other_project", "R23", ("H2", DOCTORS.goal, CHECKUPS.goal.replace("老年人", "村民")),
        where="H2"),
    bad("health_persons_for_person_times", "R27", ("H1", "| 老年人健康体检人次 | ≥15000人次 |",
                                                   "| 老年人健康体检人数 | ≥15000人 |"), where="H1"),
    bad("health_rate_twice", "R12", ("H1", "| 老年人健康档案动态更新率 | ≥80% |", "| 65岁以上老年人体检率 | ≥70% |"),
        where="H1"),
    bad("health_missed_rate_and_count", "R27", ("H1", "| 体检结果反馈率 | =100% |", "| 慢性病漏检率 | ≤0.01% |"),
        ("H1", "| 老年人慢性病早期发现人数 | ≥300人 |", "| 慢性病漏检人数 | ≤50人 |"), where="H1"),
    bad("health_amount_half_the_cost", "R10", ("H2", "项目年度金额: 36", "项目年度金额: 18"), where="H2"),
    bad("implementer_empty", "R01", ("P1", "实施单位: 902001-测试县农业农村局本级", "实施单位:")),
)


def judge(root: Path, v: Variant):
    """The variant's findings by the shipped rules, by stem (the 2025 department only)."""
    from render.review import rules as rl
    from render.review.judge import review
    from render.source import load

    content, problems = load.load(write(root, v), root)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ValueError(f"{v.name}: {errors}")
    rules, _ = rl.load()
    return {r.project.stem: r.findings for d in review(content, rules, lambda p: p.year == YEAR) for r in d.projects}


SERIOUS = ("需修改", "建议修改")


def caught(v: Variant, found) -> bool:
    """The defect found at 需修改 or 建议修改 by one of its rules, in its project."""
    return any(f.rule.id in v.must and f.rule.level in SERIOUS for f in found[STEMS[v.where]])


def alarms(found) -> list:
    """Findings at 需修改 or 建议修改 anywhere (on a correct variant, each is false)."""
    return [f for fs in found.values() for f in fs if f.rule.level in SERIOUS]
