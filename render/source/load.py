"""Turn a content folder into a validated model, collecting every problem on the way."""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from render.problems import Kind, Problem
from render.source import fields, folders
from render.source import model as m
from render.source import scheme as sch
from render.source.filing import filing
from render.source.entries import parse_date, read_amount
from render.source.limits import excerpt
from render.source.frontmatter import parse_yaml
from render.source.project import project_file
from render.source.reading import entries_of as _entries_of
from render.source.reading import inside as _inside
from render.source.reading import read as _read
from render.source.reading import rel as _rel
from render.source.reading import special
from render.source.schema import usable
from render.source.reading import unknown as _unknown

_DEPT_DIR = re.compile(r"^(\d+)-(.+)$")
_NUMBERED = re.compile(r"^\d{2,}-")


def load(content_root: Path, repo_root: Path, within: Path | None = None) -> tuple[m.Content, list[Problem]]:
    """Read every department under content_root/<年度>/<编码-名称>/; projects with errors are left out.

    `within`: a department folder or a file in one (`build.py PATH`, a page of the site): that department
    alone is read and judged, as no check compares one department with another."""
    problems: list[Problem] = []
    departments = []
    root = content_root.resolve()
    chosen = _department_of(within, root)
    if not root.is_dir():
        # a folder that is not there is a command that cannot run, as for a build: nothing to check
        return m.Content(str(content_root), ()), [Problem(str(content_root), 0, "内容目录", folders.missing(content_root),
                                                          kind=Kind.REFUSED)]
    misplaced = folders.not_a_content_folder(content_root)
    if misplaced:
        return m.Content(str(content_root), ()), [misplaced]
    for year_dir in _entries_of(content_root):
        if chosen is not None and year_dir.name != chosen[0]:
            continue
        if not _inside(year_dir, root, repo_root, problems):
            continue
        if not year_dir.is_dir():
            if year_dir.name != "README.md" or special(year_dir):
                problems.append(_unknown(year_dir, repo_root))
            continue
        if not fields.is_year(year_dir.name):
            problems.append(Problem(_rel(year_dir, repo_root), 0, "年度文件夹",
                                    "文件夹名应为四位年份，如 2025"))
            continue
        for dept_dir in _entries_of(year_dir):
            if chosen is not None and (year_dir.name, dept_dir.name) != chosen:
                continue
            if not _inside(dept_dir, root, repo_root, problems):
                continue
            if not dept_dir.is_dir():
                problems.append(_unknown(dept_dir, repo_root))
                continue
            dept = _department(dept_dir, root, repo_root, problems)
            if dept:
                departments.append(dept)
    if not departments and not problems:
        problems.append(Problem(_rel(content_root, repo_root), 0, "内容目录",
                                "没有找到任何部门：应为 <年度>/<编码-部门名称>/<项目>.md"))
    return m.Content(str(content_root), tuple(departments)), problems


def _department_of(path: Path | None, root: Path) -> tuple[str, str] | None:
    """The (年度, 部门 folder) names `path` lies in under the content root, if it lies in one."""
    if path is None:
        return None
    try:
        parts = path.resolve().relative_to(root).parts
    except ValueError:
        return None
    return (parts[0], parts[1]) if len(parts) >= 2 else None


def department_as(folder: Path, repo_root: Path, text: str) -> tuple[m.Department | None, list[Problem]]:
    """The department folder, and what loading it says, were its 部门.yml `text` (a form's, before it is
    saved): `check` says this and what the layout says of the department (render/typeset/measure.py)."""
    problems: list[Problem] = []
    department = _department(folder, folder.parent.parent.resolve(), repo_root, problems, text)
    return department, problems


