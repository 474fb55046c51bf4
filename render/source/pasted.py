"""Turn tables pasted from the budget system (tab-separated text or .xlsx) into rows, and the rows into
tables of the form's fields and indicators, noting every repair and refusal."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from render.problems import Problem
from render.source import fields
from render.source import limits
from render.source.limits import excerpt
from render.source import model as m
from render.source import rows
from render.source import scheme as sch
from render.source.parse import join_lines
from render.source.rows import Row

TITLE = "部门项目支出预算绩效目标表"
LABELS = fields.PROJECT_LABELS + (fields.GOAL,)
_YEAR = re.compile(r"(20\d\d)年")


@dataclass(frozen=True)
class Note:
    """What the import repaired or refused, for the clerk to check against the source."""

    source: str
    table: int  # 0: the file as a whole
    row: int  # line in a text file, row in a sheet; 0: the file as a whole
    message: str
    error: bool = False
    warning: bool = False  # imported as it is, for the clerk to look at
    field: str = ""  # the form's field the value is in, where one is meant

    def problem(self, project: str = "") -> Problem:
        """As every command reports: the table (and its 项目名称, what the clerk knows it by) and the form's
        field as the field."""
        where = f"表{self.table}" + (f"（{project}）" if project else "") if self.table else ""
        where = f"{where} {self.field}".strip()
        if self.error or self.warning:
            return Problem(self.source, self.row, where, ("错误：" if self.error else "") + self.message,
                           "error" if self.error else "warning")
        return Problem(self.source, self.row, where, "已修复：" + self.message, "note")


@dataclass
class Table:
    source: str
    number: int
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    year: str = ""


def read_rows(path: Path) -> tuple[list[Row], list[Note]]:
    """The rows of a text file or of every sheet of a workbook, with what reading them took."""
    found, said = rows.read(path)
    return found, [Note(path.name, 0, 0, text) for text in said]


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _clean(raw: list[str]) -> tuple[list[str], bool]:
    """Each cell stripped, without control characters no font can print (copied from old systems)."""
    cells = [c.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").strip() for c in raw]
    cleaned = [_CONTROL.sub("", c).strip() for c in cells]
    return cleaned, cleaned != cells


def _one_line(text: str) -> str:
    """A cell's line breaks (Alt+Enter in Excel) joined: a form field and a table cell are one line."""
    return join_lines([x.strip() for x in text.split("\n") if x.strip()]) if "\n" in text else text


def parse_tables(rows: list[Row], scheme: m.Scheme | None = None) -> tuple[list[Table], list[Note]]:
    scheme = scheme or sch.default()
    tables: list[Table] = []
    notes: list[Note] = []
    current: Table | None = None
    in_indicators = False
    for where, n, raw in rows:
        cells, changed = _clean(raw)
        filled = [c for c in cells if c]
        if not filled or filled in ([TITLE], ["单位：万元"], ["单位:万元"]):
            continue
        if filled[0] == "项目名称" or current is None or current.source != where:
            current = Table(where, len(tables) + 1, n)
            tables.append(current)
            in_indicators = False
        if changed:
            notes.append(Note(where, current.number, n, "删去了看不见的控制字符"))
        if tuple(filled) == fields.INDICATOR_HEADS:
            in_indicators = True
            continue
        if not in_indicators:
            _header_row(current, n, cells, notes)
        else:
            _indicator_row(current, n, cells, notes, scheme)
    for t in tables:
        missing = [k for k in fields.PROJECT_LABELS if k not in t.fields]
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
            value, k = _header_value(t, n, cells, k + 1, label, notes)
            if label in t.fields:
                notes.append(Note(t.source, t.number, n, f"“{label}”出现两次，保留第一次的内容", error=True))
            else:
                t.fields[label] = value if label == fields.GOAL else _one_line(value)
                _formula_like(t, n, label, value, notes)
        elif label:
            notes.append(Note(t.source, t.number, n, f"不认识的栏目“{excerpt(label)}”，未导入", error=True))
            k += 1
        else:
            k += 1


def _header_value(t: Table, n: int, cells: list[str], k: int, label: str, notes: list[Note]) -> tuple[str, int]:
    """The value after a label, and where the next label starts: a copy may drop an empty value's cell
    or push a value one cell right, as it does in the indicator rows."""
    j = next((i for i in range(k, len(cells)) if cells[i]), len(cells))
    if j == k:
        if cells[k] not in LABELS:
            return cells[k], k + 1
        notes.append(Note(t.source, t.number, n, f"“{label}”后少了它的空格子，按空值导入"))
        return "", k
    if j < len(cells) and cells[j] not in LABELS:
        notes.append(Note(t.source, t.number, n, f"“{label}”的内容“{excerpt(cells[j])}”右移了 {j - k} 格，已归位"))
        return cells[j], j + 1
    return "", k + 1


