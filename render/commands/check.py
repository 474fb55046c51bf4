"""Turn a content folder into every problem it has, writing nothing."""

from __future__ import annotations

from pathlib import Path

from render.build.plan import source_base
from render.problems import report
from render.source import load
from render.typeset import fonts


def check(content: Path, strict: bool = False, say=print) -> int:
    missing = fonts.preflight()
    for line in missing:
        say(f"错误: {line}")
    model, problems = load.load(content, source_base(content))
    problems += fonts.glyph_problems(model.projects)
    report(problems, say)
    errors = sum(p.severity == "error" for p in problems)
    projects = len(model.projects)
    if not problems:
        say(f"检查通过：{len(model.departments)} 个部门，{projects} 个项目，没有发现问题")
    if errors or missing:
        return 1
    return 1 if strict and problems else 0

