"""Turn a project's findings into its grade (优 / 良 / 中 / 差) by the rules file's 结论, and a department's
grades into its summary."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from render.review.judge import DepartmentReview, ProjectReview
from render.review.registry import LEVELS, Grade, Rules


@dataclass(frozen=True)
class Conclusion:
    grade: Grade
    counts: tuple[tuple[str, int], ...]  # findings per level, in the order of LEVELS
    why: str  # the counts against the limits that decided it, in words

    @property
    def name(self) -> str:
        return self.grade.name


@dataclass(frozen=True)
class Tally:
    """One grade's share of a department: how many projects, and their 项目年度金额."""

    grade: Grade
    projects: int
    amount: Decimal


def conclude(review: ProjectReview, rules: Rules) -> Conclusion:
    """The first grade, best first, whose limits the project's counts keep; the last grade holds the rest."""
    counts = {level: review.count(level) for level in LEVELS}
    grades = rules.grades
    chosen = next((g for g in grades[:-1] if g.holds(counts)), grades[-1])
    return Conclusion(chosen, tuple(counts.items()), _why(chosen, counts, grades))


def _limits(grade: Grade) -> str:
    return "、".join(f"{level}至多 {n} 条" for level, n in grade.most) or "不限条数"


def _why(chosen: Grade, counts: dict[str, int], grades: tuple[Grade, ...]) -> str:
    found = "，".join(f"{level} {n} 条" for level, n in counts.items() if n) or "无意见"
    within = f"在“{chosen.name}”的限度内（{_limits(chosen)}）"
    if chosen is grades[0]:
        return f"{found}：{within}"
    above = grades[grades.index(chosen) - 1]
    over = "、".join(f"{level} {counts[level]} 条（至多 {n} 条）" for level, n in above.most if counts[level] > n)
    return f"{found}：超出“{above.name}”的限度，{over}" + ("" if chosen is grades[-1] else f"；{within}")


def tally(department: DepartmentReview, rules: Rules) -> tuple[Tally, ...]:
    """Every grade with its projects and amount, none left out (a 0 says as much as a count)."""
    graded = [(conclude(p, rules).grade, p.project.amount) for p in department.projects]
    return tuple(Tally(g, sum(1 for x, _ in graded if x is g), sum((a for x, a in graded if x is g), Decimal(0)))
                 for g in rules.grades)
