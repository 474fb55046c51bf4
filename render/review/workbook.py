"""Turn a department's review into 审核意见.xlsx: a row per finding with its file, line, rule and level, and the
汇总表 of the projects' grades, for the bureau's own work and the department's replies."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timezone

from render.produce import files
from render.review.grade import conclude, tally
from render.review.judge import DepartmentReview
from render.review.registry import LEVELS, Rules
from render.source import model as m

NAME = "审核意见"
FEEDBACK = "部门反馈"  # the last column, left empty for the department's reply to each finding


def xlsx_bytes(r: DepartmentReview, rules: Rules, stamp: datetime, title: str, issuer: str) -> bytes:
    """One row per finding, with a column for the department's reply, and the department's 汇总表 with the
    counts and each project's grade; the same bytes for the same review."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    ws = wb.active
    ws.title = NAME
    heads = ("序号", "项目名称", "文件", "行", "规则编号", "规则名称", "级别", "意见", "建议", "依据", "方面",
             FEEDBACK)
    _append(ws, heads)
    n = 0
    for name, found in [(f"共性问题（{len(r.projects)} 个项目）", r.common)] + [(p.project.name, p.own) for p in r.projects]:
        for f in found:
            n += 1
            _append(ws, (n, name, f.path, f.line, f.rule.id, f.rule.name, f.rule.level, f.message,
                       f.rule.advice, f.rule.basis, f.rule.aspect, None))
    for column, width in zip("ABCDEFGHIJKL", (6, 30, 40, 6, 9, 16, 10, 60, 40, 40, 9, 40), strict=True):
        ws.column_dimensions[column].width = width
    summary = wb.create_sheet("汇总表")
    _append(summary, ("序号", "项目名称", "项目主管处室", "项目期限", "项目年度金额（万元）", *LEVELS, "意见合计",
                      "结论", "处理"))
    for k, p in enumerate(r.projects, 1):
        pr, grade = p.project, conclude(p, rules).grade
        _append(summary, (k, pr.name, pr.office, pr.term, float(pr.amount), *(p.count(x) for x in LEVELS),
                        len(p.own), grade.name, grade.action))
    amount = sum((p.project.amount for p in r.projects), start=m.Decimal(0))
    grades = "，".join(f"{t.grade.name} {t.projects} 个" for t in tally(r, rules))
    _append(summary, ("合计", "", "", "", float(amount), *(r.count(x) for x in LEVELS), len(r.findings), grades, ""))
    for column, width in zip("ABCDEFGHIJK", (6, 40, 16, 10, 18, 10, 10, 10, 10, 24, 40), strict=True):
        summary.column_dimensions[column].width = width
    for sheet in (ws, summary):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
    summary.cell(row=summary.max_row, column=1).font = Font(bold=True)
    wb.properties.creator = issuer
    wb.properties.title = title
    # Workbook.save() stamps "modified" with the clock; the writer itself keeps what it is given (UTC).
    wb.properties.created = wb.properties.modified = stamp.astimezone(timezone.utc).replace(tzinfo=None)
    buffer = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return files.fixed_zip(buffer.getvalue(), stamp.replace(tzinfo=None))


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
