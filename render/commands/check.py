"""Turn a content folder into every problem it has, writing nothing: as lines for the clerk, or as JSON for
another program."""

from __future__ import annotations

import json
from pathlib import Path

from render.build.plan import source_base
from render.problems import Exit, Kind, Level, Problem, exit_code, plain, report
from render.source import load
from render.source import model as m
from render.typeset import fonts


def check(content: Path, strict: bool = False, say=plain, as_json: bool = False) -> Exit:
    if not content.is_dir():  # a --content naming no folder is the command line's mistake, as for build
        missing = [Problem(str(content), 0, "内容目录", "找不到这个文件夹（请用 --content 指定内容文件夹）",
                           kind=Kind.REFUSED)]
        return _report(missing, m.Content(str(content), ()), strict, say, as_json)
    model, problems = load.load(content, source_base(content))
    problems = fonts.preflight() + problems + fonts.glyph_problems(model.projects)
    return _report(problems, model, strict, say, as_json)


def _report(problems: list[Problem], model: m.Content, strict: bool, say, as_json: bool) -> Exit:
    code = exit_code(problems, strict)
    if as_json:
        errors = sum(p.severity == "error" for p in problems)
        say(json.dumps({"departments": len(model.departments), "projects": len(model.projects), "errors": errors,
                        "warnings": len(problems) - errors, "exit": int(code),
                        "problems": [{"path": p.path, "line": p.line, "field": p.field, "message": p.message,
                                      "severity": p.severity, "kind": p.kind.name.lower()}
                                     for p in sorted(problems, key=lambda p: (p.path, p.line))]},
                       ensure_ascii=False, indent=1), Level.PROBLEM)
        return code
    report(problems, say)
    if not problems:
        say(f"检查通过：{len(model.departments)} 个部门，{len(model.projects)} 个项目，没有发现问题", Level.DONE)
    return code
