"""Turn tables pasted from the budget system (tab-separated text or .xlsx) into rows, and the rows into
tables of the form's fields and indicators, noting every repair and refusal."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from render.problems import Problem
from render.source import fields
from render.source import model as m
from render.source import scheme as sch
from render.source.parse import join_lines

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

    def problem(self, project: str = "") -> Problem:
        """As every command reports: the table (and its 项目名称, what the clerk knows it by) as the field."""
        where = f"表{self.table}" + (f"（{project}）" if project else "") if self.table else ""
        return Problem(self.source, self.row, where, ("错误：" if self.error else "已修复：") + self.message,
                       "error" if self.error else "note")


@dataclass
class Table:
    source: str
    number: int
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    year: str = ""


Row = tuple[str, int, list[str]]  # (where, row number, cells)


class Unreadable(Exception):
    """A file the import cannot read as tables: said to the clerk, the other files still import."""


def read_rows(path: Path) -> tuple[list[Row], list[Note]]:
    """The rows of a text file or of every sheet of a workbook, with what reading them took."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _sheet_rows(path), []
    if path.suffix.lower() == ".xls":
        raise Unreadable("是旧版 .xls 工作簿：请在 Excel 中另存为 .xlsx 后再导入")
    text, notes = _text(path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [(path.name, n, line.split("\t")) for n, line in enumerate(text.split("\n"), 1)], notes


def _text(path: Path) -> tuple[str, list[Note]]:
    """Pasted text as Notepad may have saved it: UTF-8, UTF-16 (“Unicode”) or GBK (“ANSI”)."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), []
    if b"\x00" in data:
        raise Unreadable("不是文本文件：请把表格粘贴到文本文件中保存，或另存为 .xlsx 工作簿")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise Unreadable("不是 UTF-8 或 GBK 编码的文本：请在记事本中另存为 UTF-8") from None
    return text, [Note(path.name, 0, 0, "文件不是 UTF-8 编码，已按 GBK 读取，请核对导入的文字")]


def _sheet_rows(path: Path) -> list[Row]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # a damaged or renamed file: zipfile, XML and openpyxl errors alike
        raise Unreadable(f"无法作为 .xlsx 工作簿打开（{type(e).__name__}）：请在 Excel 中打开后另存为 .xlsx") from None
    try:
        return [(f"{path.name}[{sheet.title}]", n, [_cell_text(c) for c in row])
                for sheet in book.worksheets for n, row in enumerate(sheet.iter_rows(), 1)]
    finally:
        book.close()


def _cell_text(cell) -> str:
    """A cell as Excel shows it: 12.5 not 12.500000001, 95% not 0.95, a date without midnight."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        fmt = getattr(cell, "number_format", None) or ""
        if "%" in fmt:
            decimals = len(re.search(r"(?:\.(0+))?%", fmt).group(1) or "")
            return f"{value * 100:.{decimals}f}%"
        return _number(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _number(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    text = f"{value:.15g}"  # the digits Excel shows; a float's own tail is arithmetic noise
    return format(Decimal(text), "f") if "e" in text else text


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
        elif label:
            notes.append(Note(t.source, t.number, n, f"不认识的栏目“{label}”，未导入", error=True))
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
        notes.append(Note(t.source, t.number, n, f"“{label}”的内容“{cells[j]}”右移了 {j - k} 格，已归位"))
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
                                                 f"{' | '.join(c for _, c in texts)}{_other_scheme(texts, scheme)}",
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
        shown = " | ".join(c or "（空）" for c in cells)
        placed = "，".join(f"{h}“{v}”" for h, v in zip(fields.INDICATOR_HEADS, row, strict=False) if v) or "空行"
        notes.append(Note(t.source, t.number, n, f"错位的行 [{shown}] 按编码归位为：{placed}"))
    t.rows.append(row)


def _code(t: Table, n: int, cell: str, notes: list[Note], scheme: m.Scheme) -> str:
    """A code typed with a full-width dash, digit or a space, as the code it means (said, not silent)."""
    meant = sch.normal(cell) if cell else cell
    if meant != cell and meant in scheme.level1 + scheme.level2:
        notes.append(Note(t.source, t.number, n, f"“{cell}”按“{meant}”导入"))
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
