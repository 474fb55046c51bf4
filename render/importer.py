"""Turn tables pasted from the budget system (tab-separated text or .xlsx) into content files."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import model as m

TITLE = "部门项目支出预算绩效目标表"
LABELS = m.PROJECT_KEYS + (m.GOAL,)
_YEAR = re.compile(r"(20\d\d)年")


@dataclass(frozen=True)
class Note:
    """What the import repaired or refused, for the clerk to check against the source."""

    source: str
    table: int
    row: int  # line in a text file, row in a sheet
    message: str
    error: bool = False

    def __str__(self) -> str:
        tag = "错误" if self.error else "已修复"
        return f"{self.source}:{self.row}: 表{self.table}: {tag}：{self.message}"


@dataclass
class Table:
    source: str
    number: int
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    year: str = ""


def read_rows(path: Path) -> list[tuple[str, int, list[str]]]:
    """(where, row number, cells) for a text file or every sheet of a workbook."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        out = []
        for sheet in book.worksheets:
            for n, row in enumerate(sheet.iter_rows(values_only=True), 1):
                out.append((f"{path.name}[{sheet.title}]", n, [_cell_text(v) for v in row]))
        return out
    text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    return [(path.name, n, line.split("\t")) for n, line in enumerate(text.split("\n"), 1)]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def parse_tables(rows: list[tuple[str, int, list[str]]]) -> tuple[list[Table], list[Note]]:
    tables: list[Table] = []
    notes: list[Note] = []
    current: Table | None = None
    in_indicators = False
    for where, n, raw in rows:
        cells = [c.strip() for c in raw]
        filled = [c for c in cells if c]
        if not filled or filled in ([TITLE], ["单位：万元"], ["单位:万元"]):
            continue
        if filled[0] == "项目名称" or current is None or current.source != where:
            current = Table(where, len(tables) + 1, n)
            tables.append(current)
            in_indicators = False
        if tuple(filled) == m.INDICATOR_HEADS:
            in_indicators = True
            continue
        if not in_indicators:
            _header_row(current, n, cells, notes)
        else:
            _indicator_row(current, n, cells, notes)
    for t in tables:
        missing = [k for k in m.PROJECT_KEYS if k not in t.fields]
        if missing:
            notes.append(Note(t.source, t.number, t.line, f"缺少{'、'.join(missing)}", error=True))
        if not t.rows:
            notes.append(Note(t.source, t.number, t.line, "没有指标行", error=True))
    return tables, notes


def _header_row(t: Table, n: int, cells: list[str], notes: list[Note]) -> None:
    k = 0
    while k < len(cells):
        label = cells[k]
        if label in LABELS:
            value = cells[k + 1] if k + 1 < len(cells) else ""
            if label in t.fields:
                notes.append(Note(t.source, t.number, n, f"“{label}”出现两次，保留第一次的内容", error=True))
            else:
                t.fields[label] = value
            k += 2
        elif label:
            notes.append(Note(t.source, t.number, n, f"不认识的栏目“{label}”，未导入", error=True))
            k += 1
        else:
            k += 1


def _indicator_row(t: Table, n: int, cells: list[str], notes: list[Note]) -> None:
    """Place a row by its codes, wherever the copy put them: the codes say which level a cell is."""
    l1 = l2 = ""
    last_code = -1
    texts: list[tuple[int, str]] = []
    for k, c in enumerate(cells):
        if c in m.LEVEL1 and not l1 and not texts:
            l1, last_code = c, k
        elif c in m.LEVEL2 and not l2 and not texts:
            l2, last_code = c, k
        elif c:
            texts.append((k, c))
    name_col = max(2, last_code + 1)
    if len(texts) > 2:
        notes.append(Note(t.source, t.number, n, f"本行有 {len(texts)} 段文字，多于三级指标和绩效值两栏："
                                                 f"{' | '.join(c for _, c in texts)}", error=True))
        return
    if len(texts) == 2:
        name, value = texts[0][1], texts[1][1]
    elif len(texts) == 1:
        name, value = (texts[0][1], "") if texts[0][0] == name_col else ("", texts[0][1])
    else:
        name = value = ""
    row = (l1, l2, name, value)
    standard = list(row)
    while len(cells) > 4 and not cells[-1]:
        cells = cells[:-1]
    if cells[:4] + [""] * (4 - len(cells[:4])) != standard or len(cells) > 4:
        shown = " | ".join(c or "（空）" for c in cells)
        placed = "，".join(f"{h}“{v}”" for h, v in zip(m.INDICATOR_HEADS, row) if v) or "空行"
        notes.append(Note(t.source, t.number, n, f"错位的行 [{shown}] 按编码归位为：{placed}"))
    t.rows.append(row)


def assign_years(tables: list[Table], year: str | None, notes: list[Note]) -> None:
    """The pasted form has no year field: take it from --year, else from the years its text names."""
    by_file: dict[str, Counter] = {}
    for t in tables:
        text = " ".join(list(t.fields.values()) + [c for row in t.rows for c in row])
        t.year = year or ""
        found = Counter(_YEAR.findall(text))
        by_file.setdefault(t.source.split("[")[0], Counter()).update(found)
        if not t.year and found:
            t.year = found.most_common(1)[0][0]
    for t in tables:
        if not t.year:
            common = by_file[t.source.split("[")[0]].most_common(1)
            if common:
                t.year = common[0][0]
                notes.append(Note(t.source, t.number, t.line, f"表中未写年份，按同一文件其他表取 {t.year} 年"))
            else:
                notes.append(Note(t.source, t.number, t.line, "无法判断年度，请用 --year 指定", error=True))


