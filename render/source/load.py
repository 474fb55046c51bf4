"""Turn a content folder into a validated model, collecting every problem on the way."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from render.problems import Problem
from render.source import model as m
from render.source import scheme as sch
from render.source.parse import Entry, ParsedFile, decode, parse_markdown, parse_yaml

# A cell holds about 14 (三级指标) or 9 (绩效值) characters a line, the goal about 33, and a page about 40
# lines: text beyond these cannot stay on one page, and WeasyPrint then splits the row (docs/weasyprint.md).
TALLEST_NAME, TALLEST_VALUE, TALLEST_GOAL = 500, 320, 1200
_AMOUNT = re.compile(r"^[+-]?\d+(\.\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")  # 1,234.5: thousands separators
_DEPT_DIR = re.compile(r"^(\d+)-(.+)$")
_NUMBERED = re.compile(r"^\d{2,}-")


def load(content_root: Path, repo_root: Path) -> tuple[m.Content, list[Problem]]:
    """Read every department under content_root/<年度>/<编码-名称>/; projects with errors are left out."""
    problems: list[Problem] = []
    departments = []
    root = content_root.resolve()
    if not root.is_dir():
        return m.Content(str(content_root), ()), [Problem(str(content_root), 0, "内容目录", "找不到这个文件夹")]
    for year_dir in _entries_of(content_root):
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
        for dept_dir in _entries_of(year_dir):
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
    line = 0 if path.is_dir() else 1
    try:
        path.resolve().relative_to(root)
    except ValueError:
        problems.append(Problem(_rel(path, repo_root), line, "文件",
                                "是指向内容文件夹以外的链接，已拒绝读取"))
        return False
    except (OSError, RuntimeError):  # a link that points back at itself
        problems.append(Problem(_rel(path, repo_root), 1, "文件", "是循环的链接，无法读取"))
        return False
    if not path.exists():
        problems.append(Problem(_rel(path, repo_root), 1, "文件", "是失效的链接"))
        return False
    return True


def _entries_of(folder: Path) -> list[Path]:
    """A folder's entries in name order, without hidden ones (.DS_Store, ._name from a Mac, editor files)."""
    return sorted(p for p in folder.iterdir() if not p.name.startswith("."))


def _unknown(path: Path, repo_root: Path) -> Problem:
    return Problem(_rel(path, repo_root), 0, "文件",
                   f"不是项目文件（*.md）也不是{m.DEPARTMENT_FILE}，已忽略", "warning")


def _read(path: Path, repo_root: Path, problems: list[Problem]) -> str | None:
    try:
        data = path.read_bytes()
    except OSError as e:
        problems.append(Problem(_rel(path, repo_root), 1, "文件", f"无法读取：{e.strerror or e}"))
        return None
    text, found = decode(_rel(path, repo_root), data)
    problems.extend(found)
    return text


