"""Turn a content folder into a validated model, collecting every problem on the way."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

from . import model as m
from .parse import FRONT_MATTER, Entry, ParsedFile, decode, parse_markdown, parse_yaml
from .problems import Problem

_AMOUNT = re.compile(r"^[+-]?\d+(\.\d+)?$")
_DEPT_DIR = re.compile(r"^(\d+)-(.+)$")


def load(content_root: Path, repo_root: Path) -> tuple[m.Content, list[Problem]]:
    """Read every department under content_root/<年度>/<编码-名称>/; projects with errors are left out."""
    problems: list[Problem] = []
    departments = []
    root = content_root.resolve()
    if not root.is_dir():
        return m.Content(str(content_root), ()), [Problem(str(content_root), 0, "内容目录", "找不到这个文件夹")]
    for year_dir in sorted(content_root.iterdir()):
        if not _inside(year_dir, root, repo_root, problems):
            continue
        if year_dir.is_file():
            if year_dir.name != "README.md":
                problems.append(_unknown(year_dir, repo_root))
            continue
        if not re.fullmatch(r"\d{4}", year_dir.name):
            problems.append(Problem(_rel(year_dir, repo_root), 0, "年度文件夹",
                                    "文件夹名应为四位年份，如 2025"))
            continue
        for dept_dir in sorted(year_dir.iterdir()):
            if not _inside(dept_dir, root, repo_root, problems):
                continue
            if dept_dir.is_file():
                problems.append(_unknown(dept_dir, repo_root))
                continue
            dept = _department(dept_dir, root, repo_root, problems)
            if dept:
                departments.append(dept)
    if not departments and not problems:
        problems.append(Problem(_rel(content_root, repo_root), 0, "内容目录",
                                "没有找到任何部门：应为 <年度>/<编码-部门名称>/<项目>.md"))
    return m.Content(str(content_root), tuple(departments)), problems


def _rel(path: Path, repo_root: Path) -> str:
    try:
        return path.absolute().relative_to(repo_root.absolute()).as_posix()
    except ValueError:
        return path.as_posix()


def _inside(path: Path, root: Path, repo_root: Path, problems: list[Problem]) -> bool:
    """Refuse links that lead out of the content folder: they are reported, never followed."""
    try:
        path.resolve().relative_to(root)
    except ValueError:
        problems.append(Problem(_rel(path, repo_root), 0, "文件",
                                "是指向内容文件夹以外的链接，已拒绝读取"))
        return False
    if not path.exists():
        problems.append(Problem(_rel(path, repo_root), 0, "文件", "是失效的链接"))
        return False
    return True


def _unknown(path: Path, repo_root: Path) -> Problem:
    return Problem(_rel(path, repo_root), 0, "文件",
                   f"不是项目文件（*.md）也不是{m.DEPARTMENT_FILE}，已忽略", "warning")


def _read(path: Path, repo_root: Path, problems: list[Problem]) -> str | None:
    text, found = decode(_rel(path, repo_root), path.read_bytes())
    problems.extend(found)
    return text


def _department(folder: Path, root: Path, repo_root: Path, problems: list[Problem]) -> m.Department | None:
    rel = _rel(folder, repo_root)
    match = _DEPT_DIR.match(folder.name)
    if not match:
        problems.append(Problem(rel, 0, "部门文件夹", "文件夹名应为“部门编码-部门名称”，如 018-平罗县司法局"))
        return None
    year = folder.parent.name
    projects, names = [], {}
    for path in sorted(folder.iterdir()):
        if not _inside(path, root, repo_root, problems):
            continue
        if path.name == m.DEPARTMENT_FILE:
            continue
        if path.suffix != ".md" or not path.is_file():
            problems.append(_unknown(path, repo_root))
            continue
        text = _read(path, repo_root, problems)
        if text is None:
            continue
        parsed, found = parse_markdown(_rel(path, repo_root), text)
        problems.extend(found)
        if parsed is None:
            continue
        project, found = _project(parsed, path.stem, year, folder.name)
        problems.extend(found)
        if project is None:
            continue
        if project.name in names:
            problems.append(Problem(project.source, project.lines["项目名称"], "项目名称",
                                    f"与 {names[project.name]} 的项目名称重复"))
            continue
        names[project.name] = project.source
        projects.append(project)
    problems += _office_names(projects)
    header = _department_file(folder, year, match, repo_root, problems, projects)
    if header is None:
        return None
    return m.Department(projects=tuple(projects), folder=rel, year=year, **header)


def _office_names(projects: list[m.Project]) -> list[Problem]:
    """One code, two names (05-行政教科室 / 05-行政教科文室): warn on the rarer spelling, change nothing."""
    by_code: dict[str, Counter] = {}
    for p in projects:
        code, sep, _ = p.office.partition("-")
        if sep:
            by_code.setdefault(code, Counter())[p.office] += 1
    problems = []
    for p in projects:
        names = by_code.get(p.office.partition("-")[0])
        if names and len(names) > 1:
            usual, count = names.most_common(1)[0]
            if p.office != usual:
                problems.append(Problem(p.source, p.lines["项目主管处室"], "项目主管处室",
                                        f"“{p.office}”与本部门其他 {count} 个项目的“{usual}”编码相同而名称不同，请核对",
                                        "warning"))
    return problems


def _department_file(folder: Path, year: str, match: re.Match, repo_root: Path,
                     problems: list[Problem], projects: list[m.Project]) -> dict | None:
    path = folder / m.DEPARTMENT_FILE
    rel = _rel(path, repo_root)
    field = "部门信息"
    if not path.is_file():
        problems.append(Problem(rel, 0, field, f"缺少部门信息文件 {m.DEPARTMENT_FILE}（部门名称、部门编码、年度、编制日期）"))
        return None
    text = _read(path, repo_root, problems)
    if text is None:
        return None
    entries, found = parse_yaml(rel, text, 1, field)
    problems.extend(found)
    if found:
        return None
    values, lines, ok = _entries(rel, entries, m.DEPARTMENT_KEYS + ("合计",), ("部门名称", "部门编码", "年度", "编制日期"), problems)
    if not ok:
        return None
    code, name = match.group(1), match.group(2)
    checks = [("部门编码", code, "与文件夹名的编码"), ("部门名称", name, "与文件夹名的部门名称"), ("年度", year, "与年度文件夹")]
    for key, expected, what in checks:
        if values[key] != expected:
            problems.append(Problem(rel, lines[key], key, f"“{values[key]}”{what}“{expected}”不一致"))
            ok = False
    date = _date(values["编制日期"])
    if date is None:
        problems.append(Problem(rel, lines["编制日期"], "编制日期", f"“{values['编制日期']}”不是日期，应写作 2025-01-20"))
        ok = False
    stated = values.get("合计", "")
    if stated:
        total = sum((p.amount for p in projects), Decimal(0))
        if not _AMOUNT.match(stated):
            problems.append(Problem(rel, lines["合计"], "合计", f"“{stated}”不是数字"))
            ok = False
        elif Decimal(stated) != total:
            problems.append(Problem(rel, lines["合计"], "合计",
                                    f"写明的合计 {stated} 万元与各项目年度金额之和 {total} 万元不符"))
            ok = False
    if not ok:
        return None
    title = values.get("册名") or f"{name}{year}年部门项目支出预算绩效目标表"
    return dict(source=rel, code=code, name=name, title=title, date=date, compiler=values.get("编制单位", ""))


def _date(text: str) -> str | None:
    """Accept 2025-01-20, 2025/1/20 or 2025年1月20日; print it the Chinese way."""
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text.strip())
    if not match:
        return None
    try:
        d = dt.date(*map(int, match.groups()))
    except ValueError:
        return None
    return f"{d.year}年{d.month}月{d.day}日"


def _entries(path: str, entries: tuple[Entry, ...] | list[Entry], known: tuple[str, ...],
             required: tuple[str, ...], problems: list[Problem]) -> tuple[dict[str, str], dict[str, int], bool]:
    values: dict[str, str] = {}
    lines: dict[str, int] = {}
    ok = True
    for e in entries:
        if e.key not in known:
            problems.append(Problem(path, e.line, e.key, f"不认识的栏目名；可用的有：{'、'.join(known)}"))
            ok = False
        elif e.key in values:
            problems.append(Problem(path, e.line, e.key, f"重复出现（第 {lines[e.key]} 行已有）"))
            ok = False
        elif e.value is None:
            problems.append(Problem(path, e.line, e.key, "应为一段文字，不能是列表或多级内容"))
            ok = False
        else:
            values[e.key] = e.value.strip()
            lines[e.key] = e.line
    for key in required:
        if key not in values and key not in {e.key for e in entries}:
            problems.append(Problem(path, 1, key, "缺少这一栏"))
            ok = False
    return values, lines, ok


def _project(parsed: ParsedFile, stem: str, year: str, dept_dir: str) -> tuple[m.Project | None, list[Problem]]:
    problems: list[Problem] = []
    path = parsed.path
    values, lines, ok = _entries(path, parsed.entries, m.PROJECT_KEYS, m.PROJECT_KEYS, problems)
    if ok:
        if not values["项目名称"]:
            problems.append(Problem(path, lines["项目名称"], "项目名称", "不能为空"))
        if values["主管部门"] != dept_dir:
            problems.append(Problem(path, lines["主管部门"], "主管部门",
                                    f"“{values['主管部门']}”与所在部门文件夹“{dept_dir}”不一致"))
        for key in ("实施单位", "项目期限", "项目主管处室"):
            if not values[key]:
                problems.append(Problem(path, lines[key], key, "是空的", "warning"))
        amount = values["项目年度金额"]
        if not _AMOUNT.match(amount):
            problems.append(Problem(path, lines["项目年度金额"], "项目年度金额",
                                    f"“{amount}”不是数字（单位已是万元，只写数字，如 39.05）"))
        elif amount.startswith("-"):
            problems.append(Problem(path, lines["项目年度金额"], "项目年度金额", f"“{amount}”不能为负数"))

    sections = {}
    for s in parsed.sections:
        if s.title not in (m.GOAL, m.INDICATORS):
            problems.append(Problem(path, s.line, "栏目", f"不认识的栏目“{s.title}”；应为“{m.GOAL}”或“{m.INDICATORS}”"))
        elif s.title in sections:
            problems.append(Problem(path, s.line, s.title, f"栏目重复（第 {sections[s.title].line} 行已有）"))
        else:
            sections[s.title] = s
    goal: tuple[str, ...] = ()
    if m.GOAL not in sections:
        problems.append(Problem(path, 1, m.GOAL, f"缺少“## {m.GOAL}”栏目"))
    else:
        s = sections[m.GOAL]
        goal = tuple(text for text, _ in s.paragraphs)
        if s.tables:
            problems.append(Problem(path, s.tables[0][0].line, m.GOAL, "此栏只写文字，不能有表格"))
        if not goal:
            problems.append(Problem(path, s.line, m.GOAL, "是空的", "warning"))
        lines[m.GOAL] = s.paragraphs[0][1] if s.paragraphs else s.line
    levels: tuple[m.Level1, ...] = ()
    if m.INDICATORS not in sections:
        problems.append(Problem(path, 1, m.INDICATORS, f"缺少“## {m.INDICATORS}”栏目"))
    else:
        levels = _indicators(path, sections[m.INDICATORS], problems)
    if any(p.severity == "error" for p in problems):
        return None, problems
    return m.Project(
        source=path, stem=stem, year=year, department_dir=dept_dir,
        name=values["项目名称"], department=values["主管部门"], implementer=values["实施单位"],
        attribute=values["项目属性"], term=values["项目期限"], office=values["项目主管处室"],
        amount=Decimal(values["项目年度金额"].lstrip("+")), goal=goal, levels=levels, lines=lines,
    ), problems


def _indicators(path: str, section, problems: list[Problem]) -> tuple[m.Level1, ...]:
    field = m.INDICATORS
    if len(section.tables) != 1:
        what = "没有表格" if not section.tables else "只能有一张表格"
        problems.append(Problem(path, section.line, field, what))
        return ()
    for text, line in section.paragraphs:
        problems.append(Problem(path, line, field, f"表格之外的文字“{text[:20]}”不会印出：请放进表格或删去"))
    head, *rows = section.tables[0]
    if head.cells != m.INDICATOR_HEADS:
        problems.append(Problem(path, head.line, field, f"表头应为 | {' | '.join(m.INDICATOR_HEADS)} |"))
        return ()
    if not rows:
        problems.append(Problem(path, head.line, field, "表格没有指标行"))
        return ()
    tree: list[list] = []  # [label, line, [[label2, line, [Indicator]]]]
    for row in rows:
        if row.written_cells > 4:
            problems.append(Problem(path, row.line, field,
                                    f"本行有 {row.written_cells} 格，多于 4 格（单元格中的“|”请写作“\\|”）"))
            continue
        l1, l2, name, value = row.cells
        if l1:
            if l1 not in m.LEVEL1:
                problems.append(Problem(path, row.line, "一级指标", f"“{l1}”不是已知的一级指标：{'、'.join(m.LEVEL1)}"))
                continue
            if not tree or tree[-1][0] != l1:
                if any(t[0] == l1 for t in tree):
                    problems.append(Problem(path, row.line, "一级指标", f"“{l1}”前面已出现过，同一一级指标的行应连在一起"))
                    continue
                if not l2:
                    problems.append(Problem(path, row.line, "二级指标", "新的一级指标下须写明二级指标"))
                    continue
                tree.append([l1, row.line, []])
        elif not tree:
            problems.append(Problem(path, row.line, "一级指标", "第一行须写明一级指标"))
            continue
        current = tree[-1]
        if l2:
            if l2 not in m.LEVEL2:
                problems.append(Problem(path, row.line, "二级指标", f"“{l2}”不是已知的二级指标：{'、'.join(m.LEVEL2)}"))
                continue
            if l2[0] != current[0][0]:
                problems.append(Problem(path, row.line, "二级指标", f"“{l2}”不属于一级指标“{current[0]}”"))
                continue
            if not current[2] or current[2][-1][0] != l2:
                if any(g[0] == l2 for g in current[2]):
                    problems.append(Problem(path, row.line, "二级指标", f"“{l2}”前面已出现过，同一二级指标的行应连在一起"))
                    continue
                current[2].append([l2, row.line, []])
        if not name:
            problems.append(Problem(path, row.line, "三级指标", "是空的", "warning"))
        if not value:
            problems.append(Problem(path, row.line, "绩效值", "是空的", "warning"))
        current[2][-1][2].append(m.Indicator(name, value, row.line))
    return tuple(
        m.Level1(l1, tuple(m.Level2(l2, tuple(ind), line2) for l2, line2, ind in groups), line1)
        for l1, line1, groups in tree
    )
