"""Turn one project file into a Project: its header, its goal and its indicator tree, checked against the
department's scheme, with every problem named by line and field."""

from __future__ import annotations

import math
from dataclasses import dataclass
from dataclasses import field as member
from functools import lru_cache

from render.problems import Problem
from render.source import fields, limits
from render.source import model as m
from render.source import scheme as sch
from render.source.entries import read_amount
from render.source.limits import excerpt
from render.source.parse import ParsedFile, parse_markdown
from render.source.schema import usable


def project_file(rel: str, text: str, stem: str, year: str, dept_dir: str, scheme: m.Scheme | None,
                 problems: list[Problem]) -> m.Project | None:
    """A project file's text → its Project, or None when it has an error (said in `problems`)."""
    result, found = _project_file(rel, text, stem, year, dept_dir, scheme)
    problems.extend(found)
    return result


# A pure function of its arguments: `watch`, which loads the content again on every save, parses only the
# files that changed (README, `watch`, says what it saves).
@lru_cache(maxsize=4096)
def _project_file(rel: str, text: str, stem: str, year: str, dept_dir: str, scheme: m.Scheme | None
                  ) -> tuple[m.Project | None, tuple[Problem, ...]]:
    crowded = _crowded(rel, text)
    if crowded:  # parsing a hundred thousand rows takes seconds: refused by counting them first
        return None, (crowded,)
    parsed, found = parse_markdown(rel, text)
    if parsed is None:
        return None, tuple(found)
    result, more = project(parsed, stem, year, dept_dir, scheme)
    return result, (*found, *more)


def oversized(path: str, size: int) -> Problem:
    return Problem(path, 1, "文件", f"文件过大（{math.ceil(size / 1024 / 102.4) / 10} MB）："
                                  f"内容文件最多 {limits.FILE_SIZE_TEXT}，请核对是否重复粘贴")


def _too_long(path: str, line: int, field: str, text: str) -> Problem | None:
    if len(text) <= limits.MAX_CELL_CHARS:
        return None
    return Problem(path, line, field, f"内容过长（{len(text)} 字，以“{excerpt(text)}”开头）："
                                      f"每格最多 {limits.MAX_CELL_CHARS} 字，请删减")


def _too_many_rows(path: str, line: int, count: int) -> Problem:
    return Problem(path, line, fields.INDICATORS, f"指标表有 {count} 行，超过上限 {limits.MAX_ROWS} 行（本行起超出）："
                                                  "请核对是否重复粘贴，或把项目拆开")


def _crowded(path: str, text: str) -> Problem | None:
    """More table lines than one indicator table may hold, counted without parsing."""
    rows = [n for n, line in enumerate(text.split("\n"), 1) if line.lstrip().startswith("|")]
    heads = 2  # the column heads and the line under them
    if len(rows) <= limits.MAX_ROWS + heads:
        return None
    return _too_many_rows(path, rows[limits.MAX_ROWS + heads], len(rows) - heads)


def project(parsed: ParsedFile, stem: str, year: str, dept_dir: str,
             scheme: m.Scheme | None = None) -> tuple[m.Project | None, list[Problem]]:
    """One project file's model; `scheme` None: its department's scheme is unknown, its codes unchecked."""
    problems: list[Problem] = []
    path = parsed.path
    lines: dict[str, int] = {}
    values: dict[str, str] = {}
    amount = None
    if parsed.header_ok:  # else the YAML error is the one thing to say about the header
        values, lines = usable(path, parsed.entries, fields.PROJECT, problems)
        problems += _fields(path, values, lines, dept_dir)
        if "项目年度金额" in values:
            amount, found = read_amount(path, lines["项目年度金额"], "项目年度金额", values["项目年度金额"])
            problems += found
            if amount == 0:
                problems.append(Problem(path, lines["项目年度金额"], "项目年度金额", "是 0：请核对金额", "warning"))
    sections = _known_sections(path, parsed, problems)
    goal = _goal(path, sections, lines, problems)
    levels: tuple[m.Level1, ...] = ()
    if fields.INDICATORS not in sections:
        problems.append(Problem(path, 1, fields.INDICATORS, f"缺少“## {fields.INDICATORS}”栏目"))
    else:
        levels = _indicators(path, sections[fields.INDICATORS], scheme, problems)
    if not parsed.header_ok or any(p.severity == "error" for p in problems):
        return None, problems
    texts = {f.attr: values.get(f.label, "") for f in fields.PROJECT if f.kind == "text"}  # optional: left empty
    result = m.Project(source=path, stem=stem, year=year, department_dir=dept_dir, amount=amount, goal=goal,
                       levels=levels, lines=lines, **texts)
    return result, problems