def _department(folder: Path, root: Path, repo_root: Path, problems: list[Problem]) -> m.Department | None:
    rel = _rel(folder, repo_root)
    match = _DEPT_DIR.match(folder.name)
    if not match:
        problems.append(Problem(rel, 0, "部门文件夹", "文件夹名应为“部门编码-部门名称”，如 018-平罗县司法局"))
        return None
    year = folder.parent.name
    # The department file first: it names the scheme the projects' tables are checked against.
    header, stated, scheme = _department_file(folder, root, year, match, repo_root, problems)
    projects, names = [], {}
    complete = True  # every project file loaded: only then can a stated 合计 be checked
    seen_files = False
    entries = _entries_of(folder)
    numbers: dict[int, Path] = {}
    free = max([int(p.name.split("-")[0]) for p in entries if _NUMBERED.match(p.name)], default=0) + 1
    for path in entries:
        if path.name == m.DEPARTMENT_FILE:
            continue
        if not _inside(path, root, repo_root, problems):
            complete = False
            continue
        misnamed = _misnamed(path.name)
        if misnamed and path.is_file():
            problems.append(Problem(_rel(path, repo_root), 1, "文件名", misnamed))
            complete = False
            continue
        if path.suffix != ".md" or not path.is_file():
            problems.append(_unknown(path, repo_root))
            continue
        seen_files = True
        if not _NUMBERED.match(path.name):
            problems.append(Problem(_rel(path, repo_root), 1, "文件名",
                                    "应以两位序号开头，如 11-项目名称.md：序号决定装订册中的顺序", "warning"))
        else:
            number, _, rest = path.name.partition("-")
            if int(number) in numbers:
                problems.append(Problem(_rel(path, repo_root), 1, "文件名",
                                        f"序号 {number} 与“{numbers[int(number)].name}”重复：序号决定装订册中的顺序，"
                                        f"请改名为“{free:02d}-{rest}”"))
                free += 1
            numbers.setdefault(int(number), path)
        project = _project_file(path, year, folder.name, scheme, repo_root, problems)
        if project is None:
            complete = False
            continue
        if project.name in names:
            problems.append(Problem(project.source, project.lines["项目名称"], "项目名称",
                                    f"与 {names[project.name]} 的项目名称重复"))
            complete = False
            continue
        names[project.name] = project.source
        projects.append(project)
    problems += _office_names(projects)
    if not seen_files:
        problems.append(Problem(rel, 0, "部门文件夹", "没有项目文件（*.md）：装订册将只有封面和空的汇总表", "warning"))
    if header is None:
        return None
    if stated is not None and complete:
        problems += _total(header["source"], stated, projects)
    places = m.places(p.amount for p in projects)
    projects = [replace(p, places=places) for p in projects]
    return m.Department(projects=tuple(projects), folder=rel, year=year, **header)


def _misnamed(name: str) -> str:
    """Why a project file under this name would not be read, and what to rename it to; "" if it would be."""
    if name.lower().endswith(".md.txt"):
        return f"以“.md.txt”结尾，不会当作项目文件读取（Windows 常把扩展名隐藏）：请改名为“{name[:-4]}”"
    if name.lower().endswith(".md") and not name.endswith(".md"):
        return f"扩展名应为小写的“.md”：请改名为“{name[:-3]}.md”"
    return ""


def _project_file(path: Path, year: str, dept_dir: str, scheme: m.Scheme | None, repo_root: Path,
                  problems: list[Problem]) -> m.Project | None:
    text = _read(path, repo_root, problems)
    if text is None:
        return None
    parsed, found = parse_markdown(_rel(path, repo_root), text)
    problems.extend(found)
    if parsed is None:
        return None
    project, found = _project(parsed, path.stem, year, dept_dir, scheme)
    problems.extend(found)
    return project


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


def _department_file(folder: Path, root: Path, year: str, match: re.Match, repo_root: Path, problems: list[Problem]
                     ) -> tuple[dict | None, tuple[str, int] | None, m.Scheme | None]:
    """The department's header (None when it has an error), its stated 合计 with the line if it states one,
    and the scheme to check its tables against (the default when the file cannot say; None when it names
    one that cannot be used, so that its tables' codes are not judged by the wrong scheme)."""
    path = folder / m.DEPARTMENT_FILE
    rel = _rel(path, repo_root)
    field = "部门信息"
    fallback = sch.default()
    if not path.is_file() and not path.is_symlink():
        problems.append(Problem(rel, 0, field, f"缺少部门信息文件 {m.DEPARTMENT_FILE}（部门名称、部门编码、年度、编制日期）"))
        return None, None, fallback
    if not _inside(path, root, repo_root, problems):
        return None, None, fallback
    if not path.is_file():
        problems.append(Problem(rel, 0, field, f"{m.DEPARTMENT_FILE} 应为文件"))
        return None, None, fallback
    text = _read(path, repo_root, problems)
    if text is None:
        return None, None, fallback
    entries, found = parse_yaml(rel, text, 1, field)
    problems.extend(found)
    if found:
        return None, None, fallback
    found = []
    values, lines = _entries(rel, entries, m.DEPARTMENT_KEYS + ("合计",), ("部门名称", "部门编码", "年度", "编制日期"),
                             found)
    code, name = match.group(1), match.group(2)
    checks = [("部门编码", code, "与文件夹名的编码"), ("部门名称", name, "与文件夹名的部门名称"), ("年度", year, "与年度文件夹")]
    for key, expected, what in checks:
        if key in values and values[key] != expected:
            found.append(Problem(rel, lines[key], key, f"“{values[key]}”{what}“{expected}”不一致"))
    date = parse_date(values["编制日期"]) if values.get("编制日期") else None
    if values.get("编制日期") and date is None:
        found.append(Problem(rel, lines["编制日期"], "编制日期", f"“{values['编制日期']}”不是日期，应写作 2025-01-20"))
    elif values.get("编制日期") == "":
        found.append(Problem(rel, lines["编制日期"], "编制日期", "是空的：请填写实际的编制日期，如 2025-01-20"
                                                              "（填写之前，封面上的编制日期留空白）", "warning"))
    scheme = fallback
    if values.get(sch.FIELD):
        scheme, bad = sch.load(values[sch.FIELD]) if values[sch.FIELD] in sch.names() else (None, ())
        found += bad
        if scheme is None and not bad:
            close = sch.suggest_name(values[sch.FIELD])
            found.append(Problem(rel, lines[sch.FIELD], sch.FIELD, f"“{values[sch.FIELD]}”不是已有的指标体系{close}"))
    problems += found
    if any(p.severity == "error" for p in found):
        return None, None, scheme
    title = values.get("册名") or f"{name}{year}年部门项目支出预算绩效目标表"
    header = dict(source=rel, code=code, name=name, title=title, date=date, compiler=values.get("编制单位", ""),
                  scheme=scheme)
    stated = (values["合计"], lines["合计"]) if values.get("合计") else None
    return header, stated, scheme


