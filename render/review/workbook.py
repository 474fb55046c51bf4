"""Turn a department's review into 审核意见.xlsx: a row per finding with its file, line, rule and level, and the
汇总表 of the projects' grades, for the bureau's own work and the department's replies."""

from __future__ import annotations

import io
import math
import re
import zipfile
from datetime import datetime, timezone

from render.produce import files
from render.review import feedback
from render.review.grade import conclude, tally
from render.review.judge import DepartmentReview
from render.review.registry import LEVELS, Rules
from render.source import model as m

NAME = "审核意见"
FEEDBACK = "部门反馈"  # the last column: the department's answer to each finding (反馈.yml), or empty


# Columns and their widths (in characters of the default font): narrow enough that a landscape A4 page
# fitted to their width prints at about 70 %, the findings' words wrapping in their cells.
FINDINGS = (("序号", 5), ("项目名称", 16), ("文件", 20), ("行", 5), ("规则编号", 6), ("规则名称", 11), ("级别", 7),
            ("意见", 44), ("建议", 28), ("依据", 24), ("方面", 6), (FEEDBACK, 22))
SUMMARY = (("序号", 5), ("项目名称", 36), ("项目主管处室", 14), ("项目期限", 9), ("项目年度金额（万元）", 12),
           *((level, 8) for level in LEVELS), ("意见合计", 8), ("结论", 18), ("处理", 40))
HEAD_ROW = 3  # under the title and the issuer: what the filter, the frozen panes and every printed page carry
LINE = 14.5  # pt: a line of the default font (11 pt) in a cell
AMOUNT = "0.00"  # 万元 to the fen, as the tables print them


def xlsx_bytes(r: DepartmentReview, rules: Rules, stamp: datetime, title: str, issuer: str, issued: str,
               answers: dict[feedback.Key, str] | None = None) -> bytes:
    """One row per finding, with the department's answer to it (empty until it answers), and the department's 汇总表 with the
    counts and each project's grade, each sheet under the opinion's title and who issued it, set to print
    landscape on A4 as wide as the page; the same bytes for the same review."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    ws = wb.active
    ws.title = NAME
    _head(ws, title, issued, FINDINGS)
    n = 0
    for name, found in [(f"共性问题（{len(r.projects)}个项目）", r.common)] + [(p.project.name, p.own) for p in r.projects]:
        for f in found:
            n += 1
            _append(ws, (n, name, f.path, f.line, f.rule.id, f.rule.name, f.rule.level, f.message,
                       f.rule.advice, f.rule.basis, f.rule.aspect, (answers or {}).get(feedback.key(f))))
    summary = wb.create_sheet("汇总表")
    _head(summary, title, issued, SUMMARY)
    for k, p in enumerate(r.projects, 1):
        pr, grade = p.project, conclude(p, rules).grade
        _append(summary, (k, pr.name, pr.office, pr.term, float(pr.amount), *(p.count(x) for x in LEVELS),
                        len(p.own), grade.name, grade.action))
    amount = sum((p.project.amount for p in r.projects), start=m.Decimal(0))
    grades = "，".join(f"{t.grade.name}{t.projects}个" for t in tally(r, rules))
    _append(summary, ("合计", "", "", "", float(amount), *(r.count(x) for x in LEVELS), len(r.findings), grades, ""))
    for row in summary.iter_rows(min_row=HEAD_ROW + 1, min_col=5, max_col=5):
        row[0].number_format = AMOUNT
    for sheet in (ws, summary):
        _finish(sheet)
    from openpyxl.styles import Font

    for cell in summary[summary.max_row]:
        cell.font = Font(bold=True)
    wb.properties.creator = issuer
    wb.properties.title = title
    # Workbook.save() stamps "modified" with the clock; the writer itself keeps what it is given (UTC).
    wb.properties.created = wb.properties.modified = stamp.astimezone(timezone.utc).replace(tzinfo=None)
    buffer = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return files.fixed_zip(buffer.getvalue(), stamp.replace(tzinfo=None))


def _head(sheet, title: str, issued: str, columns: tuple[tuple[str, int], ...]) -> None:
    """The title and the issuer over the whole width, then the column heads."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    last = get_column_letter(len(columns))
    for row, text, font in ((1, title, Font(bold=True, size=14)), (2, issued, Font())):
        _append(sheet, (text,))
        sheet.merge_cells(f"A{row}:{last}{row}")
        sheet[f"A{row}"].font = font
        sheet[f"A{row}"].alignment = Alignment(horizontal="center" if row == 1 else "left", vertical="center")
    sheet.row_dimensions[1].height = 24
    sheet.row_dimensions[HEAD_ROW].height = 2 * LINE + 2  # 项目年度金额（万元） and 规则编号 take two lines
    _append(sheet, tuple(name for name, _ in columns))
    for k, (_, width) in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(k)].width = width
        sheet.cell(row=HEAD_ROW, column=k).font = Font(bold=True)
        sheet.cell(row=HEAD_ROW, column=k).alignment = Alignment(horizontal="center", vertical="center",
                                                                 wrap_text=True)


def _finish(sheet) -> None:
    """Wrapped text in thin rules, the heads frozen and filtered, and printed landscape on A4, fitted to the page's width
    (as many pages down as it takes), the heads on every page, page numbers at the foot."""
    from openpyxl.styles import Alignment, Border, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin")
    for cell in sheet[HEAD_ROW]:
        cell.border = Border(thin, thin, thin, thin)
    for row in sheet.iter_rows(min_row=HEAD_ROW + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = Border(thin, thin, thin, thin)  # printed, a table has its rules
        # LibreOffice keeps a row one line high where the file gives no height: as many lines as the
        # longest text wraps to, a Chinese character two units of the column's width
        lines = max(math.ceil(sum(2 if ord(c) > 0x7F else 1 for c in str(cell.value or "")) /
                              max(sheet.column_dimensions[cell.column_letter].width - 1, 1)) for cell in row)
        sheet.row_dimensions[row[0].row].height = LINE * max(lines, 1) + 2
    last = f"{get_column_letter(sheet.max_column)}{sheet.max_row}"
    sheet.freeze_panes = f"A{HEAD_ROW + 1}"
    sheet.auto_filter.ref = f"A{HEAD_ROW}:{last}"
    sheet.print_title_rows = f"{HEAD_ROW}:{HEAD_ROW}"
    setup = sheet.page_setup
    setup.orientation, setup.paperSize = "landscape", sheet.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


# What Excel, WPS and LibreOffice take for the start of a formula when a cell's text is typed or pasted,
# also after leading blanks (a tab or CR copied with the value).
_FORMULA_LEAD = re.compile(r"[\s]*[=+\-@]")


def _append(sheet, values) -> None:
    """A row whose text stays text: openpyxl makes a formula of any str that starts with "=", and a clerk's
    项目名称 or a bureau's rule name is never one. Numbers (序号, 行, amounts, counts) stay numbers."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            if _FORMULA_LEAD.match(cell.value):
                # the quote prefix keeps it text when someone edits the cell and presses Enter
                cell.quotePrefix = True