def _fields(path: str, values: dict[str, str], lines: dict[str, int], dept_dir: str) -> list[Problem]:
    """Each header field present, checked on its own, so that one mistake does not hide the next."""
    problems = [p for f in fields.PROJECT if f.label in values
                for p in [_too_long(path, lines[f.label], f.label, values[f.label])] if p]
    for f in fields.PROJECT:
        if f.empty and values.get(f.label) == "":
            problems.append(Problem(path, lines[f.label], f.label, "不能为空" if f.empty == "error" else "是空的",
                                    f.empty))
    if "主管部门" in values and values["主管部门"] != dept_dir:
        problems.append(Problem(path, lines["主管部门"], "主管部门",
                                f"“{excerpt(values['主管部门'])}”与所在部门文件夹“{dept_dir}”不一致"))
    return problems


def _known_sections(path: str, parsed: ParsedFile, problems: list[Problem]) -> dict:
    """The two sections of the form by title, each the first of its name."""
    sections = {}
    for s in parsed.sections:
        if s.title not in (fields.GOAL, fields.INDICATORS):
            problems.append(Problem(path, s.line, "栏目", f"不认识的栏目“{excerpt(s.title)}”；应为“{fields.GOAL}”或“{fields.INDICATORS}”"))
        elif s.title in sections:
            problems.append(Problem(path, s.line, s.title, f"栏目重复（第 {sections[s.title].line} 行已有）"))
        else:
            sections[s.title] = s
    return sections


def _goal(path: str, sections: dict, lines: dict[str, int], problems: list[Problem]) -> tuple[str, ...]:
    if fields.GOAL not in sections:
        problems.append(Problem(path, 1, fields.GOAL, f"缺少“## {fields.GOAL}”栏目"))
        return ()
    s = sections[fields.GOAL]
    goal = tuple(text for text, _ in s.paragraphs)
    if s.tables:
        problems.append(Problem(path, s.tables[0][0].line, fields.GOAL, "此栏只写文字，不能有表格"))
    if not goal:
        problems.append(Problem(path, s.line, fields.GOAL, "是空的", "warning"))
    lines[fields.GOAL] = s.paragraphs[0][1] if s.paragraphs else s.line
    too_long = _too_long(path, lines[fields.GOAL], fields.GOAL, "".join(goal))
    if too_long:
        problems.append(too_long)
    return goal


def _indicators(path: str, section, scheme: m.Scheme | None, problems: list[Problem]) -> tuple[m.Level1, ...]:
    field = fields.INDICATORS
    if len(section.tables) != 1:
        what = "没有表格" if not section.tables else "只能有一张表格"
        problems.append(Problem(path, section.line, field, what))
        return ()
    for text, line in section.paragraphs:
        problems.append(Problem(path, line, field, f"表格之外的文字“{excerpt(text)}”不会印出：请放进表格或删去"))
    head, *rows = section.tables[0]
    shape = f"| {' | '.join(fields.INDICATOR_HEADS)} |"
    if head.cells != fields.INDICATOR_HEADS:
        problems.append(Problem(path, head.line, field, f"表头应为 {shape}"))
        return ()
    if not rows:
        problems.append(Problem(path, head.line, field, "表格没有指标行"))
        return ()
    if len(rows) > limits.MAX_ROWS:
        problems.append(_too_many_rows(path, rows[limits.MAX_ROWS].line, len(rows)))
        return ()
    tree: list[_Group] = []
    for row in rows:
        if row.written_cells != 4:
            # Markdown pads a short row and drops a long one's tail: the cells would land in the wrong column.
            hint = "单元格中的“|”请写作“\\|”" if row.written_cells > 4 else "空着的格也要用“|”隔开"
            problems.append(Problem(path, row.line, field,
                                    f"本行有 {row.written_cells} 格，应为 4 格：{shape}（{hint}）"))
            continue
        problems += [p for head, text in zip(fields.INDICATOR_HEADS, row.cells, strict=True)
                     for p in [_too_long(path, row.line, head, text)] if p]
        group = _group(path, row, tree, scheme, problems)
        if group is None:
            continue
        name, value = row.cells[2], row.cells[3]
        for label, text in (("三级指标", name), ("绩效值", value)):
            if not text:
                problems.append(Problem(path, row.line, label, "是空的", "warning"))
        group.items.append(m.Indicator(name, value, row.line))
    written = sum(len(row.cells[2]) + len(row.cells[3]) for row in rows if row.written_cells == 4)
    if written > limits.MAX_TABLE_CHARS:
        problems.append(Problem(path, head.line, field, f"指标表的三级指标和绩效值共 {written} 字，超过上限 "
                                f"{limits.MAX_TABLE_CHARS} 字（印出来约 {written // 500} 页）：请精简，或把项目拆开"))
    tree = [t for t in tree if t.known]
    if scheme:
        tree = _in_order(path, tree, scheme.level1, "一级指标", scheme, problems)
        for level in tree:
            level.items = _in_order(path, level.items, scheme.level2, "二级指标", scheme, problems)
    return tuple(m.Level1(l1.label, tuple(m.Level2(l2.label, tuple(l2.items), l2.line) for l2 in l1.items), l1.line)
                 for l1 in tree)


