"""Turn a 部门.yml's archive fields (全宗号, 全宗名称, 机构或问题, 保管期限, 密级) into a checked `Filing`."""

from __future__ import annotations

import re

from render.problems import Problem
from render.source import fields
from render.source import model as m
from render.source.limits import excerpt

# 保管期限 as 部门.yml writes it, and its code in a 档号 (DA/T 22-2015: Y, D30, D10).
RETENTION = {"永久": "Y", "30年": "D30", "10年": "D10"}
# 密级 as GB/T 7156 names them; a budget table is usually 公开, but only the department may say so.
CLASSIFICATION = ("公开", "内部", "秘密", "机密", "绝密")
# 全宗号 and 机构或问题 become parts of the 档号 (joined by “-”) and of folder names in the package.
_FONDS = re.compile(r"[A-Za-z0-9]{1,10}")
_SERIES = re.compile(r"[^-\s/\\:*?\"<>|]{1,20}")


def filing(rel: str, values: dict[str, str], lines: dict[str, int]) -> tuple[m.Filing, list[Problem]]:
    """The fields as given ("" when left out); a value that cannot be one is an error naming the field."""
    found = []
    checks = (
        ("全宗号", lambda v: _FONDS.fullmatch(v), "应为档案馆给定的字母和数字（如 J012），至多 10 位"),
        ("机构或问题", lambda v: _SERIES.fullmatch(v), "不能含“-”、空格或 / \\ : * ? \" < > |，至多 20 字（如 BGS 或 办公室）"),
        ("保管期限", lambda v: v in RETENTION, f"应为 {' / '.join(RETENTION)} 之一"),
        ("密级", lambda v: v in CLASSIFICATION, f"应为 {' / '.join(CLASSIFICATION)} 之一（不知道就不写，由档案室填写）"),
    )
    for label, ok, advice in checks:
        value = values.get(label, "")
        if value and not ok(value):
            found.append(Problem(rel, lines[label], label, f"“{excerpt(value)}”{advice}"))
    return m.Filing(**{f.attr: values.get(f.label, "") for f in fields.DEPARTMENT if f.label in fields.ARCHIVE_LABELS}), found
