"""Turn the files given to `import` into content files on disk (a project file per table, a 部门.yml per new
department, never one overwritten unasked), and say what was written, kept, repaired and refused."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from render.problems import Exit, Kind, Level, Problem, exit_code, plain
from render.produce.files import write_atomic
from render.source import fields, limits
from render.source import model as m
from render.source import scheme as sch
from render.source.entries import parse_date
from render.source.frontmatter import parse_yaml
from render.source.importer import department_yaml, project_markdown, safe_name, target_file
from render.source.limits import excerpt
from render.source.pasted import Note, Table, assign_years, parse_tables, read_rows
from render.source.rows import Unreadable
from render.system import system_message


@dataclass(frozen=True)
class ImportReport:
    written: tuple[str, ...]
    kept: tuple[str, ...]  # existing project files left alone (no --force)
    problems: tuple[Problem, ...]  # what it repaired (notes) and refused (errors)
    departments_kept: tuple[str, ...] = ()  # existing 部门.yml: never rewritten, the clerk may have edited it
    undated: tuple[str, ...] = ()  # 部门.yml written without 编制日期, for the clerk to fill in

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def import_files(paths: list[Path], content: Path, *, force: bool = False, year: str | None = None,
                 date: str | None = None, scheme: m.Scheme | None = None) -> ImportReport:
    scheme = scheme or sch.default()
    notes: list[Note] = []
    tables: list[Table] = []
    for path in paths:
        try:
            rows, read_notes = read_rows(path)
        except Unreadable as e:
            notes.append(Note(path.name, 0, 0, str(e), error=True))
            continue
        except OSError as e:
            notes.append(Note(path.name, 0, 0, f"无法读取：{system_message(e)}", error=True))
            continue
        found, found_notes = parse_tables(rows, scheme)
        tables += found
        notes += read_notes + found_notes
    assign_years(tables, year, notes)
    for t in tables:
        if "项目名称" in t.fields and not t.fields["项目名称"]:
            notes.append(Note(t.source, t.number, t.line, "项目名称是空的", error=True))
    bad = {(n.source, n.table) for n in notes if n.error}
    written: list[str] = []
    kept: list[str] = []
    departments: list[str] = []
    undated: list[str] = []
    claimed: dict[Path, Table] = {}
    for t in tables:
        if (t.source, t.number) in bad:
            continue
        folder = _folder(content, t, notes)
        if folder is None:
            continue
        dept_file = folder / fields.DEPARTMENT_FILE
        if not dept_file.exists():
            code, _, name = t.fields["主管部门"].partition("-")
            _write(dept_file, department_yaml(code, name, t.year, date, scheme))
            written.append(str(dept_file))
            if not date:
                undated.append(str(dept_file))
        elif str(dept_file) not in written + departments:
            departments.append(str(dept_file))
        named = scheme_named(dept_file)
        if named != scheme.name:
            notes.append(Note(t.source, t.number, t.line, f"{dept_file} 写明指标体系“{named}”，本次按“{scheme.name}”导入："
                                                          f"请加 --scheme {named} 重新导入", error=True))
            continue
        target = target_file(folder, t.fields["项目名称"])
        if target in claimed:
            first = claimed[target]
            notes.append(Note(t.source, t.number, t.line, f"与 {first.source} 表{first.number} 是同一年度、同一部门的"
                                                          f"同名项目，未导入", error=True))
            continue
        claimed[target] = t
        if target.exists() and not force:
            kept.append(str(target))
            continue
        _write(target, project_markdown(t))
        written.append(str(target))
    names = {(t.source, t.number): t.fields.get("项目名称", "") for t in tables}
    problems = tuple(n.problem(names.get((n.source, n.table), "")) for n in notes)
    return ImportReport(tuple(written), tuple(kept), problems, tuple(departments), tuple(undated))


def scheme_named(dept_file: Path) -> str:
    """The scheme an existing 部门.yml names; its other problems are for check to report."""
    try:
        entries, _ = parse_yaml(dept_file.name, dept_file.read_text(encoding="utf-8"), 1, fields.DEPARTMENT_FILE)
    except (OSError, UnicodeDecodeError):
        return sch.DEFAULT
    value = next((e.value for e in entries if e.key == sch.FIELD), None)
    return value.strip() if value and value.strip() else sch.DEFAULT


def _folder(content: Path, t: Table, notes: list[Note]) -> Path | None:
    """content/<年度>/<编码-部门>/ for a table, made if new."""
    code, sep, name = t.fields["主管部门"].partition("-")
    if not (sep and code.isdigit() and name):
        notes.append(Note(t.source, t.number, t.line,
                          f"主管部门“{excerpt(t.fields['主管部门'])}”应为“编码-名称”，如 018-平罗县司法局", error=True))
        return None
    if safe_name(name) != name:
        # The folder must be named 编码-部门名称 exactly (check compares them), so a name that cannot be a
        # folder's (018-../../../escape) is refused rather than written where check would refuse it.
        notes.append(Note(t.source, t.number, t.line,
                          f"主管部门“{excerpt(t.fields['主管部门'])}”的部门名称不能用作文件夹名：不能含 \\ / : * ? \" < > | "
                          f"和控制字符，不能以空格或点开头、结尾，不超过 80 个字；请在原表中改正后重新导入", error=True))
        return None
    folder = content / t.year / f"{code}-{name}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _write(path: Path, text: str) -> None:
    write_atomic(path, text.encode("utf-8"))


def run_import(files: list[Path], content: Path, *, force: bool, year: str | None, date: str | None = None,
               scheme: str | None = None, say=plain) -> Exit:
    # What the command line asks for that cannot be: said before anything is read or written.
    problems = [Problem(str(f), 0, "文件", "找不到这个文件", kind=Kind.REFUSED) for f in files if not f.is_file()]
    if year is not None and not fields.is_year(year):
        problems.append(Problem("--year", 0, year, "年度应为四位数字，如 2025", kind=Kind.REFUSED))
    if date is not None and parse_date(date) is None:
        problems.append(Problem("--date", 0, date, "不是日期，应写作 2025-01-20", kind=Kind.REFUSED))
    chosen = None
    if scheme is not None:
        chosen, bad = sch.load(scheme) if scheme in sch.names() else (None, ())
        problems += list(bad) or ([] if chosen else [Problem("--scheme", 0, scheme, f"不是已有的指标体系"
                                                             f"{sch.suggest_name(scheme)}", kind=Kind.REFUSED)])
    for p in problems:
        say(str(p), Level.PROBLEM)
    if problems:
        return exit_code(problems)
    report = import_files(files, content, force=force, year=year, date=date, scheme=chosen)
    order = {f.name: k for k, f in enumerate(files)}
    ordered = sorted(report.problems, key=lambda p: (order.get(p.path.split("[")[0], 0), p.path, p.line))
    for p in limits.capped(ordered):  # a file of thousands of mistakes: the first of them, and a count
        say(str(p), Level.PROBLEM)
    for path in report.written:
        say(f"写出：{path}", Level.MADE)
    for path in report.kept:
        say(f"已存在，未覆盖（加 --force 覆盖）：{path}", Level.PROBLEM)
    for path in report.departments_kept:
        say(f"已有部门信息文件，未改动：{path}", Level.DONE)
    for path in report.undated:
        say(f"编制日期未填写：请在 {path} 中填写实际的编制日期（或导入时加 --date 2025-01-20）；"
            f"填写之前，check 会提醒，封面上留空白", Level.PROBLEM)
    count = {severity: sum(p.severity == severity for p in report.problems) for severity in ("error", "warning", "note")}
    say(f"导入：写出 {len(report.written)} 个文件，保留 {len(report.kept)} 个已有文件，{count['error']} 个错误，"
        + (f"{count['warning']} 个警告，" if count["warning"] else "") + f"{count['note']} 处修复"
        + (f"，{len(report.undated)} 个部门的编制日期待填" if report.undated else ""),
        Level.FAILED if report.failed else Level.DONE)
    return exit_code(report.problems)