def _indicator_row(t: Table, n: int, cells: list[str], notes: list[Note], scheme: m.Scheme) -> None:
    """Place a row by its codes, wherever the copy put them: the codes say which level a cell is."""
    cells = [_code(t, n, _one_line(c), notes, scheme) for c in cells]
    l1 = l2 = ""
    last_code = -1
    texts: list[tuple[int, str]] = []
    for k, c in enumerate(cells):
        if c in scheme.level1 and not l1 and not texts:
            l1, last_code = c, k
        elif c in scheme.level2 and not l2 and not texts:
            l2, last_code = c, k
        elif c:
            texts.append((k, c))
    name_col = max(2, last_code + 1)
    if len(texts) > 2:
        notes.append(Note(t.source, t.number, n, f"本行有 {len(texts)} 段文字，多于三级指标和绩效值两栏："
                                                 f"{_listed(c for _, c in texts)}{_other_scheme(texts, scheme)}",
                          error=True))
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
        shown = _listed(c or "（空）" for c in cells)
        placed = "，".join(f"{h}“{excerpt(v)}”" for h, v in zip(fields.INDICATOR_HEADS, row, strict=False) if v) or "空行"
        notes.append(Note(t.source, t.number, n, f"错位的行 [{shown}] 按编码归位为：{placed}"))
    t.rows.append(row)
    for head, cell in zip(fields.INDICATOR_HEADS[2:], row[2:], strict=True):
        _formula_like(t, n, head, cell, notes)


_SIGNED_NUMBER = re.compile(r"[+-]\d+(\.\d+)?%?")


def _formula_like(t: Table, n: int, label: str, value: str, notes: list[Note]) -> None:
    """A value that Excel, WPS or LibreOffice would run as a formula if it were typed or pasted into a cell
    (a pasted =HYPERLINK(…) opens a web page when clicked): imported as text, and said. A signed number is
    only a number."""
    if value and value[0] in limits.FORMULA_LEADS and not _SIGNED_NUMBER.fullmatch(value):
        notes.append(Note(t.source, t.number, n, f"“{excerpt(value)}”以“{value[0]}”开头，在 Excel、WPS 中会被当作公式："
                                                 f"已按文字导入，请核对原表是否就是这样写的", warning=True, field=label))


def _listed(cells, shown: int = 8) -> str:
    """Cells as a message quotes them: the first few, each an excerpt, and how many more there were."""
    cells = list(cells)
    more = f" | …（共 {len(cells)} 格）" if len(cells) > shown else ""
    return " | ".join(excerpt(c) for c in cells[:shown]) + more


def _code(t: Table, n: int, cell: str, notes: list[Note], scheme: m.Scheme) -> str:
    """A code typed with a full-width dash, digit or a space, as the code it means (said, not silent)."""
    meant = sch.normal(cell) if cell else cell
    if meant != cell and meant in scheme.level1 + scheme.level2:
        notes.append(Note(t.source, t.number, n, f"“{excerpt(cell)}”按“{meant}”导入"))
        return meant
    return cell


def _other_scheme(texts: list[tuple[int, str]], scheme: m.Scheme) -> str:
    """A code of another shipped scheme among the texts: the table was made under that scheme."""
    for name in sch.names():
        other, _ = sch.load(name)
        if other and other != scheme and any(c in other.level1 + other.level2 for _, c in texts):
            return f"（“{next(c for _, c in texts if c in other.level1 + other.level2)}”是指标体系“{name}”的编码：" \
                   f"导入时请加 --scheme {name}）"
    return ""


def assign_years(tables: list[Table], year: str | None, notes: list[Note]) -> None:
    """The pasted form has no year field: take it from --year, else from the years its text names,
    else from the other tables of its department in the same file, else from the file's other tables."""
    by_dept: dict[tuple[str, str], Counter] = {}
    by_file: dict[str, Counter] = {}
    for t in tables:
        text = " ".join(list(t.fields.values()) + [c for row in t.rows for c in row])
        t.year = year or ""
        found = Counter(_YEAR.findall(text))
        by_dept.setdefault(_file_and_dept(t), Counter()).update(found)
        by_file.setdefault(_file_and_dept(t)[0], Counter()).update(found)
        if not t.year and found:
            t.year = found.most_common(1)[0][0]
    for t in tables:
        if t.year:
            continue
        for counts, what in ((by_dept[_file_and_dept(t)], "同一文件中本部门的其他表"),
                             (by_file[_file_and_dept(t)[0]], "同一文件的其他表")):
            if counts:
                t.year = counts.most_common(1)[0][0]
                notes.append(Note(t.source, t.number, t.line, f"表中未写年份，按{what}取 {t.year} 年"))
                break
        else:
            notes.append(Note(t.source, t.number, t.line, "表中没有写明年份，无法判断年度：请用 --year 指定",
                              error=True))


def _file_and_dept(t: Table) -> tuple[str, str]:
    return t.source.split("[")[0], t.fields.get("主管部门", "")
