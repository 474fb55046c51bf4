"""Turn content into the frozen records that cross between the stages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from render.source.fields import DEPARTMENT

# Amounts are 万元: more places than this is a typing mistake, not a sum of money.
MAX_PLACES = 6


@dataclass(frozen=True)
class Scheme:
    """An indicator scheme (schemes/<名称>.yml): the 一级 labels in the form's order, each with its 二级."""

    name: str
    source: str  # the scheme file, relative to the repository root
    levels: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def level1(self) -> tuple[str, ...]:
        return tuple(l1 for l1, _ in self.levels)

    @property
    def level2(self) -> tuple[str, ...]:
        return tuple(l2 for _, groups in self.levels for l2 in groups)

    def parent(self, level2: str) -> str:
        return next(l1 for l1, groups in self.levels if level2 in groups)


def places(amounts) -> int:
    """The decimal places every amount of a department prints with: two, or more if one is written so."""
    return max([2] + [-a.as_tuple().exponent for a in amounts])


def layout_mark(simplex: bool, right_tables: bool) -> str:
    """What names a volume laid out other than double-sided with the tables running on: in its file name and
    its title, so that its archive record (题名, read from the PDF) is told from the others'."""
    return "（单面）" if simplex else "（每表右页）" if right_tables else ""


def amount_text(value: Decimal, places: int) -> str:
    """万元 as every page prints it: with the department's places, so that a column of figures lines up."""
    return format(value.quantize(Decimal(1).scaleb(-places)), "f")


@dataclass(frozen=True)
class Indicator:
    """One 三级指标 row: its name, its 绩效值 and the source line it came from."""

    name: str
    value: str
    line: int


@dataclass(frozen=True)
class Level2:
    label: str  # e.g. 11-数量指标
    indicators: tuple[Indicator, ...]
    line: int


@dataclass(frozen=True)
class Level1:
    label: str  # e.g. 1-产出指标
    groups: tuple[Level2, ...]
    line: int

    @property
    def rows(self) -> int:
        return sum(len(g.indicators) for g in self.groups)


@dataclass(frozen=True)
class Project:
    source: str  # content file, relative to the repository root
    stem: str  # file name without .md: names the PDF
    year: str
    department_dir: str  # e.g. 018-平罗县司法局
    name: str  # 项目名称
    department: str  # 主管部门
    implementer: str  # 实施单位
    attribute: str  # 项目属性 (free text, often empty)
    term: str  # 项目期限
    office: str  # 项目主管处室
    amount: Decimal  # 项目年度金额, 万元, exactly as written
    goal: tuple[str, ...]  # 年度总体绩效目标, one string per paragraph
    levels: tuple[Level1, ...]
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    places: int = 2  # the department's: every amount of a department prints with the same places

    @property
    def indicator_count(self) -> int:
        return sum(level.rows for level in self.levels)


@dataclass(frozen=True)
class Filing:
    """A department's archive fields (部门.yml, all optional): "" where the 档案室 is to fill it in."""

    fonds: str = ""  # 全宗号
    fonds_name: str = ""  # 全宗名称
    series: str = ""  # 机构或问题
    retention: str = ""  # 保管期限: 永久 / 30年 / 10年
    classification: str = ""  # 密级

    def missing(self) -> tuple[str, ...]:
        """The labels (部门.yml's) of the fields not given."""
        return tuple(f.label for f in DEPARTMENT if hasattr(self, f.attr) and not getattr(self, f.attr))


@dataclass(frozen=True)
class Department:
    source: str  # the department file, relative to the repository root
    folder: str  # content folder of the department, relative to the repository root
    year: str
    code: str  # 部门编码, e.g. 018
    name: str  # 部门名称
    title: str  # 册名: the volume's title
    date: dt.date | None  # 编制日期; None until the clerk fills it in (the cover then prints a blank)
    compiler: str  # 编制单位, may be empty
    scheme: Scheme
    projects: tuple[Project, ...]
    filing: Filing = field(default_factory=Filing)
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)  # 部门.yml's, by label

    @property
    def dir_name(self) -> str:
        return f"{self.code}-{self.name}"

    @property
    def total(self) -> Decimal:
        return sum((p.amount for p in self.projects), Decimal(0))

    @property
    def places(self) -> int:
        return places(p.amount for p in self.projects)


@dataclass(frozen=True)
class Content:
    root: str
    departments: tuple[Department, ...]

    @property
    def projects(self) -> tuple[Project, ...]:
        return tuple(p for d in self.departments for p in d.projects)