@dataclass
class _Group:
    """A 一级 or 二级 being read: its label, its line, and what is under it (二级 groups, or indicators)."""

    label: str
    line: int
    items: list = member(default_factory=list)
    # An 一级 the scheme does not know: said once on its row; its rows are read (their 二级 checked) but not
    # placed, so that one wrong label is one message, not one more on every row under it
    known: bool = True


def _group(path: str, row, tree: list[_Group], scheme: m.Scheme | None, problems: list[Problem]) -> _Group | None:
    """The 二级 group a row's indicator goes in, opening the 一级 and 二级 the row names; None when the row
    cannot be placed (said in `problems`)."""
    l1, l2 = row.cells[0], row.cells[1]
    if l1:
        known = not scheme or l1 in scheme.level1
        if not known:
            problems.append(Problem(path, row.line, "一级指标", f"“{excerpt(l1)}”不是已知的一级指标{sch.suggest(scheme, l1, 1)}"))
        if not tree or tree[-1].label != l1:
            if any(t.label == l1 for t in tree):
                problems.append(Problem(path, row.line, "一级指标", f"“{l1}”前面已出现过，同一一级指标的行应连在一起"))
                return None
            if not l2:
                problems.append(Problem(path, row.line, "二级指标", "新的一级指标下须写明二级指标"))
                return None
            tree.append(_Group(l1, row.line, known=known))
    elif not tree:
        problems.append(Problem(path, row.line, "一级指标", "第一行须写明一级指标"))
        return None
    current = tree[-1]
    if l2:
        if scheme and l2 not in scheme.level2:
            problems.append(Problem(path, row.line, "二级指标", f"“{excerpt(l2)}”不是已知的二级指标{sch.suggest(scheme, l2, 2)}"))
            return None
        if scheme and current.known and scheme.parent(l2) != current.label:
            problems.append(Problem(path, row.line, "二级指标", f"“{l2}”不属于一级指标“{current.label}”，"
                                                              f"而属于“{scheme.parent(l2)}”"))
            return None
        if not current.items or current.items[-1].label != l2:
            if any(g.label == l2 for g in current.items):
                problems.append(Problem(path, row.line, "二级指标", f"“{l2}”前面已出现过，同一二级指标的行应连在一起"))
                return None
            current.items.append(_Group(l2, row.line))
    # under an 一级 or 二级 already said to be wrong: nowhere to place the row, and nothing more to say
    return current.items[-1] if current.known and current.items else None


def _in_order(path: str, items: list[_Group], order: tuple[str, ...], field: str, scheme: m.Scheme,
              problems: list[Problem]) -> list[_Group]:
    """Groups in the scheme's order, as the paper form prints them; a table written otherwise is warned."""
    ordered = sorted(items, key=lambda item: order.index(item.label))
    moved = next((want for have, want in zip(items, ordered, strict=False) if have is not want), None)
    if moved:
        after = items[items.index(moved) - 1].label
        problems.append(Problem(path, moved.line, field, f"“{moved.label}”在指标体系“{scheme.name}”中排在“{after}”之前："
                                                         f"打印时按指标体系的顺序排列", "warning"))
    return ordered
