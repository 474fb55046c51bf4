"""Turn loaded content and the rules into the finance bureau's findings, project by project."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable, Iterator

from render.review import values
from render.review.rules import Rule, Rules
from render.review.values import Value
from render.source import fields
from render.source import model as m

CENT = Decimal("0.01")


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


@dataclass(frozen=True)
class Row:
    """One 三级指标 with its groups and its value read."""

    level1: str
    level2: str
    indicator: m.Indicator
    value: Value

    @property
    def group(self) -> str:
        """The 二级's name without its code: 数量指标 of 11-数量指标, the same in every scheme."""
        return self.level2.partition("-")[2]


@dataclass(frozen=True)
class Term:
    """One 成本指标 reckoned in 万元, saying how."""

    line: int
    how: str  # 每人每月生活补助：20 人 × 4583.33 元/人/月 × 12 个月
    low: Decimal
    high: Decimal
    reckoned: bool  # multiplied out; False: an amount as written

    @property
    def text(self) -> str:
        return f"{self.how} {_about(self.low, self.high)} 万元" if self.reckoned else self.how


@dataclass(frozen=True)
class Costs:
    terms: tuple[Term, ...]
    unreckoned: tuple[tuple[m.Indicator, str], ...]  # the cost lines that could not be reckoned, and why


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
                     for rule in rules.rules for line, message in CHECKS[rule.check](rule, p, d)]
            found.sort(key=lambda f: (f.rule.rank, f.line, f.rule.id))
            reviews.append(ProjectReview(p, tuple(found)))
        if reviews:
            out.append(DepartmentReview(d, tuple(reviews)))
    return tuple(out)


def rows(p: m.Project) -> Iterator[Row]:
    for level in p.levels:
        for group in level.groups:
            for ind in group.indicators:
                yield Row(level.label, group.label, ind, values.parse(ind.value))


def _table_line(p: m.Project) -> int:
    return p.levels[0].line if p.levels else p.lines.get(fields.GOAL, 1)


def _named(row: Row) -> str:
    return f"“{row.indicator.name}”" if row.indicator.name else f"{row.level2} 下的一行"


# ---- the checks: each yields (line, 意见) ----

def header(rule: Rule, p: m.Project, d: m.Department):
    for field in rule.param("栏目"):
        if field == fields.GOAL:
            if not "".join(p.goal).strip():
                yield p.lines.get(fields.GOAL, 1), f"{fields.GOAL}是空的"
        elif not str(getattr(p, fields.BY_LABEL[field].attr)).strip():
            yield p.lines.get(field, 1), f"{field}是空的"


def empty_cells(rule: Rule, p: m.Project, d: m.Department):
    for row in rows(p):
        name, value = row.indicator.name, row.indicator.value
        if not name and not value:
            yield row.indicator.line, f"{row.level2} 下的一行三级指标和绩效值都是空的"
        elif not name:
            yield row.indicator.line, f"{row.level2} 下绩效值为“{value}”的一行没有三级指标"
        elif not value:
            yield row.indicator.line, f"“{name}”的绩效值是空的"


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


def quantified(rule: Rule, p: m.Project, d: m.Department):
    filled = [r for r in rows(p) if r.value.kind != "empty"]
    if not filled:
        return
    numbers = sum(r.value.quantified for r in filled)
    share = Decimal(100 * numbers) / len(filled)
    least = Decimal(str(rule.param("最低比例")))
    if share < least:
        words = list(dict.fromkeys(r.indicator.value for r in filled if not r.value.quantified))
        shown = "、".join(f"“{w}”" for w in words[:6]) + ("等" if len(words) > 6 else "")
        yield _table_line(p), (f"{len(filled)} 项指标中带单位的数值或日期 {numbers} 项，占 {share:.0f}%，"
                               f"低于 {values.format_number(least)}%；"
                               f"未量化的取值有 {shown}")


def output_numbers(rule: Rule, p: m.Project, d: m.Department):
    for row in rows(p):
        if row.group in rule.param("二级指标") and row.value.kind == "words":
            yield row.indicator.line, f"{row.level2}{_named(row)}的绩效值“{row.indicator.value}”不是数值"


def ranges(rule: Rule, p: m.Project, d: m.Department):
    for row in rows(p):
        if row.value.kind == "range":
            yield row.indicator.line, f"{_named(row)}的绩效值“{row.indicator.value}”是一个区间，没有目标值"


def years(rule: Rule, p: m.Project, d: m.Department):
    for row in rows(p):
        if row.value.kind == "year":
            yield row.indicator.line, (f"{row.level2}{_named(row)}的绩效值“{row.indicator.value}”只写了年份，"
                                       f"没有写明年内的完成时限")


def signs(rule: Rule, p: m.Project, d: m.Department):
    for row in rows(p):
        v = row.value
        # a range has no target to sign: R06's finding, not this one
        if (row.group not in rule.param("不查二级") and v.kind == "number" and v.unit and not v.sign
                and not (v.unit == "%" and v.low == 100)):
            yield row.indicator.line, f"{_named(row)}的绩效值“{row.indicator.value}”没有比较符号（≥、≤ 或 =）"


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
    total = f"{'已测算的部分至少' if c.unreckoned else '合计'}约 {_span(low, high)} 万元"
    yield c.terms[0].line, f"{parts}；{total}，{stated}"