def _department(folder: Path, root: Path, repo_root: Path, problems: list[Problem], header_text: str | None = None
                ) -> m.Department | None:
    rel = _rel(folder, repo_root)
    match = _DEPT_DIR.match(folder.name)
    if not match:
        problems.append(Problem(rel, 0, "部门文件夹", "文件夹名应为“部门编码-部门名称”，如 018-平罗县司法局"))
        return None
    year = folder.parent.name
    # The department file first: it names the scheme the projects' tables are checked against.
    header, stated, scheme = _department_file(folder, root, year, match, repo_root, problems, header_text)
    projects, names = [], {}
    complete = True  # every project file loaded: only then can a stated 合计 be checked
    seen_files = False
    entries = _entries_of(folder)
    first = _first_of_each_number(entries)
    free = max([int(p.name.split("-")[0]) for p in entries if _NUMBERED.match(p.name)], default=0) + 1
    for path in entries:
        if path.name in (fields.DEPARTMENT_FILE, fields.REVIEW_FILE, fields.FEEDBACK_FILE):  # the review reads those itself
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
            if first.get(int(number), path) != path:
                problems.append(Problem(_rel(path, repo_root), 1, "文件名",
                                        f"序号 {number} 与“{first[int(number)].name}”重复：序号决定装订册中的顺序，"
                                        f"请改名为“{free:02d}-{rest}”"))
                free += 1
        text = _read(path, repo_root, problems)
        project = None if text is None else project_file(_rel(path, repo_root), text, path.stem, year, folder.name,
                                                         scheme, problems)
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
        problems.append(Problem(rel, 0, "部门文件夹", "没有项目文件（*.md）：这个部门不生成装订册", "warning"))
    if header is None:
        return None
    if stated is not None and complete:
        problems += _total(header["source"], stated, projects)
    places = m.places(p.amount for p in projects)
    projects = [replace(p, places=places) for p in projects]
    return m.Department(projects=tuple(projects), folder=rel, year=year, **header)


def _first_of_each_number(entries: list[Path]) -> dict[int, Path]:
    """The file that had each number first. A copy not yet renumbered is the newcomer, and the one to rename:
    the later saved (a copy is then edited), and of two saved at once the later name."""
    first: dict[int, Path] = {}
    for path in entries:
        if _NUMBERED.match(path.name) and path.suffix == ".md" and path.is_file():
            number = int(path.name.split("-")[0])
            if number not in first or _saved(path) < _saved(first[number]):
                first[number] = path
    return first


def _saved(path: Path) -> tuple[int, str]:
    return path.stat().st_mtime_ns, path.name


def _misnamed(name: str) -> str:
    """Why a project file under this name would not be read, and what to rename it to; "" if it would be."""
    if name.lower().endswith(".md.txt"):
        return f"以“.md.txt”结尾，不会当作项目文件读取（Windows 常把扩展名隐藏）：请改名为“{name[:-4]}”"
    if name.lower().endswith(".md") and not name.endswith(".md"):
        return f"扩展名应为小写的“.md”：请改名为“{name[:-3]}.md”"
    return ""


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
                                        f"“{excerpt(p.office)}”与本部门其他 {count} 个项目的“{excerpt(usual)}”编码相同而名称不同，请核对",
                                        "warning"))
    return problems


