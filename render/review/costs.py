"""Turn a project's indicators into what its 成本指标 come to in 万元: an amount as written, or a rate times
its 数量指标 and the 项目期限, saying how, to be set against the project's amount."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterator

from render.review import values, words
from render.review.values import Value
from render.source import model as m

CENT = Decimal("0.01")


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


def rows(p: m.Project) -> Iterator[Row]:
    for level in p.levels:
        for group in level.groups:
            for ind in group.indicators:
                yield Row(level.label, group.label, ind, values.parse(ind.value))


@dataclass(frozen=True)
class Term:
    """One 成本指标 reckoned in 万元, saying how."""

    line: int
    how: str  # 每人每月生活补助：20 人 × 4583.33 元/人/月 × 12 个月
    low: Decimal
    high: Decimal
    reckoned: bool  # multiplied out; False: an amount as written
    count: Row | None = None  # the 数量指标 a rate was multiplied by
    yearly: Decimal | None = None  # a rate's 元 per unit of that count for one year (55000 for 元/人/年)

    @property
    def text(self) -> str:
        return f"{self.how} {about(self.low, self.high)} 万元" if self.reckoned else self.how


@dataclass(frozen=True)
class Costs:
    terms: tuple[Term, ...]  # the parts: a line that is the sum of the others is the total, not among them
    unreckoned: tuple[tuple[m.Indicator, str], ...]  # the cost lines that could not be reckoned, and why
    total: Term | None = None  # the line that is the sum of the parts (项目总成本, 合计), when there is one


def costs(p: m.Project) -> Costs:
    """Each 成本指标 in 万元: an amount as written, or a rate times its 数量指标 and the 项目期限 (a year of it:
    the amount it is set against is the 年度金额)."""
    all_rows = list(rows(p))
    counts = [r for r in all_rows if "数量" in r.group and r.value.kind in ("number", "range") and r.value.unit]
    term = values.parse(p.term)
    terms, unreckoned = [], []
    for r in all_rows:
        # 无 is no cost: where the scheme's cost groups allow none, R05 judges whether this one may say so
        if "成本" not in r.group or r.value.kind in ("empty", "none"):
            continue
        v, ind = r.value, r.indicator
        if v.kind not in ("number", "range") or v.money is None:
            unreckoned.append((ind, "不是金额"))
            continue
        per = v.per
        # 元/年 under 每人每年…: per person whatever the money; a bare amount only in 元 (万元 is a total)
        named = _rate_word(ind.name) if v.money == 1 or per else None
        if not [x for x in per if x not in values.TIME] and named is not None:
            # 人均培训成本 ≤500元, 每人每年生活补助 55000元/年: per person, the name says
            per = (named[1],) + per
        if not per:
            terms.append(Term(ind.line, f"{ind.name}：{_written(v)}", *_wan(v.low, v.high, v.money), False))
            continue
        nouns = [x for x in per if x not in values.TIME]
        if len(nouns) > 1:
            unreckoned.append((ind, f"按“{'/'.join(nouns)}”计，不知乘以哪一项数量"))
            continue
        factors: list[tuple[Decimal, Decimal, str]] = []
        count = None
        if nouns:
            count, why = _count_for(ind, nouns[0], counts)
            if count is None:
                unreckoned.append((ind, why))
                continue
            c = count.value
            factors.append((c.low, c.high, f"{c.sign}{c.amount_text} {c.unit}"))
        months = _months(term)
        year = Decimal(1)  # the rate's 元 per count over one year
        for noun in (x for x in per if x in values.TIME):
            if months is None:
                unreckoned.append((ind, f"按“{noun}”计，而项目期限“{p.term}”读不出月数"))
                break
            year = 12 / values.TIME[noun]
            n = min(months, 12) / values.TIME[noun]
            said = f"{values.format_number(n)} {'个月' if noun == '月' else '年'}"
            if months > 12:
                said += f"（项目期限 {p.term}，按一年计）"
            factors.append((n, n, said))
        else:
            low, high = v.low, v.high
            for a, b, _ in factors:
                low, high = low * a, high * b
            rate = f"{v.amount_text} {v.unit}" + (f"（三级指标为{named[0]}）" if per != v.per else "")
            how = " × ".join([factors[0][2], rate] + [f[2] for f in factors[1:]]) if nouns else \
                " × ".join([rate] + [f[2] for f in factors])
            terms.append(Term(ind.line, f"{ind.name}：{how}", *_wan(low, high, v.money), True, count,
                              v.low * v.money * year if nouns else None))
    total = _total(terms)
    if total:
        terms.remove(total)
    return Costs(tuple(terms), tuple(unreckoned), total)


# A line named so is the total of the others when it equals their sum; without the name, only when it is one
# of three or more (two equal parts are two parts).
_TOTAL_NAMES = ("合计", "总计", "小计", "总成本", "总费用", "总额", "总金额")


def _rate_word(name: str) -> tuple[str, str] | None:
    """A 成本 line in 元 whose 三级指标 says it is a rate (人均培训成本): the word, and what it is per. 单位成本
    is read in words, not as a string: 单位培训成本 and 培训单位成本 are the same rate."""
    found = next(((word, noun) for word, noun in values.RATE_WORDS.items() if word in name), None)
    if found is None:
        said = words.cut(name)
        if "单位" in said and any(w in said for w in _COST_WORDS):
            return "单位成本", ""
    return found


# What names a cost: 单位 beside one of these makes the line a 单位成本.
_COST_WORDS = ("成本", "费用", "单价", "标准")


def _total(terms: list[Term]) -> Term | None:
    """The line that is the sum of all the others (项目总成本 beside its parts), or None."""
    def named(t: Term) -> bool:
        return any(w in t.how.split("：")[0] for w in _TOTAL_NAMES)

    near = Decimal("0.005")  # 万元: what rounds to the same figure as printed
    for t in sorted(terms, key=lambda t: not named(t)):
        rest = [o for o in terms if o is not t]
        if (named(t) and rest or len(rest) >= 2) and abs(sum(o.low for o in rest) - t.low) <= near \
                and abs(sum(o.high for o in rest) - t.high) <= near:
            return t
    return None


def _count_for(ind: m.Indicator, noun: str, counts: list[Row]) -> tuple[Row | None, str]:
    """The 数量指标 a rate per `noun` multiplies: the one of the same name (人 and 人次 pair there), else
    the only one counted in that very unit, else the only one in 人 or 人次 for a rate per the other; for a
    单位成本 (noun ""), the project's only count."""
    if not noun:
        # 单位培训成本 with 培训人次 among three counts: the one that shares its words
        near = [r for r in counts if words.meaningful(ind.name) & words.meaningful(r.indicator.name)]
        if len(near) > 1:  # 培训期数 beside 培训人次: a cost per unit is per head unless it says otherwise
            near = [r for r in near if r.value.unit in ("人", "人次")]
        if len(counts) == 1 or len(near) == 1:
            return (counts if len(counts) == 1 else near)[0], ""
        return None, f"是单位成本，而数量指标有 {len(counts)} 项，不知对应哪一项"
    same_name = [r for r in counts if r.indicator.name == ind.name and (noun in r.value.unit or r.value.unit in noun)]
    if same_name:
        return same_name[0], ""
    same_unit = [r for r in counts if r.value.unit == noun]
    if not same_unit and noun in ("人", "人次"):
        same_unit = [r for r in counts if r.value.unit in ("人", "人次")]
    if len(same_unit) == 1:
        return same_unit[0], ""
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


def span(low: Decimal, high: Decimal) -> str:
    a, b = low.quantize(CENT, ROUND_HALF_UP), high.quantize(CENT, ROUND_HALF_UP)
    return f"{a}" if a == b else f"{a}–{b}"


def about(low: Decimal, high: Decimal) -> str:
    exact = low == low.quantize(CENT) and high == high.quantize(CENT)
    return f"{'=' if exact else '≈'} {span(low, high)}"
