"""Turn loaded content and the rules into the finance bureau's findings, project by project.

The checks of the form (cells filled, values written as numbers, costs against the amount) are here; those
of what a value means (render/review/meaning.py) register beside them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Callable

from render.review import values, words
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
    # 共性问题: the same finding, word for word, in this many projects, every one of the department's; said
    # and weighed once for the department, not in each project's grade. 0: the project's own.
    shared: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule.id} {self.rule.name}: {self.message}（{self.rule.advice}）"


@dataclass(frozen=True)
class ProjectReview:
    project: m.Project
    findings: tuple[Finding, ...]  # most serious first, then in the order of the file

    def count(self, level: str) -> int:
        """The project's own findings of the level: what its grade is decided by."""
        return sum(f.rule.level == level for f in self.own)

    @property
    def own(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.shared)


@dataclass(frozen=True)
class DepartmentReview:
    department: m.Department
    projects: tuple[ProjectReview, ...]

    def count(self, level: str) -> int:
        """Findings of the level, a 共性问题 once."""
        return sum(p.count(level) for p in self.projects) + sum(f.rule.level == level for f in self.common)

    @property
    def common(self) -> tuple[Finding, ...]:
        """The 共性问题, each once (as the first project has it)."""
        return tuple(f for f in self.projects[0].findings if f.shared) if self.projects else ()

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding once: the 共性问题, then each project's own."""
        return self.common + tuple(f for p in self.projects for f in p.own)


def review(content: m.Content, rules: Rules, chosen: Callable[[m.Project], bool] = lambda p: True
           ) -> tuple[DepartmentReview, ...]:
    """Every chosen project judged by every rule; other projects of a department count for 雷同 only."""
    out = []
    for d in content.departments:
        reviews = []
        # the department's tables of earlier years: what this year's may have been copied from
        years = tuple(o for o in content.departments if o.code == d.code and o.year < d.year)
        for p in d.projects:
            if not chosen(p):
                continue
            found = [Finding(p.source, line, rule, message) for rule in rules.rules
                     for line, message in _apply(CHECKS[rule.check], rule, p, d, years)]
            found.sort(key=lambda f: (f.rule.rank, f.line, f.rule.id))
            reviews.append(ProjectReview(p, tuple(found)))
        if reviews:
            out.append(DepartmentReview(d, _common(reviews, len(d.projects), rules.common)))
    return tuple(out)


def _common(reviews: list[ProjectReview], projects: int, least: int) -> tuple[ProjectReview, ...]:
    """The findings every project of a department reviewed whole has in the same words, marked shared, when
    the department has at least `least` projects (0: never)."""
    if not least or projects < least or len(reviews) != projects:
        return tuple(reviews)
    everywhere = set.intersection(*({(f.rule.id, f.message) for f in r.findings} for r in reviews))
    return tuple(ProjectReview(r.project, tuple(replace(f, shared=projects) if (f.rule.id, f.message) in everywhere
                                                else f for f in r.findings)) for r in reviews)


def _apply(c, rule: Rule, p: m.Project, d: m.Department, years: tuple[m.Department, ...]):
    return c.apply(rule, p, d, years) if c.years else c.apply(rule, p, d)


def table_line(p: m.Project) -> int:
    return p.levels[0].line if p.levels else p.lines.get(fields.GOAL, 1)


def in_words(filled: list[Row]) -> str:
    """The values that are not numbers, each once, the first six: “有效促进”、“明显改善”等."""
    words = list(dict.fromkeys(r.indicator.value for r in filled if not r.value.quantified))
    return "、".join(f"“{w}”" for w in words[:6]) + ("等" if len(words) > 6 else "")


def named(row: Row) -> str:
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
            yield table_line(p), f"缺少一级指标“{l1}”（指标体系“{d.scheme.name}”）"
            continue
        missing = [l2 for l2 in l2s if l2.partition("-")[2] in wanted and l2 not in groups]
        if missing:
            yield present[l1].line, f"“{l1}”下缺少二级指标“{'”“'.join(missing)}”"


@check("量化", 最低比例=PERCENT, 不计=list)
def quantified(rule: Rule, p: m.Project, d: m.Department):
    # 无: there is nothing to quantify; the groups other rules judge the form of (时效: R07, 效益: R21) are
    # theirs, not counted again here
    skip = rule.param("不计")
    filled = [r for r in rows(p) if r.value.kind not in ("empty", "none")
              and r.group not in skip and r.level1.partition("-")[2] not in skip]
    if not filled:
        return
    numbers = sum(r.value.quantified for r in filled)
    share = Decimal(100 * numbers) / len(filled)
    least = Decimal(str(rule.param("最低比例")))
    if share < least:
        yield table_line(p), (f"{len(filled)} 项指标中带单位的数值或日期 {numbers} 项，占 {share:.0f}%，"
                               f"低于 {values.format_number(least)}%；"
                               f"未量化的取值有 {in_words(filled)}")


