"""Turn what each value is, where it stands and what the goal says into findings (R14–R22's checks)."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from render.review import values
from render.review.costs import costs, rows, span
from render.review.judge import in_words, named
from render.review.registry import PERCENT, Number, Rule, check
from render.source import fields
from render.source import model as m


def _what(v: values.Value, rates: tuple[str, ...], spans: tuple[str, ...]) -> str | None:
    """What a value is: 日期, 金额, 比率, 时长 or 数量 (a count); None for words or a number without a unit."""
    if v.kind in ("date", "year"):
        return "日期"
    if v.kind not in ("number", "range") or not v.unit:
        return None
    if v.money is not None:
        return "金额"
    return "比率" if v.base in rates else "时长" if v.base in spans else "数量"


@check("归类", 数量二级=list, 质量二级=list, 时效二级=list, 成本二级=list, 比率单位=list, 时长单位=list,
       计数名称结尾=list)
def misfiled(rule: Rule, p: m.Project, d: m.Department):
    # what each 二级 may hold; what else its values are is said
    wanted = (("数量二级", "数量", ("数量", "时长")), ("质量二级", "比率或等级", ("比率",)),
              ("时效二级", "日期或时限", ("日期", "时长", "比率")), ("成本二级", "金额", ("金额", "比率")))
    for row in rows(p):
        for key, expected, allowed in wanted:
            if row.group not in rule.param(key):
                continue
            what = _what(row.value, rule.param("比率单位"), rule.param("时长单位"))
            value = f"{row.level2}{named(row)}的绩效值“{row.indicator.value}”"
            # ≤2次 投诉, =0起 事故: a limit on what goes wrong is a quality; ≥40人 is an output
            limit = row.value.sign in ("≤", "<") or row.value.low == 0
            if what and what not in allowed and not (key == "质量二级" and what == "数量" and limit):
                yield row.indicator.line, f"{value}是{what}，不是{expected}"
            elif (key == "时效二级" and what not in ("时长", "比率")  # 平均办结天数 ≤5天 is a time
                  and row.indicator.name.endswith(tuple(rule.param("计数名称结尾")))):
                yield row.indicator.line, f"{row.level2}{named(row)}是一个数量，不是{expected}"


@check("生态", 二级指标=list, 生态用语=list)
def not_ecological(rule: Rule, p: m.Project, d: m.Department):
    for row in rows(p):
        said = row.indicator.name + row.indicator.value
        if (row.group not in rule.param("二级指标") or not row.indicator.name or row.value.kind == "none"
                or row.indicator.name.strip() in values.NONE):
            continue
        if not any(word in said for word in rule.param("生态用语")):
            yield row.indicator.line, f"{row.level2}“{row.indicator.name}”说的不是生态环境方面的效益"


@lru_cache(maxsize=4096)  # a goal's clause is set against every indicator, once per number in it
def _shared(a: str, b: str) -> int:
    """How many characters the longest run the two texts share has."""
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] not in b:
                break
            best = j - i
    return best


# A number and what follows it: the unit a pattern of its own names.
_NUMBER_THEN = r"(\d+(?:\.\d+)?)\s*"
# A sentence of the goal: numbers are matched to indicators within it, not across.
_CLAUSES = re.compile(r"[^，,。；;：:！!？?\n]+")
# 名 counts people as 人 does in a goal: 20名司法协理员 is the indicator's 20人.
_SAME_UNIT = {"名": "人"}


def _goal_numbers(p: m.Project, units: set[str]):
    """Each number of the 年度总体绩效目标 with one of these units: (clause, number, unit as the table says it)."""
    text = unicodedata.normalize("NFKC", "".join(p.goal))
    spelled = sorted(units | {w for w, u in _SAME_UNIT.items() if u in units}, key=len, reverse=True)
    if not spelled:
        return
    # 100人次 is not 100人 followed by 次, nor 4583元/人 a 4583元
    pattern = re.compile(_NUMBER_THEN + "(" + "|".join(map(re.escape, spelled)) + ")(?![次/每])")
    for clause in _CLAUSES.findall(text):
        for found in pattern.finditer(clause):
            yield clause.strip(), Decimal(found.group(1)), _SAME_UNIT.get(found.group(2), found.group(2))


@check("目标数值", 最短相同字数=Number(2, 50, "字", whole=True))
def goal_numbers(rule: Rule, p: m.Project, d: m.Department):
    least = int(rule.param("最短相同字数"))
    numbered = [r for r in rows(p) if r.value.kind in ("number", "range") and r.value.unit
                and r.value.base not in ("年", "月", "日")]
    for clause, n, unit in _goal_numbers(p, {r.value.unit for r in numbered}):
        alike = [(_shared(clause, r.indicator.name), r) for r in numbered if r.value.unit == unit]
        shared, row = max(alike, key=lambda a: a[0], default=(0, None))
        if row is None or shared < least or row.value.low <= n <= row.value.high:
            continue
        yield row.indicator.line, (f"年度总体绩效目标写“{clause}”（{values.format_number(n)}{unit}），"
                                   f"而{row.level2}“{row.indicator.name}”的绩效值为“{row.indicator.value}”")


@check("名称含值", 单位=list)
def value_in_name(rule: Rule, p: m.Project, d: m.Department):
    units = sorted(rule.param("单位"), key=len, reverse=True)
    pattern = re.compile(_NUMBER_THEN + "(" + "|".join(map(re.escape, units)) + ")")
    for row in rows(p):
        found = pattern.search(unicodedata.normalize("NFKC", row.indicator.name))
        if found and row.value.kind == "words":
            yield row.indicator.line, (f"三级指标“{row.indicator.name}”中写有“{found.group(0)}”，"
                                       f"绩效值却是“{row.indicator.value}”")


def _goal(p: m.Project) -> str:
    return re.sub(r"\s+", "", "".join(p.goal))


@check("目标字数", 最短字数=Number(1, 200, "字", whole=True))
def short_goal(rule: Rule, p: m.Project, d: m.Department):
    goal, least = _goal(p), int(rule.param("最短字数"))
    if goal and len(goal) < least:  # an empty one is R01's
        yield p.lines.get(fields.GOAL, 1), f"年度总体绩效目标只有 {len(goal)} 字（“{goal}”），少于 {least} 字"


# A year (2025年) and a goal's own number (目标1：) say no quantity.
_NOT_QUANTITY = re.compile(r"(19|20)\d{2}\s*年度?|目标\s*\d+|第\s*\d+")


@check("目标量化")
def unquantified_goal(rule: Rule, p: m.Project, d: m.Department):
    goal = _goal(p)
    if goal and not re.search(r"\d", _NOT_QUANTITY.sub("", unicodedata.normalize("NFKC", goal))):
        yield p.lines.get(fields.GOAL, 1), "年度总体绩效目标中没有数量、比率或金额（年份和目标序号不算）"


@check("重复列支", 容差=PERCENT, 最短相同字数=Number(2, 50, "字", whole=True))
def priced_twice(rule: Rule, p: m.Project, d: m.Department):
    slack, least = Decimal(str(rule.param("容差"))) / 100, int(rule.param("最短相同字数"))
    mine = [t for t in costs(p).terms if t.count and t.yearly]
    if not mine:
        return
    for other in d.projects:
        if other is p:
            continue
        theirs = costs(other).terms
        for t in mine:
            c = t.count
            for u in theirs:
                if not (u.count and u.yearly and u.count.value.unit == c.value.unit
                        and u.count.value.low == c.value.low
                        and _shared(u.count.indicator.name, c.indicator.name) >= least
                        and abs(u.yearly - t.yearly) <= slack * t.yearly):
                    continue
                amounts = f"{m.amount_text(p.amount, p.places)} + {m.amount_text(other.amount, other.places)}"
                total = p.amount + other.amount
                rate = t.yearly.quantize(Decimal(1), ROUND_HALF_UP)
                yield t.line, (f"“{c.indicator.name}”{c.indicator.value}与 {other.stem} 的“{u.count.indicator.name}”"
                               f"{u.count.indicator.value}按同一标准（约 {rate} 元/{c.value.unit}/年）测算成本，"
                               f"一年为 {span(t.low, t.high)} 万元；两个项目的年度金额合计 "
                               f"{m.amount_text(total, p.places)} 万元（{amounts}）：{_shown(total, t, slack)}")
                break


def _shown(total: Decimal, t, slack: Decimal) -> str:
    """What the two amounts against one year's cost show: the cost split between the projects, each costing
    it whole; or paid twice."""
    if total <= t.high * (1 + slack):
        return (f"{'不足' if total < t.low * (1 - slack) else '约等于'}一年的成本，像是同一批人员的费用分由两个项目负担，"
                f"而两个项目的成本指标都按全额测算")
    if total >= 2 * t.low * (1 - slack):
        return "够付两遍，同一批人员可能在两个项目中重复列支"
    return "多于一年的成本而不足两遍，同一批人员的费用可能部分重复列支"


@check("效益量化", 一级指标=list, 最低比例=PERCENT)
def effectsin_words(rule: Rule, p: m.Project, d: m.Department):
    least = Decimal(str(rule.param("最低比例")))
    for level in p.levels:
        if level.label.partition("-")[2] not in rule.param("一级指标"):
            continue
        filled = [r for r in rows(p) if r.level1 == level.label and r.value.kind not in ("empty", "none")]
        numbers = sum(r.value.quantified for r in filled)
        if not filled or 100 * numbers >= least * len(filled):
            continue
        share = Decimal(100 * numbers) / len(filled)
        yield level.line, (f"{level.label} {len(filled)} 项中带单位的数值 {numbers} 项，占 {share:.0f}%，"
                           f"低于 {values.format_number(least)}%；其余写的是 {in_words(filled)}")


# What a project's name lists: 普法宣传教育经费、人民调解“以案定补”等专项经费 is two things.
_NAME_PARTS = re.compile(r"[、，,和及与]")
# In a name, what names no thing: a year, an amount, brackets and quotes.
_NAME_NOISE = re.compile(r"(19|20)\d{2}\s*年度?|\d+(?:\.\d+)?\s*万?元|[“”\"'‘’()（）]")


@check("名称无指标", 泛词=list, 最低重合比例=PERCENT)
def name_without_indicator(rule: Rule, p: m.Project, d: m.Department):
    names = [set(r.indicator.name) for r in rows(p) if r.indicator.name]
    least = Decimal(str(rule.param("最低重合比例")))
    parts = _NAME_PARTS.split(_NAME_NOISE.sub("", unicodedata.normalize("NFKC", p.name)))
    if len(parts) < 2:  # a name of one thing (农村人居环境整治经费) is what all its indicators are about
        return
    for part in parts:
        core = part
        for word in sorted(rule.param("泛词"), key=len, reverse=True):
            core = core.replace(word, "")
        if len(core) < 2 or not names:
            continue
        # characters, not a run: 政府长聘人员 is said by 政府聘用人员
        best = max(Decimal(100 * len(set(core) & n)) / len(set(core)) for n in names)
        if best < least:
            yield p.lines.get("项目名称", 1), f"项目名称中的“{core}”没有一项三级指标说到"
