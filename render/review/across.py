"""Turn rows read together, within a table and across the department's tables, into findings: goals copied or
unrelated, costs that restate the amount, deadlines outside the period, figures that contradict each other,
satisfaction asked of the people paid, effects that are outputs (R23–R30's checks)."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from difflib import SequenceMatcher

from render.review import values, words
from render.review.costs import Row, costs, rows
from render.review.judge import named
from render.review.registry import PERCENT, Number, Rule, check
from render.source import fields
from render.source import model as m


def _goal(p: m.Project, normal: bool = True) -> str:
    """The goal without blanks; NFKC'd for reading, as written for quoting back."""
    text = "".join(p.goal)
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text) if normal else text)


def _run(a: str, b: str) -> str:
    """The longest run of characters the two texts share."""
    match = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return a[match.a:match.a + match.size]


@check("目标雷同", years=True, 最短相同字数=Number(4, 200, "字", whole=True), 最低占比=PERCENT, 相似度=PERCENT)
def copied_goal(rule: Rule, p: m.Project, d: m.Department, years: tuple[m.Department, ...]):
    """A goal most of which is another project's (of the department, or of its table of an earlier year):
    one long run of it, or the whole with a few words changed."""
    mine, least = _goal(p, normal=False), int(rule.param("最短相同字数"))
    share, alike = Decimal(str(rule.param("最低占比"))), rule.param("相似度") / 100
    if not mine:
        return
    others = [(o, "") for o in d.projects if o is not p] + [(o, f"{y.year}年") for y in years for o in y.projects]
    for other, year in others:
        theirs = _goal(other, normal=False)
        run = _run(mine, theirs)
        where = f"{year}的“{other.name}”" if year else other.stem
        if len(run) >= least and 100 * len(run) >= share * len(mine):
            yield p.lines.get(fields.GOAL, 1), (f"年度总体绩效目标 {len(mine)} 字中有 {len(run)} 字（“{run}”）"
                                                 f"与 {where} 的总体目标相同")
            return
        ratio = SequenceMatcher(None, mine, theirs, autojunk=False).ratio() if theirs else 0
        if len(mine) >= least and ratio >= alike:
            yield p.lines.get(fields.GOAL, 1), (f"年度总体绩效目标与 {where} 的总体目标只差几个字"
                                                 f"（{100 * ratio:.0f}% 相同）")
            return


# A goal's parts: its sentences and clauses, without 目标1： before them.
_GOAL_PARTS = re.compile(r"[，,。；;！!？?\n]|目标\s*\d+\s*[：:]?")


@check("目标无关", 最低比例=PERCENT)
def unrelated_goal(rule: Rule, p: m.Project, d: m.Department):
    """A goal most of whose clauses share no word with any indicator of the table."""
    said = set().union(*(words.meaningful(r.indicator.name) for r in rows(p)), words.meaningful(p.name))
    parts = [c for c in _GOAL_PARTS.split(_goal(p)) if len(words.meaningful(c)) >= 2]
    alone = [c for c in parts if not words.meaningful(c) & said]
    if parts and 100 * len(alone) > Decimal(str(rule.param("最低比例"))) * len(parts):
        yield p.lines.get(fields.GOAL, 1), (f"年度总体绩效目标 {len(parts)} 处内容中有 {len(alone)} 处没有一项三级指标"
                                             f"说到：{'、'.join(f'“{c}”' for c in alone[:4])}")


@check("成本即金额", 成本二级=list)
def cost_is_amount(rule: Rule, p: m.Project, d: m.Department):
    """The only 成本指标 is the project's amount written again: it says nothing of what a unit costs."""
    lines = [r for r in rows(p) if r.group in rule.param("成本二级") and r.value.kind not in ("empty", "none")]
    c = costs(p)
    if len(lines) != 1 or len(c.terms) != 1 or c.terms[0].reckoned:
        return
    t = c.terms[0]
    if t.low == t.high and abs(t.low - p.amount) < Decimal("0.005"):
        yield t.line, (f"成本指标{named(lines[0])}“{lines[0].indicator.value}”就是项目年度金额"
                       f"（{m.amount_text(p.amount, p.places)} 万元），没有说明单价、标准或构成")


_A_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_NEXT_YEAR = ("次年", "明年", "下一年", "下年度", "跨年")


