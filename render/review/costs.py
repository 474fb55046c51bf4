"""Turn a project's indicators into what its 成本指标 come to in 万元: an amount as written, or a rate times
its 数量指标 and the 项目期限, saying how, to be set against the project's amount."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterator

from render.review import values
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

    @property
    def text(self) -> str:
        return f"{self.how} {about(self.low, self.high)} 万元" if self.reckoned else self.how


@dataclass(frozen=True)
class Costs:
    terms: tuple[Term, ...]
    unreckoned: tuple[tuple[m.Indicator, str], ...]  # the cost lines that could not be reckoned, and why


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


def span(low: Decimal, high: Decimal) -> str:
    a, b = low.quantize(CENT, ROUND_HALF_UP), high.quantize(CENT, ROUND_HALF_UP)
    return f"{a}" if a == b else f"{a}–{b}"


def about(low: Decimal, high: Decimal) -> str:
    exact = low == low.quantize(CENT) and high == high.quantize(CENT)
    return f"{'=' if exact else '≈'} {span(low, high)}"
