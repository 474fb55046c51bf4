"""Turn a department's 审核.yml into who issues its opinion, to whom and when, or into its mistakes.

The file sits beside 部门.yml, not at the content folder's root: an opinion goes to one department, and
its addressee, date and deadline are that department's (one bureau reviews its departments on different
days). Every field may be left out: the opinion then leaves a blank line to be filled in by hand, and
never prints a date the reviewer did not write.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from render.problems import Problem
from render.source import fields, limits
from render.source.entries import parse_date
from render.source.frontmatter import parse_yaml
from render.source.schema import usable
from render.source.reading import inside, read, rel
from render.typeset.fonts import unprintable

FIELD = "审核信息"
NAMES = tuple(f.label for f in fields.REVIEW if f.kind == "text")
DATES = tuple(f.label for f in fields.REVIEW if f.kind == "date")
LONGEST = 60  # characters of a name: an office's full name fits one line of the signature block


@dataclass(frozen=True)
class Reviewer:
    source: str  # the file as messages name it; "" when the department has none
    data: bytes  # its bytes: attached to the opinion beside the files it judged
    office: str = ""  # 审核单位
    addressee: str = ""  # 收文单位
    reviewer: str = ""  # 审核人
    checker: str = ""  # 复核人
    date: dt.date | None = None  # 审核日期
    deadline: dt.date | None = None  # 整改期限


def load(folder: Path, repo_root: Path, root: Path) -> tuple[Reviewer, list[Problem]]:
    """The department folder's 审核.yml, or an empty one when there is none; with any error, the empty one
    and every mistake with its line. A link out of the content folder `root` is refused, never read."""
    path = folder / fields.REVIEW_FILE
    source = rel(path, repo_root)
    if not path.exists() and not path.is_symlink():
        return Reviewer("", b""), []
    problems: list[Problem] = []
    if not inside(path, root.resolve(), repo_root, problems):
        return Reviewer("", b""), problems
    if not path.is_file():
        return Reviewer("", b""), [Problem(source, 0, FIELD, f"{fields.REVIEW_FILE} 应为普通文件")]
    text = read(path, repo_root, problems)
    if text is None:
        return Reviewer("", b""), problems
    entries, problems = parse_yaml(source, text, 1, FIELD)
    if problems:
        return Reviewer("", b""), problems
    values, lines = usable(source, entries, fields.REVIEW, problems)
    problems += unprintable(source, values, lines, NAMES)
    for key in NAMES:
        if len(values.get(key, "")) > LONGEST:
            problems.append(Problem(source, lines[key], key, f"超过 {LONGEST} 字：“{limits.excerpt(values[key])}”"))
    dates = {}
    for key in DATES:
        if values.get(key):
            dates[key] = parse_date(values[key])
            if dates[key] is None:
                problems.append(Problem(source, lines[key], key,
                                        f"“{limits.excerpt(values[key])}”不是日期，应写作 2025-02-10"))
    date, deadline = dates.get("审核日期"), dates.get("整改期限")
    if date and deadline and deadline < date:
        problems.append(Problem(source, lines["整改期限"], "整改期限",
                                f"{deadline.isoformat()} 早于审核日期 {date.isoformat()}"))
    if problems:
        return Reviewer("", b""), problems
    return Reviewer(source, path.read_bytes(), values.get("审核单位", ""), values.get("收文单位", ""),
                    values.get("审核人", ""), values.get("复核人", ""), date, deadline), []