def safe_name(text: str) -> str:
    """A file name every system accepts, still recognisable to a person."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", text).strip(" .")
    return name[:80] or "未命名项目"


def _yaml_value(text: str) -> str:
    """Plain when YAML reads the text back unchanged as plain text, else double-quoted."""
    if text == "":
        return ""
    try:
        node = yaml.compose(f"k: {text}\n", Loader=yaml.SafeLoader)
        plain = (isinstance(node, yaml.MappingNode) and len(node.value) == 1
                 and isinstance(node.value[0][1], yaml.ScalarNode)
                 and node.value[0][1].style is None and node.value[0][1].value == text
                 and node.value[0][1].tag != "tag:yaml.org,2002:null")
    except yaml.YAMLError:
        plain = False
    return " " + text if plain else " " + json.dumps(text, ensure_ascii=False)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _prose(text: str) -> str:
    # A leading # or fence would make Markdown structure out of the clerk's text: escape it.
    return "\\" + text if text.startswith(("#", "`", "~")) else text


def project_markdown(t: Table) -> str:
    out = ["---"]
    for key in m.PROJECT_KEYS:
        out.append(f"{key}:{_yaml_value(t.fields.get(key, ''))}")
    out += ["---", "", f"## {m.GOAL}", ""]
    goal = t.fields.get(m.GOAL, "")
    if goal:
        out += [_prose(goal), ""]
    out += [f"## {m.INDICATORS}", "", "| " + " | ".join(m.INDICATOR_HEADS) + " |", "| --- | --- | --- | --- |"]
    for row in t.rows:
        out.append("| " + " | ".join(_cell(c) for c in row) + " |")
    return "\n".join(out) + "\n"


def department_yaml(code: str, name: str, year: str, date: str) -> str:
    return "\n".join([
        "# 部门信息：封面、汇总表和装订册用。编制日期请按实际填写。",
        f"部门名称:{_yaml_value(name)}",
        f'部门编码: "{code}"',
        f"年度: {year}",
        f"册名:{_yaml_value(f'{name}{year}年{TITLE}')}",
        f"编制日期: {date}",
        f"编制单位:{_yaml_value(name)}",
    ]) + "\n"


@dataclass(frozen=True)
class ImportReport:
    written: tuple[str, ...]
    kept: tuple[str, ...]  # existing files left alone (no --force)
    notes: tuple[Note, ...]

    @property
    def failed(self) -> bool:
        return any(n.error for n in self.notes)


def import_files(paths: list[Path], content: Path, *, force: bool = False, year: str | None = None,
                 date: str) -> ImportReport:
    notes: list[Note] = []
    tables: list[Table] = []
    for path in paths:
        found, found_notes = parse_tables(read_rows(path))
        tables += found
        notes += found_notes
    assign_years(tables, year, notes)
    bad = {(n.source, n.table) for n in notes if n.error}
    written: list[str] = []
    kept: list[str] = []
    for t in tables:
        if (t.source, t.number) in bad:
            continue
        code, sep, name = t.fields["主管部门"].partition("-")
        if not (sep and code.isdigit() and name):
            notes.append(Note(t.source, t.number, t.line,
                              f"主管部门“{t.fields['主管部门']}”应为“编码-名称”", error=True))
            continue
        folder = content / t.year / f"{code}-{safe_name(name)}"
        folder.mkdir(parents=True, exist_ok=True)
        dept_file = folder / m.DEPARTMENT_FILE
        if not dept_file.exists():
            _write(dept_file, department_yaml(code, name, t.year, date))
            written.append(str(dept_file))
        target = _target(folder, t.fields["项目名称"])
        if target.exists() and not force:
            kept.append(str(target))
            continue
        _write(target, project_markdown(t))
        written.append(str(target))
    return ImportReport(tuple(written), tuple(kept), tuple(notes))


def _target(folder: Path, project_name: str) -> Path:
    """The project's existing file if it has one, else the next number in the folder."""
    stem = safe_name(project_name)
    numbers = [0]
    for p in folder.glob("*.md"):
        prefix, _, rest = p.stem.partition("-")
        if rest == stem:
            return p
        if prefix.isdigit():
            numbers.append(int(prefix))
    return folder / f"{max(numbers) + 1:02d}-{stem}.md"


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def run_import(files: list[Path], content: Path, *, force: bool, year: str | None, date: str, say=print) -> int:
    missing = [f for f in files if not f.is_file()]
    for f in missing:
        say(f"{f}: 找不到这个文件")
    if missing:
        return 1
    report = import_files(files, content, force=force, year=year, date=date)
    for note in report.notes:
        say(str(note))
    for path in report.written:
        say(f"写出：{path}")
    for path in report.kept:
        say(f"已存在，未覆盖（加 --force 覆盖）：{path}")
    say(f"导入：写出 {len(report.written)} 个文件，保留 {len(report.kept)} 个已有文件，"
        f"{sum(n.error for n in report.notes)} 个错误，{sum(not n.error for n in report.notes)} 处修复")
    return 1 if report.failed else 0
