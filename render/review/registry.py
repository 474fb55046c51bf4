"""Turn each check the program knows into one entry: its name, the thresholds a rule of it must set, and
the function that applies it. A check is declared where it is written (render/review/judge.py, meaning.py):

    @check("量化", 最低比例=PERCENT)
    def quantified(rule, p, d): ...

The rules file (render/review/rules.py) is read against these entries, so that a rule naming a check, or a
threshold, that has no function is said as a mistake in the file, never found as a KeyError at review time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

# Most serious first: the order findings are printed in, and --strict fails on the first.
LEVELS = ("需修改", "建议修改", "提示")
# The four things a finance bureau judges a goal by (财预〔2015〕88号, 绩效目标审核的内容): every rule names
# the one its findings speak to, so that the opinion can group them.
ASPECTS = ("完整性", "相关性", "适当性", "可行性")
# The grades a review ends in (财预〔2015〕88号, 绩效目标审核结果), best first: the rules file's 结论 says
# when a project earns each and what follows from it.
GRADES = ("优", "良", "中", "差")


@dataclass(frozen=True)
class Number:
    """A number threshold: finite, from `low` to `high` (what the check can mean), in `unit`."""

    low: float
    high: float
    unit: str
    whole: bool = False

    def wrong(self, value: float) -> str | None:
        """Why the value is out of range, or None."""
        if self.low <= value <= self.high and (not self.whole or value == int(value)):
            return None
        what = "整数" if self.whole else "数"
        return f"应为 {self.low:g} 至 {self.high:g} 之间的{what}（单位：{self.unit}）"


PERCENT = Number(0, 100, "%")


@dataclass(frozen=True)
class Check:
    name: str  # as a rule's 检查 names it
    apply: Callable  # (rule, project, department) -> (line, 意见) for each finding
    # each threshold a rule of it must set (their values live in the rules file only): list for names, else
    # the range a number may take; outside it a rule would silently never or always fire
    params: dict[str, type | Number]
    # it reads the department's tables of earlier years too: called with them as a fourth argument
    years: bool = False


CHECKS: dict[str, Check] = {}


def check(name: str, *, years: bool = False, **params: type | Number):
    """Declare the function below as the check `name`, with the thresholds a rule of it must set; with
    `years`, it is also given the department's tables of earlier years (last year's goals, to compare)."""

    def register(fn: Callable) -> Callable:
        if name in CHECKS:
            raise ValueError(f"check {name} declared twice")
        CHECKS[name] = Check(name, fn, params, years)
        return fn

    return register


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    level: str  # one of LEVELS
    check: str  # a key of CHECKS
    basis: str  # 依据: the document and article
    aspect: str  # 方面: one of ASPECTS
    advice: str  # 建议: printed after every finding of the rule
    params: tuple[tuple[str, object], ...]  # every threshold of its check

    def param(self, key: str):
        return dict(self.params)[key]

    @property
    def rank(self) -> int:
        return LEVELS.index(self.level)


@dataclass(frozen=True)
class Grade:
    name: str  # one of GRADES
    most: tuple[tuple[str, int], ...]  # (level, at most this many findings of it); a level not named: any number
    action: str  # 处理: what follows from the grade, printed beside it

    def holds(self, counts: dict[str, int]) -> bool:
        return all(counts.get(level, 0) <= limit for level, limit in self.most)


@dataclass(frozen=True)
class Rules:
    source: str  # the file, as messages name it
    data: bytes  # its bytes: attached to the printed review, which it judged by
    rules: tuple[Rule, ...]
    grades: tuple[Grade, ...]  # in the order of GRADES; the last holds for whatever the others do not
    grading: str  # 依据 of the grades: the document and article
    # 共性问题: a finding every project of a department has in the same words is said once and weighed once,
    # in a department of at least this many projects (0: never)
    common: int = 0