def _total(source: str, stated: tuple[str, int], projects: list[m.Project]) -> list[Problem]:
    """A wrong 合计 stops the volume (its file has an error), not the projects' own tables."""
    text, line = stated
    written, problems = read_amount(source, line, "合计", text)
    total = sum((p.amount for p in projects), Decimal(0))
    if written is not None and written != total:
        problems.append(Problem(source, line, "合计", f"写明的合计 {written} 万元与各项目年度金额之和 {total} 万元不符，"
                                                      f"相差 {written - total} 万元"))
    return problems


def read_amount(path: str, line: int, field: str, text: str) -> tuple[Decimal | None, list[Problem]]:
    """An amount in 万元 as a clerk types it: full-width digits and thousands separators are read (and
    said), anything else that is not a plain number is an error, and so is a negative one or a fraction
    of a fen."""
    typed = text.strip()
    plain = unicodedata.normalize("NFKC", typed)
    how = ["全角字符"] if plain != typed else []
    if _GROUPED.match(plain):
        plain = plain.replace(",", "")
        how.append("千位分隔符")
    if not _AMOUNT.match(plain):
        what = "是空的" if not typed else f"“{typed}”不是数字"
        return None, [Problem(path, line, field, f"{what}（单位已是万元，只写数字，如 39.05）")]
    value = Decimal(plain.lstrip("+"))
    if value < 0:
        return None, [Problem(path, line, field, f"“{typed}”不能为负数")]
    places = -value.as_tuple().exponent
    if places > m.MAX_PLACES:
        return None, [Problem(path, line, field, f"“{typed}”有 {places} 位小数：单位是万元，"
                                                 f"最多 {m.MAX_PLACES} 位小数（即精确到分）")]
    if how:
        return value, [Problem(path, line, field, f"“{typed}”含{'和'.join(how)}，已按 {plain} 读取", "warning")]
    return value, []


def parse_date(text: str) -> dt.date | None:
    """Accept 2025-01-20, 2025/1/20 or 2025年1月20日."""
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text.strip())
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        return None


def _entries(path: str, entries: tuple[Entry, ...] | list[Entry], known: tuple[str, ...],
             required: tuple[str, ...], problems: list[Problem]) -> tuple[dict[str, str], dict[str, int]]:
    """The usable `key: value`s (the first of a repeated key), with every other entry reported."""
    values: dict[str, str] = {}
    lines: dict[str, int] = {}
    seen = set()
    for e in entries:
        if e.key not in known:
            problems.append(Problem(path, e.line, e.key, f"不认识的栏目名；可用的有：{'、'.join(known)}"))
        elif e.key in seen:
            first = lines.get(e.key) or next(x.line for x in entries if x.key == e.key)
            problems.append(Problem(path, e.line, e.key, f"重复出现（第 {first} 行已有）"))
        elif e.value is None:
            problems.append(Problem(path, e.line, e.key, "应为一段文字，不能是列表或多级内容"))
        else:
            values[e.key] = e.value.strip()
            lines[e.key] = e.line
        seen.add(e.key)
    for key in required:
        if key not in seen:
            problems.append(Problem(path, 1, key, "缺少这一栏"))
    return values, lines