def _department_file(folder: Path, root: Path, year: str, match: re.Match, repo_root: Path, problems: list[Problem],
                     text: str | None = None) -> tuple[dict | None, tuple[str, int] | None, m.Scheme | None]:
    """The department's header (None when it has an error), its stated 合计 with the line if it states one,
    and the scheme to check its tables against (the default when the file cannot say; None when it names
    one that cannot be used, so that its tables' codes are not judged by the wrong scheme)."""
    path = folder / fields.DEPARTMENT_FILE
    rel = _rel(path, repo_root)
    field = "部门信息"
    fallback = sch.default()
    if not path.exists() and not path.is_symlink():
        problems.append(Problem(rel, 0, field, f"缺少部门信息文件 {fields.DEPARTMENT_FILE}（部门名称、部门编码、年度、编制日期）"))
        return None, None, fallback
    if not _inside(path, root, repo_root, problems):
        return None, None, fallback
    if not path.is_file():
        what = special(path) or "文件夹"
        problems.append(Problem(rel, 0, field, f"{fields.DEPARTMENT_FILE} 是{what}，应为普通文件"))
        return None, None, fallback
    text = _read(path, repo_root, problems) if text is None else text
    if text is None:
        return None, None, fallback
    entries, found = parse_yaml(rel, text, 1, field)
    problems.extend(found)
    if found:
        return None, None, fallback
    found = []
    values, lines = usable(rel, entries, fields.DEPARTMENT_FILE_FIELDS, found)
    code, name = match.group(1), match.group(2)
    checks = [("部门编码", code, "与文件夹名的编码"), ("部门名称", name, "与文件夹名的部门名称"), ("年度", year, "与年度文件夹")]
    for key, expected, what in checks:
        if key in values and values[key] != expected:
            found.append(Problem(rel, lines[key], key, f"“{excerpt(values[key])}”{what}“{expected}”不一致"))
    date = parse_date(values["编制日期"]) if values.get("编制日期") else None
    if values.get("编制日期") and date is None:
        found.append(Problem(rel, lines["编制日期"], "编制日期", f"“{excerpt(values['编制日期'])}”不是日期，应写作 2025-01-20"))
    elif values.get("编制日期") == "":
        found.append(Problem(rel, lines["编制日期"], "编制日期", "是空的：请填写实际的编制日期，如 2025-01-20"
                                                              "（填写之前，封面上的编制日期留空白）", "warning"))
    scheme = fallback
    if values.get(sch.FIELD):
        scheme, bad = sch.load(values[sch.FIELD]) if values[sch.FIELD] in sch.names() else (None, ())
        found += bad
        if scheme is None and not bad:
            close = sch.suggest_name(values[sch.FIELD])
            found.append(Problem(rel, lines[sch.FIELD], sch.FIELD, f"“{excerpt(values[sch.FIELD])}”不是已有的指标体系{close}"))
    archive, bad = filing(rel, values, lines)
    found += bad
    problems += found
    if any(p.severity == "error" for p in found):
        return None, None, scheme
    title = values.get("册名") or f"{name}{year}年部门项目支出预算绩效目标表"
    header = dict(source=rel, code=code, name=name, title=title, date=date, compiler=values.get("编制单位", ""),
                  scheme=scheme, filing=archive, lines=dict(lines))
    stated = (values[fields.TOTAL], lines[fields.TOTAL]) if values.get(fields.TOTAL) else None
    return header, stated, scheme


def _total(source: str, stated: tuple[str, int], projects: list[m.Project]) -> list[Problem]:
    """A wrong 合计 stops the volume (its file has an error), not the projects' own tables."""
    text, line = stated
    written, problems = read_amount(source, line, fields.TOTAL, text)
    total = sum((p.amount for p in projects), Decimal(0))
    if written is not None and written != total:
        problems.append(Problem(source, line, fields.TOTAL, f"写明的合计 {written} 万元与各项目年度金额之和 {total} 万元不符，"
                                                      f"相差 {written - total} 万元"))
    return problems


def scope(path: Path) -> tuple[Path, Path, Path]:
    """For a path given on the command line: the content folder to load (<content>/<年度>/<编码-名称>/),
    what of it was asked for (all, a year, a department or one file), and the department folder of a
    single file, whose 部门.yml it needs."""
    target = Path(os.path.abspath(path))  # “..” folded, as messages show it
    if target.is_file() and target.name == fields.DEPARTMENT_FILE:
        target = target.parent  # the department's file stands for its folder
    if target.is_file():
        root = target.parent.parent.parent
    elif (target / fields.DEPARTMENT_FILE).exists():
        root = target.parent.parent
    elif fields.is_year(target.name) and target.is_dir():
        root = target.parent
    else:
        root = target
    return root, target, target.parent if target.is_file() else target
