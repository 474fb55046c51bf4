"""Turn content into the frozen records that cross between the stages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

# The indicator codes of the budget system (FORM.md). 二级 codes start with their 一级's digit.
LEVEL1 = ("1-产出指标", "2-效益指标", "3-满意度指标")
LEVEL2 = (
    "11-数量指标", "12-质量指标", "13-时效指标", "14-成本指标",
    "21-经济效益", "22-社会效益", "23-生态效益", "24-可持续影响",
    "31-服务对象满意度",
)

# Front matter keys of a project file, in the order of the paper form.
PROJECT_KEYS = ("项目名称", "主管部门", "实施单位", "项目属性", "项目期限", "项目主管处室", "项目年度金额")
GOAL = "年度总体绩效目标"
INDICATORS = "绩效指标"
INDICATOR_HEADS = ("一级指标", "二级指标", "三级指标", "绩效值")

DEPARTMENT_FILE = "部门.yml"
DEPARTMENT_KEYS = ("部门名称", "部门编码", "年度", "册名", "编制日期", "编制单位")


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

    @property
    def indicator_count(self) -> int:
        return sum(level.rows for level in self.levels)


@dataclass(frozen=True)
class Department:
    source: str  # the department file, relative to the repository root
    folder: str  # content folder of the department, relative to the repository root
    year: str
    code: str  # 部门编码, e.g. 018
    name: str  # 部门名称
    title: str  # 册名: the volume's title
    date: dt.date  # 编制日期
    compiler: str  # 编制单位, may be empty
    projects: tuple[Project, ...]

    @property
    def dir_name(self) -> str:
        return f"{self.code}-{self.name}"

    @property
    def total(self) -> Decimal:
        return sum((p.amount for p in self.projects), Decimal(0))


@dataclass(frozen=True)
class Content:
    root: str
    departments: tuple[Department, ...]

    @property
    def projects(self) -> tuple[Project, ...]:
        return tuple(p for d in self.departments for p in d.projects)
