"""Turn a content folder into every problem it has, writing nothing."""

from __future__ import annotations

import ctypes.util
from pathlib import Path

from . import fonts, load
from .build import report, source_base


def check(content: Path, strict: bool = False, say=print) -> int:
    missing = machine()
    for line in missing:
        say(f"错误: {line}")
    model, problems = load.load(content, source_base(content))
    problems += fonts.glyph_problems(model)
    report(problems, say)
    errors = sum(p.severity == "error" for p in problems)
    projects = len(model.projects)
    if not problems:
        say(f"检查通过：{len(model.departments)} 个部门，{projects} 个项目，没有发现问题")
    if errors or missing:
        return 1
    return 1 if strict and problems else 0


def machine() -> list[str]:
    """What fonts.preflight says this machine lacks, found without loading WeasyPrint: loading it takes
    longer than checking a department, and a clerk runs `check` after every edit."""
    missing = []
    if ctypes.util.find_library("harfbuzz-subset") is None:
        missing.append("缺少 HarfBuzz 字体子集库（libharfbuzz-subset0）：请运行 make setup，"
                       "或 apt-get install libharfbuzz-subset0")
    if fonts.font_file(fonts.FONT_FAMILY, "Regular") is None or fonts.font_file(fonts.FONT_FAMILY, "Bold") is None:
        missing.append(f"缺少字体 {fonts.FONT_FAMILY}（常规与粗体）：请运行 make setup，或 apt-get install fonts-noto-cjk")
    return missing
