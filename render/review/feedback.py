"""Turn a department's 反馈.yml into its answer to each of the review's findings, and answers back into the
file: what the workbook's 部门反馈 column carries.

The answers live in the content folder beside 审核.yml, not in the site's database: `review --out` then puts
them in 审核意见.xlsx from the command line alone, they travel and are backed up with the tables they answer,
and a bureau without the site can write them by hand. A finding is named by its project's file, its rule and
its words, not its line: an answer stays with its finding when rows above it move, and an answer to a
finding that is gone (the table was mended) stays in the file, not shown."""

from __future__ import annotations

from pathlib import Path

import yaml

from render.problems import Problem
from render.review.judge import Finding
from render.source import fields, limits
from render.source.reading import rel
from render.source.schema import Report, compose, pairs

FIELD = "部门反馈"
COMMON = "共性问题"  # the file of a finding every project of the department has
NOTE = "# 部门对审核意见的反馈：网站上填写；review --out 写入 审核意见.xlsx 的“部门反馈”列。\n"
PARTS = ("文件", "规则", "意见", "反馈")  # of each answer: the finding's three, then the department's words
Key = tuple[str, str, str]  # (project file or COMMON, rule id, the finding's words)


def key(f: Finding) -> Key:
    return (COMMON if f.shared else Path(f.path).name, f.rule.id, f.message)


def load(folder: Path, repo_root: Path) -> tuple[dict[Key, str], list[Problem]]:
    """The answers the department's 反馈.yml holds (none when it has none), or its mistakes."""
    path = folder / fields.FEEDBACK_FILE
    source = rel(path, repo_root)
    if not path.exists() and not path.is_symlink():
        return {}, []
    if not path.is_file() or path.is_symlink() or path.stat().st_size > limits.MAX_FILE_BYTES:
        return {}, [Problem(source, 0, FIELD, f"应为不超过 {limits.FILE_SIZE_TEXT} 的普通文件")]
    report = Report(source, FIELD)
    try:
        node = compose(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as e:
        line = getattr(getattr(e, "problem_mark", None), "line", -1) + 1
        report.line(line, "无法读取（应为网站写出的 UTF-8 YAML）：请在网站上重新填写")
        return {}, report.problems
    answers: dict[Key, str] = {}
    items = node.value if isinstance(node, yaml.SequenceNode) else [node] if node is not None else []
    for n, item in enumerate(items):
        said = dict(pairs(item)) if isinstance(item, yaml.MappingNode) else {}
        if not all(isinstance(said.get(k), yaml.ScalarNode) for k in PARTS):
            report.at(item, f"第 {n + 1} 条应有 文件、规则、意见、反馈 四项文字")
            return {}, report.problems
        answers[tuple(said[k].value for k in PARTS[:3])] = said["反馈"].value
    return answers, []


def text(answers: dict[Key, str]) -> str:
    """The file of these answers, the empty ones left out, in a stable order."""
    items = [dict(zip(PARTS, (*k, a), strict=True)) for k, a in sorted(answers.items()) if a.strip()]
    return NOTE + yaml.safe_dump(items, allow_unicode=True, sort_keys=False, width=10_000)
