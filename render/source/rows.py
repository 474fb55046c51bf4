"""Turn a file given to `import` (tab-separated text or an .xlsx workbook) into rows of cells, refusing before
it is read a file that would cost more than render/source/limits.py allows."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

from render.source import limits

Row = tuple[str, int, list[str]]  # (where, row number, cells)
_EOCD = b"PK\x05\x06"  # the zip's end-of-directory record: where it says how many parts it has
_PARTS = 10_000  # an .xlsx has a few dozen parts; a zip of many tiny ones costs memory to list


class Unreadable(Exception):
    """A file the import cannot read as tables: said to the clerk, the other files still import."""


def read(path: Path) -> tuple[list[Row], list[str]]:
    """The non-empty rows of a text file or of every sheet of a workbook, and what reading them repaired."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise Unreadable("是旧版 .xls 工作簿：请在 Excel 中另存为 .xlsx 后再导入")
    size = path.stat().st_size
    if size > limits.FILE_BYTES:
        raise Unreadable(f"文件有 {size / limits.MB:.1f} MB，超过导入文件 {limits.size(limits.FILE_BYTES)} 的上限："
                         f"请只复制要导入的表格，或分成几个文件导入")
    if suffix in (".xlsx", ".xlsm"):
        return list(_bounded(path.name, _sheet_rows(path))), []
    text, said = _text(path)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not any("\t" in line for line in lines) and any("," in line for line in lines):
        raise Unreadable("文件看起来是逗号分隔的（CSV），不是制表符分隔的：请在 Excel 中另存为 .xlsx 工作簿，"
                         "或在 Excel 中选中表格复制，粘贴到记事本里保存为 .txt，再导入")
    return list(_bounded(path.name, _split(path.name, lines))), said


def _split(name: str, lines: list[str]) -> Iterator[Row]:
    for n, line in enumerate(lines, 1):
        # counted before splitting: a line of millions of tabs is refused without making a list of them
        _cells_at_most(line.count("\t") + 1, f"第 {n} 行")
        yield name, n, line.split("\t")


def _bounded(name: str, rows: Iterable[Row]) -> Iterator[Row]:
    """The rows that have a filled cell, each without its trailing empty cells; the file refused as soon as
    it passes a limit of rows, cells or characters per cell."""
    count = cells = 0
    for where, n, raw in rows:
        last = next((k for k in range(len(raw) - 1, -1, -1) if raw[k].strip()), -1)
        if last < 0:
            continue
        raw = raw[:last + 1]
        count += 1
        cells += len(raw)
        if count > limits.ROWS:
            raise Unreadable(f"有内容的行超过 {limits.ROWS} 行的上限（{_at(where, n)}）：请分成几个文件导入")
        _cells_at_most(cells, _at(where, n))
        for k, cell in enumerate(raw, 1):
            if len(cell) > limits.CELL_CHARS:
                raise Unreadable(f"{_at(where, n)}第 {k} 格有 {len(cell)} 个字符，超过每格 {limits.CELL_CHARS} 字的上限"
                                 f"（“{limits.excerpt(cell)}”）：请核对是否复制了多余的内容")
        yield where, n, raw


def _cells_at_most(cells: int, at: str) -> None:
    if cells > limits.CELLS:
        raise Unreadable(f"格子超过 {limits.CELLS} 个的上限（{at}）：请只复制要导入的表格，或分成几个文件导入")


def _at(where: str, n: int) -> str:
    sheet = where.partition("[")[2].rstrip("]")
    return f"工作表“{sheet}”第 {n} 行" if sheet else f"第 {n} 行"


def _text(path: Path) -> tuple[str, list[str]]:
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
    return text, ["文件不是 UTF-8 编码，已按 GBK 读取，请核对导入的文字"]


def _unzipped_size(path: Path) -> int:
    """What the workbook's parts take unzipped, as its zip directory says: read before anything is inflated.
    Python's zipfile stops each part at its declared size, so a directory that lies cannot give more."""
    import zipfile

    with path.open("rb") as f:
        f.seek(0, 2)
        f.seek(max(0, f.tell() - 65_557))  # the end record and the longest comment it may have
        tail = f.read()
    at = tail.rfind(_EOCD)
    if at >= 0 and int.from_bytes(tail[at + 10:at + 12], "little") > _PARTS:
        raise Unreadable(f"工作簿有超过 {_PARTS} 个组成部分，不像 Excel 保存的 .xlsx：请在 Excel 中打开后另存为 .xlsx")
    try:
        with zipfile.ZipFile(path) as z:
            return sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise Unreadable("无法作为 .xlsx 工作簿打开（BadZipFile）：请在 Excel 中打开后另存为 .xlsx") from None


def _sheet_rows(path: Path) -> Iterator[Row]:
    import openpyxl

    unzipped = _unzipped_size(path)
    if unzipped > limits.XLSX_BYTES:
        raise Unreadable(f"工作簿解压后有 {unzipped / limits.MB:.0f} MB，超过 {limits.size(limits.XLSX_BYTES)} 的上限"
                         f"（文件本身只有 {path.stat().st_size / limits.MB:.1f} MB）：请只保留要导入的表格后另存")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # a damaged or renamed file: zipfile, XML and openpyxl errors alike
        raise Unreadable(f"无法作为 .xlsx 工作簿打开（{type(e).__name__}）：请在 Excel 中打开后另存为 .xlsx") from None
    try:
        for sheet in book.worksheets:
            # the rows as they are, not padded to the size the sheet claims (A1:XFD1048576 costs nothing to claim)
            sheet.reset_dimensions()
            for n, row in enumerate(sheet.iter_rows(), 1):
                yield f"{path.name}[{sheet.title}]", n, [_cell_text(c) for c in row]
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
