"""Turn a content folder into every problem it has, writing nothing: as lines for the clerk, or as JSON for
another program."""

from __future__ import annotations

import json
from pathlib import Path

from render.produce.plan import source_base
from render.problems import Exit, Kind, Level, Problem, exit_code, plain, report
from render.source import fields, folders, load
from render.typeset import columns, fonts


def check(content: Path | None, strict: bool = False, say=plain, as_json: bool = False, only: Path | None = None
          ) -> Exit:
    """`only`: a content folder, department folder or project file, as for `review`: the content folder that
    holds it is read, and only its problems (and its department file's) are said."""
    if only is not None and not only.exists():
        problems = [Problem(str(only), 0, "路径", "找不到这个文件或文件夹", kind=Kind.REFUSED)]
        report(problems, say)
        return exit_code(problems)
    root, target, department = load.scope(only) if only is not None else (content, None, None)
    content = content or root or folders.CONTENT
    base = source_base(content)
    model, problems = load.load(content, base)
    projects = list(model.projects)
    departments = len(model.departments)
    problems += columns.problems(model.departments)
    if target is not None and target != content.absolute():
        problems = [p for p in problems if _within(base / p.path, target)
                    or base / p.path == department / fields.DEPARTMENT_FILE]
        projects = [p for p in projects if _within(base / p.source, target)]
        departments = sum(_within(base / d.folder, target) or _within(target, base / d.folder)
                          for d in model.departments)
    problems = fonts.preflight() + problems + fonts.glyph_problems(projects)
    code = exit_code(problems, strict)
    if as_json:
        errors = sum(p.severity == "error" for p in problems)
        say(json.dumps({"departments": departments, "projects": len(projects), "errors": errors,
                        "warnings": len(problems) - errors, "exit": int(code),
                        "problems": [{"path": p.path, "line": p.line, "field": p.field, "message": p.message,
                                      "severity": p.severity, "kind": p.kind.name.lower()}
                                     for p in sorted(problems, key=lambda p: (p.path, p.line))]},
                       ensure_ascii=False, indent=1), Level.PROBLEM)
        return code
    report(problems, say, strict, None if content.is_absolute() else base)
    if not problems:
        say(f"检查通过：{departments} 个部门，{len(projects)} 个项目，没有发现问题", Level.DONE)
    return code


def _within(p: Path, where: Path) -> bool:
    p = p.absolute()
    return p == where or where in p.parents
