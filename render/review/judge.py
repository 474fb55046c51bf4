"""Turn loaded content and the rules into the finance bureau's findings, project by project."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Callable

from render.review import values
from render.review.costs import Row, costs, rows, span
from render.review.registry import PERCENT, CHECKS, Number, Rule, Rules, check
from render.source import fields
from render.source import model as m


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    rule: Rule
    message: str  # 意见: what was found, with the figures

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule.id} {self.rule.name}: {self.message}（{self.rule.advice}）"


@dataclass(frozen=True)
class ProjectReview:
    project: m.Project
    findings: tuple[Finding, ...]  # most serious first, then in the order of the file

    def count(self, level: str) -> int:
        return sum(f.rule.level == level for f in self.findings)


@dataclass(frozen=True)
class DepartmentReview:
    department: m.Department
    projects: tuple[ProjectReview, ...]

    def count(self, level: str) -> int:
        return sum(p.count(level) for p in self.projects)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for p in self.projects for f in p.findings)


def review(content: m.Content, rules: Rules, chosen: Callable[[m.Project], bool] = lambda p: True
           ) -> tuple[DepartmentReview, ...]:
    """Every chosen project judged by every rule; other projects of a department count for 雷同 only."""
    out = []
    for d in content.departments:
        reviews = []
        for p in d.projects:
            if not chosen(p):
                continue
            found = [Finding(p.source, line, rule, message)
                     for rule in rules.rules for line, message in CHECKS[rule.check].apply(rule, p, d)]
            found.sort(key=lambda f: (f.rule.rank, f.line, f.rule.id))
            reviews.append(ProjectReview(p, tuple(found)))
        if reviews:
            out.append(DepartmentReview(d, tuple(reviews)))
    return tuple(out)


def _table_line(p: m.Project) -> int:
    return p.levels[0].line if p.levels else p.lines.get(fields.GOAL, 1)


def _in_words(filled: list[Row]) -> str:
    """The values that are not numbers, each once, the first six: “有效促进”、“明显改善”等."""
    words = list(dict.fromkeys(r.indicator.value for r in filled if not r.value.quantified))
    return "、".join(f"“{w}”" for w in words[:6]) + ("等" if len(words) > 6 else "")


def _named(row: Row) -> str:
    return f"“{row.indicator.name}”" if row.indicator.name else f"{row.level2} 下的一行"


# ---- the checks: each yields (line, 意见) ----

@check("表头", 栏目=list)
def header(rule: Rule, p: m.Project, d: m.Department):
    for field in rule.param("栏目"):
        if field == fields.GOAL:
            if not "".join(p.goal).strip():
                yield p.lines.get(fields.GOAL, 1), f"{fields.GOAL}是空的"
        elif not str(getattr(p, fields.BY_LABEL[field].attr)).strip():
            yield p.lines.get(field, 1), f"{field}是空的"


@check("空格")
def empty_cells(rule: Rule, p: m.Project, d: m.Department):
    for row in rows(p):
        name, value = row.indicator.name, row.indicator.value
        if not name and not value:
            yield row.indicator.line, f"{row.level2} 下的一行三级指标和绩效值都是空的"
        elif not name:
            yield row.indicator.line, f"{row.level2} 下绩效值为“{value}”的一行没有三级指标"
        elif not value:
            yield row.indicator.line, f"“{name}”的绩效值是空的"


@check("结构", 必有二级=list)
def structure(rule: Rule, p: m.Project, d: m.Department):
    present = {level.label: level for level in p.levels}
    groups = {g.label for level in p.levels for g in level.groups}
    wanted = set(rule.param("必有二级"))
    for l1, l2s in d.scheme.levels:
        if l1 not in present:
            yield _table_line(p), f"缺少一级指标“{l1}”（指标体系“{d.scheme.name}”）"
            continue
        missing = [l2 for l2 in l2s if l2.partition("-")[2] in wanted and l2 not in groups]
        if missing:
            yield present[l1].line, f"“{l1}”下缺少二级指标“{'”“'.join(missing)}”"


@check("量化", 最低比例=PERCENT)
def quantified(rule: Rule, p: m.Project, d: m.Department):
    filled = [r for r in rows(p) if r.value.kind not in ("empty", "none")]  # 无: there is nothing to quantify
    if not filled:
        return
    numbers = sum(r.value.quantified for r in filled)
    share = Decimal(100 * numbers) / len(filled)
    least = Decimal(str(rule.param("最低比例")))
    if share < least:
        yield _table_line(p), (f"{len(filled)} 项指标中带单位的数值或日期 {numbers} 项，占 {share:.0f}%，"
                               f"低于 {values.format_number(least)}%；"
                               f"未量化的取值有 {_in_words(filled)}")


@check("产出定量", 二级指标=list)
def output_numbers(rule: Rule, p: m.Project, d: m.Department):
    for row in rows(p):
        if row.group in rule.param("二级指标") and row.value.kind in ("words", "none"):
            yield row.indicator.line, f"{row.level2}{_named(row)}的绩效值“{row.indicator.value}”不是数值"


@check("区间")
def ranges(rule: Rule, p: m.Project, d: m.Department):
    for row in rows(p):
        if row.value.kind == "range":
            yield row.indicator.line, f"{_named(row)}的绩效值“{row.indicator.value}”是一个区间，没有目标值"


@check("年份", 无时限用语=list)
def years(rule: Rule, p: m.Project, d: m.Department):
    for row in rows(p):
        if row.value.kind == "year":
            yield row.indicator.line, (f"{row.level2}{_named(row)}的绩效值“{row.indicator.value}”只写了年份，"
                                       f"没有写明年内的完成时限")
        elif row.value.kind == "words" and row.indicator.value.strip() in rule.param("无时限用语"):
            yield row.indicator.line, (f"{row.level2}{_named(row)}的绩效值“{row.indicator.value}”没有写明完成时限")


@check("比较符号", 不查二级=list)
def signs(rule: Rule, p: m.Project, d: m.Department):
    for row in rows(p):
        v = row.value
        # a range has no target to sign: R06's finding, not this one
        if (row.group not in rule.param("不查二级") and v.kind == "number" and v.unit and not v.sign
                and not (v.unit == "%" and v.low == 100)):
            yield row.indicator.line, f"{_named(row)}的绩效值“{row.indicator.value}”没有比较符号（≥、≤ 或 =）"


@check("满意度", 最低=PERCENT, 二级指标=list)
def satisfaction(rule: Rule, p: m.Project, d: m.Department):
    least = Decimal(str(rule.param("最低")))
    for row in rows(p):
        if row.group not in rule.param("二级指标") or row.value.kind == "empty":
            continue
        v = row.value
        if v.kind not in ("number", "range") or v.unit != "%":
            yield row.indicator.line, f"{_named(row)}的目标“{row.indicator.value}”不是百分数"
        elif v.low < least:
            yield row.indicator.line, f"{_named(row)}的目标“{row.indicator.value}”低于 {values.format_number(least)}%"


@check("成本", 容差=PERCENT)
def costs_against_amount(rule: Rule, p: m.Project, d: m.Department):
    c = costs(p)
    if not c.terms:
        return
    low, high = sum(t.low for t in c.terms), sum(t.high for t in c.terms)
    amount, slack = p.amount, p.amount * Decimal(str(rule.param("容差"))) / 100
    over, under = low > amount + slack, high < amount - slack and not c.unreckoned
    if not (over or under):
        return
    stated = f"而项目年度金额为 {m.amount_text(amount, p.places)} 万元"
    if len(c.terms) == 1 and not c.unreckoned:
        yield c.terms[0].line, f"{c.terms[0].text}，{stated}"
        return
    parts = "；".join(t.text for t in c.terms)
    total = f"{'已测算的部分至少' if c.unreckoned else '合计'}约 {span(low, high)} 万元"
    if c.total:  # said, so that the clerk sees it was not added a second time
        total += f"（“{c.total.how.split('：')[0]}”为各项之和，未重复计入）"
    yield c.terms[0].line, f"{parts}；{total}，{stated}"


@check("成本测算")
def costs_unreckoned(rule: Rule, p: m.Project, d: m.Department):
    for ind, why in costs(p).unreckoned:
        yield ind.line, f"成本指标“{ind.name}”（{ind.value}）{why}，无法与项目年度金额核对"


@check("重复")
def repeated(rule: Rule, p: m.Project, d: m.Department):
    seen: dict[tuple[str, str], int] = {}
    for row in rows(p):
        name = row.indicator.name
        if not name:
            continue
        for key in ((row.level2, name), ("", name + "\0" + row.indicator.value)):
            if key in seen:
                yield row.indicator.line, f"“{name}”与第 {seen[key]} 行重复"
                break
        else:
            seen[(row.level2, name)] = seen[("", name + "\0" + row.indicator.value)] = row.indicator.line


@check("雷同", 最短字数=Number(1, 200, "字", whole=True))
def copied(rule: Rule, p: m.Project, d: m.Department):
    shortest = rule.param("最短字数")
    elsewhere: dict[str, list[str]] = {}
    for other in d.projects:
        if other is not p:
            for row in rows(other):
                elsewhere.setdefault(row.indicator.name, []).append(other.stem)
    for row in rows(p):
        name = row.indicator.name
        if len(name) >= shortest and name in elsewhere:
            others = "、".join(dict.fromkeys(elsewhere[name]))
            yield row.indicator.line, f"三级指标“{name}”与 {others} 中的相同"





# ---- what a value is, against where it stands and what the goal says ----

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
            value = f"{row.level2}{_named(row)}的绩效值“{row.indicator.value}”"
            # ≤2次 投诉, =0起 事故: a limit on what goes wrong is a quality; ≥40人 is an output
            limit = row.value.sign in ("≤", "<") or row.value.low == 0
            if what and what not in allowed and not (key == "质量二级" and what == "数量" and limit):
                yield row.indicator.line, f"{value}是{what}，不是{expected}"
            elif (key == "时效二级" and what not in ("时长", "比率")  # 平均办结天数 ≤5天 is a time
                  and row.indicator.name.endswith(tuple(rule.param("计数名称结尾")))):
                yield row.indicator.line, f"{row.level2}{_named(row)}是一个数量，不是{expected}"


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
                both = m.amount_text(p.amount + other.amount, p.places)
                rate = t.yearly.quantize(Decimal(1), ROUND_HALF_UP)
                yield t.line, (f"“{c.indicator.name}”{c.indicator.value}与 {other.stem} 的“{u.count.indicator.name}”"
                               f"{u.count.indicator.value}按同一标准（约 {rate} 元/{c.value.unit}/年）测算成本，"
                               f"一年为 {span(t.low, t.high)} 万元；两个项目的年度金额合计 {both} 万元（{amounts}）："
                               f"同一批人员可能在两个项目中重复列支")
                break


@check("效益量化", 一级指标=list, 最低比例=PERCENT)
def effects_in_words(rule: Rule, p: m.Project, d: m.Department):
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
                           f"低于 {values.format_number(least)}%；其余写的是 {_in_words(filled)}")


# What a project's name lists: 普法宣传教育经费、人民调解“以案定补”等专项经费 is two things.
_NAME_PARTS = re.compile(r"[、，,和及与]")
# In a name, what names no thing: a year, an amount, brackets and quotes.
_NAME_NOISE = re.compile(r"(19|20)\d{2}\s*年度?|\d+(?:\.\d+)?\s*万?元|[“”\"'‘’()（）]")


@check("名称无指标", 泛词=list, 最低重合比例=PERCENT)
def name_without_indicator(rule: Rule, p: m.Project, d: m.Department):
    names = [set(r.indicator.name) for r in rows(p) if r.indicator.name]
    least = Decimal(str(rule.param("最低重合比例")))
    for part in _NAME_PARTS.split(_NAME_NOISE.sub("", unicodedata.normalize("NFKC", p.name))):
        core = part
        for word in sorted(rule.param("泛词"), key=len, reverse=True):
            core = core.replace(word, "")
        if len(core) < 2 or not names:
            continue
        # characters, not a run: 政府长聘人员 is said by 政府聘用人员
        best = max(Decimal(100 * len(set(core) & n)) / len(set(core)) for n in names)
        if best < least:
            yield p.lines.get("项目名称", 1), f"项目名称中的“{core}”没有一项三级指标说到"