def _project(parsed: ParsedFile, stem: str, year: str, dept_dir: str,
             scheme: m.Scheme | None = None) -> tuple[m.Project | None, list[Problem]]:
    """One project file's model; `scheme` None: its department's scheme is unknown, its codes unchecked."""
    problems: list[Problem] = []
    path = parsed.path
    lines: dict[str, int] = {}
    values: dict[str, str] = {}
    amount = None
    if parsed.header_ok:  # else the YAML error is the one thing to say about the header
        values, lines = _entries(path, parsed.entries, m.PROJECT_KEYS, m.PROJECT_KEYS, problems)
        problems += _fields(path, values, lines, dept_dir)
        if "项目年度金额" in values:
            amount, found = read_amount(path, lines["项目年度金额"], "项目年度金额", values["项目年度金额"])
            problems += found
            if amount == 0:
                problems.append(Problem(path, lines["项目年度金额"], "项目年度金额", "是 0：请核对金额", "warning"))
    sections = _known_sections(path, parsed, problems)
    goal = _goal(path, sections, lines, problems)
    levels: tuple[m.Level1, ...] = ()
    if m.INDICATORS not in sections:
        problems.append(Problem(path, 1, m.INDICATORS, f"缺少“## {m.INDICATORS}”栏目"))
    else:
        levels = _indicators(path, sections[m.INDICATORS], scheme, problems)
    if not parsed.header_ok or any(p.severity == "error" for p in problems):
        return None, problems
    return m.Project(
        source=path, stem=stem, year=year, department_dir=dept_dir,
        name=values["项目名称"], department=values["主管部门"], implementer=values["实施单位"],
        attribute=values["项目属性"], term=values["项目期限"], office=values["项目主管处室"],
        amount=amount, goal=goal, levels=levels, lines=lines,
    ), problems


def _fields(path: str, values: dict[str, str], lines: dict[str, int], dept_dir: str) -> list[Problem]:
    """Each header field present, checked on its own, so that one mistake does not hide the next."""
    problems = []
    if values.get("项目名称") == "":
        problems.append(Problem(path, lines["项目名称"], "项目名称", "不能为空"))
    if "主管部门" in values and values["主管部门"] != dept_dir:
        problems.append(Problem(path, lines["主管部门"], "主管部门",
                                f"“{values['主管部门']}”与所在部门文件夹“{dept_dir}”不一致"))
    for key in ("实施单位", "项目期限", "项目主管处室"):
        if values.get(key) == "":
            problems.append(Problem(path, lines[key], key, "是空的", "warning"))
    return problems


def _known_sections(path: str, parsed: ParsedFile, problems: list[Problem]) -> dict:
    """The two sections of the form by title, each the first of its name."""
    sections = {}
    for s in parsed.sections:
        if s.title not in (m.GOAL, m.INDICATORS):
            problems.append(Problem(path, s.line, "栏目", f"不认识的栏目“{s.title}”；应为“{m.GOAL}”或“{m.INDICATORS}”"))
        elif s.title in sections:
            problems.append(Problem(path, s.line, s.title, f"栏目重复（第 {sections[s.title].line} 行已有）"))
        else:
            sections[s.title] = s
    return sections


