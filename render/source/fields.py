"""Turn the paper form's labels into the fields of the model: one table that loading, the glyph check, the
importer, the review and the templates all read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

# The content folder's layout: <年度>/<编码-部门名称>/<NN-项目>.md, named once.
YEAR_DIR = re.compile(r"\d{4}")  # a 年度 folder, e.g. 2025


def is_year(name: str) -> bool:
    return YEAR_DIR.fullmatch(name) is not None


def safe_part(text: str) -> str:
    """A path component every file system takes, still readable: of a content file, or of an output."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", text).strip(" .") or "_"


@dataclass(frozen=True)
class Field:
    label: str  # as the paper form prints it, and as the clerk writes it in the front matter
    attr: str  # the attribute of the model's record that holds it
    kind: Literal["text", "amount", "date"] = "text"  # what its text is read as (render/source/entries.py)
    required: bool = True  # the line must be there (it may still be empty, see `empty`)
    empty: Literal["error", "warning", ""] = ""  # what an empty value is: "" when the form allows it


# A project file's front matter, in the order of the paper form.
PROJECT = (
    Field("项目名称", "name", empty="error"),
    Field("主管部门", "department"),
    Field("实施单位", "implementer", empty="warning"),
    Field("项目属性", "attribute", required=False),  # free text, often empty on the seed's forms: may be left out
    Field("项目期限", "term", empty="warning"),
    Field("项目主管处室", "office", empty="warning"),
    Field("项目年度金额", "amount", "amount"),
)
BY_LABEL = {f.label: f for f in PROJECT}
PROJECT_LABELS = tuple(f.label for f in PROJECT)

# The form's two sections, headed `## <title>` in a project file.
GOAL = "年度总体绩效目标"
INDICATORS = "绩效指标"
INDICATOR_HEADS = ("一级指标", "二级指标", "三级指标", "绩效值")

# The header grid as printed: a row holds one field across the grid, or two side by side.
HEAD_ROWS = (("项目名称",), ("主管部门", "实施单位"), ("项目属性", "项目期限"), ("项目主管处室", "项目年度金额"))

# A department's 部门.yml.
DEPARTMENT_FILE = "部门.yml"
DEPARTMENT = (
    Field("部门名称", "name"),
    Field("部门编码", "code"),
    Field("年度", "year"),
    Field("册名", "title", required=False),
    Field("编制日期", "date", "date", empty="warning"),
    Field("编制单位", "compiler", required=False),
    Field("指标体系", "scheme", required=False),
    # For the archive (render/archive/): what only the 档案室 knows, each optional, never guessed.
    Field("全宗号", "fonds", required=False),
    Field("全宗名称", "fonds_name", required=False),
    Field("机构或问题", "series", required=False),
    Field("保管期限", "retention", required=False),
    Field("密级", "classification", required=False),
)
DEPARTMENT_LABELS = tuple(f.label for f in DEPARTMENT)
ARCHIVE_LABELS = DEPARTMENT_LABELS[DEPARTMENT_LABELS.index("全宗号"):]  # the 档案室's fields, the last of them
TOTAL = "合计"  # a 部门.yml may state the sum of its projects' amounts, to be checked
DEPARTMENT_FILE_FIELDS = DEPARTMENT + (Field(TOTAL, "total", "amount", required=False),)
# A department's 审核.yml, beside its 部门.yml: who issues the review's opinion, to whom, when
# (render/review/reviewer.py). The tables never read it.
REVIEW_FILE = "审核.yml"
REVIEW = (
    Field("审核单位", "office", required=False),
    Field("收文单位", "addressee", required=False),
    Field("审核人", "reviewer", required=False),
    Field("复核人", "checker", required=False),
    Field("审核日期", "date", "date", required=False),
    Field("整改期限", "deadline", "date", required=False),
)
# A department's answers to the review's findings, beside its 审核.yml (render/review/feedback.py): written by
# the site, read by `review --out` into the workbook's 部门反馈 column. The tables never read it.
FEEDBACK_FILE = "反馈.yml"