def _years(p: m.Project) -> int | None:
    """The 项目期限 in whole years, a part year as a year; None when it reads as no duration."""
    term = values.parse(p.term)
    if term.kind != "number" or term.low is None:
        return None
    months = {"年": term.low * 12, "个月": term.low, "月": term.low}.get(term.unit)
    return None if months is None else max(1, int(-(-months // 12)))


@check("期限", 时效二级=list, 可持续二级=list)
def outside_period(rule: Rule, p: m.Project, d: m.Department):
    """A year in a 时效 value, or in a 三级指标, outside the budget year and the years of 项目期限 after it;
    a project of several years that says nothing of what lasts after it (可持续影响)."""
    span = _years(p)
    if span is None or not d.year.isdigit():
        return
    first, last = int(d.year), int(d.year) + span - 1
    period = f"{first}年" if span == 1 else f"{first}—{last}年"
    lasting = [r for r in rows(p) if r.group in rule.param("可持续二级") and r.value.kind not in ("empty", "none")]
    if span > 1 and not lasting:
        yield p.lines.get("项目期限", 1), (f"项目期限 {p.term}（{period}），却没有填写可持续影响指标："
                                          f"多年的项目应说明期满后能持续的效果")
    for row in rows(p):
        v = row.value
        if row.group in rule.param("时效二级") and v.kind in ("date", "year") and v.low is not None:
            year = int(v.low)
            if not first <= year <= last:
                yield row.indicator.line, (f"{row.level2}{named(row)}的绩效值“{row.indicator.value}”在 {year} 年，"
                                           f"而本表为 {d.year} 年度、项目期限 {p.term}（{period}）")
                continue
        if (span == 1 and row.group in rule.param("时效二级") and v.kind == "words"
                and any(w in row.indicator.value for w in _NEXT_YEAR)):
            yield row.indicator.line, (f"{row.level2}{named(row)}的绩效值“{row.indicator.value}”在下一年，"
                                       f"而项目期限为 {p.term}（{period}）")
            continue
        for found in _A_YEAR.finditer(row.indicator.name):
            if int(found.group(1)) < first:  # a past year in a name: last year's table copied
                yield row.indicator.line, (f"三级指标“{row.indicator.name}”写的是 {found.group(1)} 年，"
                                           f"而本表为 {d.year} 年度")
                break


# A count of people, cases, events, animals: what a rate of the same thing can be set against.
_COUNTED = ("人", "人次", "名", "户", "件", "起", "次", "头", "只", "个", "家", "所")


def _counted(v: values.Value, low: bool = True) -> Decimal | None:
    """A count in ones (20万头 is 200000), or None for what is no count."""
    if v.kind != "number" or v.low is None:
        return None
    unit, times = (v.unit[1:], 10000) if v.unit.startswith("万") else (v.unit, 1)
    return (v.low if low else v.high) * times if unit in _COUNTED else None


@check("数值矛盾", 最大倍数=Number(1, 10000, "倍"))
def contradicting(rule: Rule, p: m.Project, d: m.Department):
    """A rate and a count of the same thing whose base is far beyond what the table counts (≤0.03% and ≤30人
    say 100000 people); a rate per 人 multiplied by a count in 人次."""
    all_rows = list(rows(p))
    counts = [r for r in all_rows if "数量" in r.group and _counted(r.value) is not None]
    most = max(counts, key=lambda r: _counted(r.value, low=False), default=None)
    rates = [r for r in all_rows if r.value.kind == "number" and r.value.unit == "%" and 0 < r.value.low < 100]
    limits = [r for r in all_rows if (_counted(r.value) or 0) > 0 and "数量" not in r.group]
    times = Decimal(str(rule.param("最大倍数")))
    for rate in rates:
        for count in limits:
            if rate.value.sign != count.value.sign or not _same_thing(rate, count):
                continue
            base = _counted(count.value) * 100 / rate.value.low
            if most is not None and base > _counted(most.value, low=False) * times:
                yield count.indicator.line, (
                    f"{named(rate)}“{rate.indicator.value}”与{named(count)}“{count.indicator.value}”说的是同一件事，"
                    f"两者相合须有约 {values.format_number(base.quantize(Decimal(1)))} {count.value.unit}，"
                    f"而本项目数量指标最多为{named(most)}“{most.indicator.value}”")
    for t in costs(p).terms:
        if t.count is None:
            continue
        per = [x for x in values.parse(_value_of(all_rows, t.line)).per if x not in values.TIME]
        unit = t.count.value.unit
        if per and per[0] in ("人", "人次") and unit in ("人", "人次") and per[0] != unit:
            yield t.line, (f"成本指标按“{per[0]}”计，却乘以按“{unit}”计的{named(t.count)}“{t.count.indicator.value}”："
                           f"一人可有多人次，两者不能相乘")
    for r in all_rows:  # 法律服务人次 ≥40人: the name counts visits, the value people
        said = next((u for u in ("人次", "人数") if r.indicator.name.endswith(u)), None)
        if said and r.value.kind == "number" and r.value.unit in ("人", "人次") and said != {"人": "人数"}.get(
                r.value.unit, r.value.unit):
            yield r.indicator.line, (f"{named(r)}数的是{said}，绩效值“{r.indicator.value}”却以“{r.value.unit}”计："
                                     f"人数与人次不是一回事")
    yield from _goal_units(p, all_rows)


def _value_of(all_rows: list[Row], line: int) -> str:
    return next(r.indicator.value for r in all_rows if r.indicator.line == line)


def _same_thing(a: Row, b: Row) -> bool:
    return bool(words.meaningful(a.indicator.name) & words.meaningful(b.indicator.name))


_GOAL_COUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(人次|人|名)")


def _goal_units(p: m.Project, all_rows: list[Row]):
    """The goal's 100人次 against its indicator's 100人 (and the other way round) for the same thing."""
    for clause in _GOAL_PARTS.split(_goal(p)):
        for found in _GOAL_COUNT.finditer(clause):
            n, unit = Decimal(found.group(1)), "人" if found.group(2) == "名" else found.group(2)
            for r in all_rows:
                v = r.value
                if (v.kind == "number" and v.low == n and v.unit in ("人", "人次") and v.unit != unit
                        and words.meaningful(clause) & words.meaningful(r.indicator.name)):
                    yield r.indicator.line, (f"年度总体绩效目标写“{clause}”（{found.group(0)}），"
                                             f"而{named(r)}写“{r.indicator.value}”：人数与人次不是一回事")


@check("满意度对象", 二级指标=list, 报酬用语=list, 泛称=list, 受助称谓=list)
def asks_the_paid(rule: Rule, p: m.Project, d: m.Department):
    """A 满意度 asked of the people the project pays (协理员对生活补助发放的满意度): they are not its
    服务对象, and their answer says nothing of the service."""
    pay = rule.param("报酬用语")
    paid: set[str] = set()
    for t in costs(p).terms:
        cost_name = t.how.split("：")[0]
        if any(w in cost_name for w in pay):
            paid |= words.meaningful(cost_name)
            if t.count is not None:
                paid |= words.meaningful(t.count.indicator.name)
    generic = set(rule.param("泛称"))
    # people the table counts: paid when the 满意度 asks them about their pay (对经费发放满意度)
    counted = set().union(*(words.meaningful(r.indicator.name) for r in rows(p)
                            if "数量" in r.group and r.value.unit in ("人", "名")))
    for row in rows(p):
        if row.group not in rule.param("二级指标") or not row.indicator.name:
            continue
        name = row.indicator.name
        who = name.split("对")[0] if "对" in name else name.split("满意")[0]
        asked = words.meaningful(who) - generic
        if any(w in who for w in rule.param("受助称谓")):  # aid paid to 困难群众 is paid to its 服务对象
            continue
        about_pay = any(w in name for w in (*pay, "发放"))
        if asked & (paid | (counted if about_pay else set())):
            yield row.indicator.line, (f"{named(row)}问的是“{who}”，而本项目的钱正是付给{who}的：他们不是服务对象，"
                                       f"所答说不出服务的好坏")


@check("效益产出", 一级指标=list, 产出用语=list, 产出单位=list, 比率单位=list)
def effect_is_output(rule: Rule, p: m.Project, d: m.Department):
    """A 效益 row that counts what was done (完成培训课程 ≥10期), or repeats a 数量指标: an output."""
    all_rows = list(rows(p))
    outputs = [r for r in all_rows if "数量" in r.group and r.indicator.name]
    for row in all_rows:
        v = row.value
        if (row.level1.partition("-")[2] not in rule.param("一级指标") or v.kind != "number" or not v.unit
                or v.base in rule.param("比率单位") or v.money is not None):
            continue
        name = row.indicator.name
        same = next((o for o in outputs if o.value.unit == v.unit and words.alike(o.indicator.name, name) >= 0.6),
                    None)
        # 10期, 20场: sessions are what is done; a limit on what goes wrong (=0次 疫情) is an effect
        sessions = v.base in rule.param("产出单位") and v.sign not in ("≤", "<") and v.low > 0
        if name.startswith(tuple(rule.param("产出用语"))) or same or sessions:
            also = f"，与数量指标{named(same)}相同" if same else ""
            yield row.indicator.line, (f"{row.level2}{named(row)}“{row.indicator.value}”是做了多少，不是带来的效益"
                                       f"{also}")


@check("满意度目标", 二级指标=list)
def satisfaction_without_target(rule: Rule, p: m.Project, d: m.Department):
    for row in rows(p):
        if row.group in rule.param("二级指标") and row.value.kind in ("words", "none", "year"):
            yield row.indicator.line, f"{named(row)}的绩效值“{row.indicator.value}”不是目标值（应为百分数，如“≥90%”）"