def _goal(path: str, sections: dict, lines: dict[str, int], problems: list[Problem]) -> tuple[str, ...]:
    if m.GOAL not in sections:
        problems.append(Problem(path, 1, m.GOAL, f"缺少“## {m.GOAL}”栏目"))
        return ()
    s = sections[m.GOAL]
    goal = tuple(text for text, _ in s.paragraphs)
    if s.tables:
        problems.append(Problem(path, s.tables[0][0].line, m.GOAL, "此栏只写文字，不能有表格"))
    if not goal:
        problems.append(Problem(path, s.line, m.GOAL, "是空的", "warning"))
    lines[m.GOAL] = s.paragraphs[0][1] if s.paragraphs else s.line
    if sum(map(len, goal)) > TALLEST_GOAL:
        problems.append(Problem(path, lines[m.GOAL], m.GOAL, f"内容过长（{sum(map(len, goal))} 字）：超过一页，"
                                "表头之后的指标表将从后面的页开始", "warning"))
    return goal


def _indicators(path: str, section, scheme: m.Scheme | None, problems: list[Problem]) -> tuple[m.Level1, ...]:
    field = m.INDICATORS
    if len(section.tables) != 1:
        what = "没有表格" if not section.tables else "只能有一张表格"
        problems.append(Problem(path, section.line, field, what))
        return ()
    for text, line in section.paragraphs:
        problems.append(Problem(path, line, field, f"表格之外的文字“{text[:20]}”不会印出：请放进表格或删去"))
    head, *rows = section.tables[0]
    shape = f"| {' | '.join(m.INDICATOR_HEADS)} |"
    if head.cells != m.INDICATOR_HEADS:
        problems.append(Problem(path, head.line, field, f"表头应为 {shape}"))
        return ()
    if not rows:
        problems.append(Problem(path, head.line, field, "表格没有指标行"))
        return ()
    tree: list[list] = []  # [label, line, [[label2, line, [Indicator]]]]
    for row in rows:
        if row.written_cells != 4:
            # Markdown pads a short row and drops a long one's tail: the cells would land in the wrong column.
            hint = "单元格中的“|”请写作“\\|”" if row.written_cells > 4 else "空着的格也要用“|”隔开"
            problems.append(Problem(path, row.line, field,
                                    f"本行有 {row.written_cells} 格，应为 4 格：{shape}（{hint}）"))
            continue
        l1, l2, name, value = row.cells
        if l1:
            if scheme and l1 not in scheme.level1:
                problems.append(Problem(path, row.line, "一级指标", f"“{l1}”不是已知的一级指标{sch.suggest(scheme, l1, 1)}"))
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
            if scheme and l2 not in scheme.level2:
                problems.append(Problem(path, row.line, "二级指标", f"“{l2}”不是已知的二级指标{sch.suggest(scheme, l2, 2)}"))
                continue
            if scheme and scheme.parent(l2) != current[0]:
                problems.append(Problem(path, row.line, "二级指标", f"“{l2}”不属于一级指标“{current[0]}”，"
                                                                  f"而属于“{scheme.parent(l2)}”"))
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
        for field_name, text, limit in (("三级指标", name, TALLEST_NAME), ("绩效值", value, TALLEST_VALUE)):
            if len(text) > limit:
                problems.append(Problem(path, row.line, field_name, f"内容过长（{len(text)} 字）：这一行高过一页，"
                                        "打印时会被拆到两页，列标题和一级、二级指标在后页不会重印", "warning"))
        current[2][-1][2].append(m.Indicator(name, value, row.line))
    if scheme:
        tree = _in_order(path, tree, scheme.level1, "一级指标", scheme, problems)
        for level in tree:
            level[2] = _in_order(path, level[2], scheme.level2, "二级指标", scheme, problems)
    return tuple(
        m.Level1(l1, tuple(m.Level2(l2, tuple(ind), line2) for l2, line2, ind in groups), line1)
        for l1, line1, groups in tree
    )


def _in_order(path: str, items: list[list], order: tuple[str, ...], field: str, scheme: m.Scheme,
              problems: list[Problem]) -> list[list]:
    """Groups in the scheme's order, as the paper form prints them; a table written otherwise is warned."""
    ordered = sorted(items, key=lambda item: order.index(item[0]))
    moved = next((want for have, want in zip(items, ordered, strict=False) if have is not want), None)
    if moved:
        after = items[items.index(moved) - 1][0]
        problems.append(Problem(path, moved[1], field, f"“{moved[0]}”在指标体系“{scheme.name}”中排在“{after}”之前："
                                                       f"打印时按指标体系的顺序排列", "warning"))
    return ordered