@check("产出定量", 二级指标=list, 等级二级=list, 等级用语=list)
def output_numbers(rule: Rule, p: m.Project, d: m.Department):
    for row in rows(p):
        # 评估等级 良好及以上: a grade is a quality's accepted form (分级分档), where a grade is what is measured
        graded = row.group in rule.param("等级二级") and any(w in row.indicator.value for w in rule.param("等级用语"))
        if row.group in rule.param("二级指标") and row.value.kind in ("words", "none") and not graded:
            yield row.indicator.line, f"{row.level2}{named(row)}的绩效值“{row.indicator.value}”不是数值"


@check("区间")
def ranges(rule: Rule, p: m.Project, d: m.Department):
    for row in rows(p):
        if row.value.kind == "range":
            yield row.indicator.line, f"{named(row)}的绩效值“{row.indicator.value}”是一个区间，没有目标值"


@check("年份", 无时限用语=list)
def years(rule: Rule, p: m.Project, d: m.Department):
    for row in rows(p):
        if row.value.kind == "year":
            yield row.indicator.line, (f"{row.level2}{named(row)}的绩效值“{row.indicator.value}”只写了年份，"
                                       f"没有写明年内的完成时限")
        elif row.value.kind == "words" and row.indicator.value.strip() in rule.param("无时限用语"):
            yield row.indicator.line, (f"{row.level2}{named(row)}的绩效值“{row.indicator.value}”没有写明完成时限")


@check("比较符号", 不查二级=list, 不查单位=list)
def signs(rule: Rule, p: m.Project, d: m.Department):
    for row in rows(p):
        v = row.value
        # a range has no target to sign: R06's finding, not this one; a head count (20人) is exact as written
        if (row.group not in rule.param("不查二级") and v.kind == "number" and v.unit and not v.sign
                and v.unit not in rule.param("不查单位")
                and not (v.unit == "%" and v.low == 100)):
            yield row.indicator.line, f"{named(row)}的绩效值“{row.indicator.value}”没有比较符号（≥、≤ 或 =）"


@check("满意度", 最低=PERCENT, 二级指标=list)
def satisfaction(rule: Rule, p: m.Project, d: m.Department):
    least = Decimal(str(rule.param("最低")))
    for row in rows(p):
        if row.group not in rule.param("二级指标") or row.value.kind == "empty":
            continue
        v = row.value
        if v.kind in ("words", "none", "year"):  # no target at all: R30's
            continue
        if v.kind not in ("number", "range") or v.unit != "%":
            yield row.indicator.line, f"{named(row)}的目标“{row.indicator.value}”不是百分数"
        elif v.low < least:
            yield row.indicator.line, f"{named(row)}的目标“{row.indicator.value}”低于 {values.format_number(least)}%"


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


@check("重复", 相似度=PERCENT, 不比二级=list)
def repeated(rule: Rule, p: m.Project, d: m.Department):
    seen: dict[tuple[str, str], int] = {}
    least = rule.param("相似度") / 100
    earlier: list[Row] = []
    for row in rows(p):
        name = row.indicator.name
        if not name or name.strip() in values.NONE:  # 无 under 生态效益 and 可持续影响 is said twice, not repeated
            continue
        for key in ((row.level2, name), ("", name + "\0" + row.indicator.value)):
            if key in seen:
                yield row.indicator.line, f"“{name}”与第 {seen[key]} 行重复"
                break
        else:
            seen[(row.level2, name)] = seen[("", name + "\0" + row.indicator.value)] = row.indicator.line
            # the same thing in other words under another 二级 (a cost line names what it prices: not compared)
            twin = next((o for o in earlier if o.level2 != row.level2 and o.value.unit == row.value.unit
                         and o.value.kind == row.value.kind and words.contained(o.indicator.name, name) >= least), None)
            if twin and row.group not in rule.param("不比二级"):
                yield row.indicator.line, (f"{row.level2}“{name}”（{row.indicator.value}）与{twin.level2}"
                                           f"“{twin.indicator.name}”（{twin.indicator.value}，第 {twin.indicator.line} 行）"
                                           f"是同一项指标")
            if row.group not in rule.param("不比二级") and row.value.kind not in ("empty", "none"):
                earlier.append(row)


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