def costs_unreckoned(rule: Rule, p: m.Project, d: m.Department):
    for ind, why in costs(p).unreckoned:
        yield ind.line, f"成本指标“{ind.name}”（{ind.value}）{why}，无法与项目年度金额核对"


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


CHECKS = {"表头": header, "空格": empty_cells, "结构": structure, "量化": quantified, "产出定量": output_numbers,
          "区间": ranges, "年份": years, "比较符号": signs, "满意度": satisfaction, "成本": costs_against_amount,
          "成本测算": costs_unreckoned, "重复": repeated, "雷同": copied}


# ---- 成本指标 reckoned against the amount ----

def costs(p: m.Project) -> Costs:
    """Each 成本指标 in 万元: an amount as written, or a rate times its 数量指标 and the 项目期限."""
    all_rows = list(rows(p))
    counts = [r for r in all_rows if "数量" in r.group and r.value.kind in ("number", "range") and r.value.unit]
    term = values.parse(p.term)
    terms, unreckoned = [], []
    for r in all_rows:
        if "成本" not in r.group or r.value.kind == "empty":
            continue
        v, ind = r.value, r.indicator
        if v.kind not in ("number", "range") or v.money is None:
            unreckoned.append((ind, "不是金额"))
            continue
        if not v.per:
            terms.append(Term(ind.line, f"{ind.name}：{_written(v)}", *_wan(v.low, v.high, v.money), False))
            continue
        nouns = [x for x in v.per if x not in values.TIME]
        implied = not nouns and any(w in ind.name for w in ("每人", "人均"))
        if implied:
            nouns = ["人"]  # 55000元/年 for 每人每年生活补助: per person, the name says
        if len(nouns) > 1:
            unreckoned.append((ind, f"按“{'/'.join(nouns)}”计，不知乘以哪一项数量"))
            continue
        factors: list[tuple[Decimal, Decimal, str]] = []
        if nouns:
            count, why = _count_for(ind, nouns[0], counts)
            if count is None:
                unreckoned.append((ind, why))
                continue
            factors.append((count.low, count.high, f"{count.sign}{count.amount_text} {count.unit}"))
        months = _months(term)
        for noun in (x for x in v.per if x in values.TIME):
            if months is None:
                unreckoned.append((ind, f"按“{noun}”计，而项目期限“{p.term}”读不出月数"))
                break
            n = months / values.TIME[noun]
            factors.append((n, n, f"{values.format_number(n)} {'个月' if noun == '月' else '年'}"))
        else:
            low, high = v.low, v.high
            for a, b, _ in factors:
                low, high = low * a, high * b
            rate = f"{v.amount_text} {v.unit}" + ("（三级指标为每人）" if implied else "")
            how = " × ".join([factors[0][2], rate] + [f[2] for f in factors[1:]]) if nouns else \
                " × ".join([rate] + [f[2] for f in factors])
            terms.append(Term(ind.line, f"{ind.name}：{how}", *_wan(low, high, v.money), True))
    return Costs(tuple(terms), tuple(unreckoned))


def _count_for(ind: m.Indicator, noun: str, counts: list[Row]) -> tuple[Value | None, str]:
    """The 数量指标 a rate per `noun` multiplies: the one of the same name (人 and 人次 pair there), else
    the only one counted in that very unit."""
    same_name = [r for r in counts if r.indicator.name == ind.name and (noun in r.value.unit or r.value.unit in noun)]
    if same_name:
        return same_name[0].value, ""
    same_unit = [r for r in counts if r.value.unit == noun]
    if len(same_unit) == 1:
        return same_unit[0].value, ""
    if same_unit:
        names = "、".join(f"“{r.indicator.name}”" for r in same_unit)
        return None, f"有 {len(same_unit)} 项以“{noun}”计的数量指标（{names}），不知对应哪一项"
    return None, f"没有以“{noun}”计的数量指标"


def _months(term: Value) -> Decimal | None:
    if term.kind != "number":
        return None
    return {"年": term.low * 12, "个月": term.low, "月": term.low}.get(term.unit)


def _wan(low: Decimal, high: Decimal, money: Decimal) -> tuple[Decimal, Decimal]:
    return low * money / 10000, high * money / 10000


def _written(v: Value) -> str:
    return f"{v.sign}{v.amount_text} {v.unit}"


def _span(low: Decimal, high: Decimal) -> str:
    a, b = low.quantize(CENT, ROUND_HALF_UP), high.quantize(CENT, ROUND_HALF_UP)
    return f"{a}" if a == b else f"{a}–{b}"


def _about(low: Decimal, high: Decimal) -> str:
    exact = low == low.quantize(CENT) and high == high.quantize(CENT)
    return f"{'=' if exact else '≈'} {_span(low, high)}"
