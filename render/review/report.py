"""Turn a department's findings into 审核意见.pdf and 审核意见.xlsx for the meeting, listed in the manifest."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from render.produce import cache as kc
from render.produce import files, publish
from render.problems import Level
from render.review.judge import DepartmentReview, ProjectReview
from render.review.registry import LEVELS, Rules
from render.source import model as m
from render.typeset import columns, geometry, markup, runs

NAME = "审核意见"
KIND = "review"

# The columns' shares of the type width (render/typeset/geometry.py), each its weight over the table's sum:
# the 审核意见 has no paper form to follow, only these proportions.
COUNT = (12, 64, 26) + (18,) * len(LEVELS)  # 序号, 项目名称, 项目年度金额, a count per level
FINDINGS = (20, 27, 65, 44)  # 级别, 规则, 意见, 建议
RULES = (14, 32, 20, 90)  # 编号, 规则, 级别, 依据


def shares(weights: tuple[float, ...], texts: tuple[list[str], ...]) -> tuple[float, ...]:
    """Widths (mm, to 0.1) in proportion to `weights`, filling the type width, each column at least as wide
    as the longest piece of its `texts` no line may break (如“≥95%”“≤30人”); the others share what such a
    column leaves. The last takes what rounding leaves."""
    floors = [columns.cell_width(p for t in column for p in runs.glued(t)) for column in texts]
    width, held = geometry.PAGE.type_width, {}
    while True:
        free = sum(w for i, w in enumerate(weights) if i not in held)
        room = width - sum(held.values())
        wide = {i: room * w / free for i, w in enumerate(weights) if i not in held}
        low = {i: floors[i] for i, w in wide.items() if w < floors[i]}
        if not low or len(held) + len(low) == len(weights):
            break
        held |= low
    widths = [round(held.get(i, wide.get(i, 0.0)), 1) for i in range(len(weights) - 1)]
    return tuple(widths + [round(width - sum(widths), 1)])


def _widths(r: DepartmentReview, rules: Rules, items: list[Item]) -> dict[str, tuple[float, ...]]:
    findings = [f for p in r.projects for f in p.findings]
    return {"count": shares(COUNT, ([str(len(items))], [], [i.amount for i in items]) + ([],) * len(LEVELS)),
            "findings": shares(FINDINGS, (list(LEVELS), [f"{x.rule.id} {x.rule.name}" for x in findings],
                                          [x.message for x in findings], [x.rule.advice for x in findings])),
            "rules": shares(RULES, ([x.id for x in rules.rules], [x.name for x in rules.rules], list(LEVELS),
                                    [x.basis for x in rules.rules]))}


@dataclass(frozen=True)
class Item:
    review: ProjectReview
    anchor: str
    amount: str


def review_html(env, r: DepartmentReview, rules: Rules, stamp: str) -> str:
    d = r.department
    items = [Item(p, f"x{n + 1}", m.amount_text(p.project.amount, d.places)) for n, p in enumerate(r.projects)]
    total = {level: r.count(level) for level in LEVELS} | {"all": len(r.findings)}
    amount = sum((p.project.amount for p in r.projects), start=m.Decimal(0))
    return env.get_template("review.html.j2").render(
        title=title(d), items=items, levels=LEVELS, total=total, amount_total=m.amount_text(amount, d.places),
        rules=rules, widths=_widths(r, rules, items),
        author=d.dir_name, subject="部门项目支出预算绩效目标" + NAME, generator=markup.GENERATOR, stamp=stamp,
        keywords=[d.year, d.code, d.name, NAME])


def title(d: m.Department) -> str:
    return f"{d.name}{d.year}年部门项目支出预算绩效目标{NAME}"


def pdf_bytes(r: DepartmentReview, rules: Rules, sources: tuple[tuple[str, bytes], ...], stamp: datetime
              ) -> tuple[bytes, int]:
    """PDF/A-3b through the tables' own path (restricted fetcher, warnings fail), carrying the files it judged."""
    from render.typeset import layout

    doc = layout.document(review_html(markup.environment(), r, rules, stamp.isoformat()))
    attached = tuple(layout.Attached(name, data) for name, data in sources)
    return layout.write(doc, attached, stamp), len(doc.pages)


def xlsx_bytes(r: DepartmentReview, stamp: datetime) -> bytes:
    """One row per finding, and the department's 汇总表 with the counts; the same bytes for the same review."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.writer.excel import ExcelWriter

    d = r.department
    wb = Workbook()
    ws = wb.active
    ws.title = NAME
    heads = ("序号", "项目名称", "文件", "行", "规则编号", "规则名称", "级别", "意见", "建议", "依据")
    _append(ws, heads)
    n = 0
    for p in r.projects:
        for f in p.findings:
            n += 1
            _append(ws, (n, p.project.name, f.path, f.line, f.rule.id, f.rule.name, f.rule.level, f.message,
                       f.rule.advice, f.rule.basis))
    for column, width in zip("ABCDEFGHIJ", (6, 30, 40, 6, 9, 16, 10, 60, 40, 40), strict=True):
        ws.column_dimensions[column].width = width
    summary = wb.create_sheet("汇总表")
    _append(summary, ("序号", "项目名称", "项目主管处室", "项目期限", "项目年度金额（万元）", *LEVELS, "意见合计"))
    for k, p in enumerate(r.projects, 1):
        pr = p.project
        _append(summary, (k, pr.name, pr.office, pr.term, float(pr.amount), *(p.count(x) for x in LEVELS),
                        len(p.findings)))
    amount = sum((p.project.amount for p in r.projects), start=m.Decimal(0))
    _append(summary, ("合计", "", "", "", float(amount), *(r.count(x) for x in LEVELS), len(r.findings)))
    for column, width in zip("ABCDEFGHI", (6, 40, 16, 10, 18, 10, 10, 10, 10), strict=True):
        summary.column_dimensions[column].width = width
    for sheet in (ws, summary):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
    summary.cell(row=summary.max_row, column=1).font = Font(bold=True)
    wb.properties.creator = d.dir_name
    wb.properties.title = title(d)
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


def write(out: Path, reviews: tuple[DepartmentReview, ...], rules: Rules, base: Path, content: Path,
          say=print) -> list[str]:
    """Both files per department and the manifest with them (kind "review"), all written or none."""
    from render.produce.commit import Transaction
    from render.produce.plan import stamp_for

    outputs, written = [], []
    files.writable(out)
    with files.locked(out, lambda pid: say(f"输出文件夹正由另一个命令（进程 {pid}）写入，等它结束后继续……", Level.PROBLEM)):
        transaction = Transaction(out)
        try:
            for r in reviews:
                d = r.department
                folder = f"{d.year}/{files.safe_part(d.dir_name)}"
                stamp = stamp_for(d)
                paths = [d.source] + [p.project.source for p in r.projects]
                sources = tuple((path, (base / path).read_bytes()) for path in paths) + ((rules.source, rules.data),)
                # Attachments by file name, as the tables carry theirs; the rules file's name cannot clash.
                attached = tuple((Path(path).name, data) for path, data in sources)
                listed = tuple(publish.Source(path, files.sha256(data)) for path, data in sources)
                pdf_data, pages = pdf_bytes(r, rules, attached, stamp)
                for suffix, data, count in ((".pdf", pdf_data, pages), (".xlsx", xlsx_bytes(r, stamp), 0)):
                    target = f"{folder}/{NAME}{suffix}"
                    transaction.write(target, data)
                    outputs.append(publish.Output(target, KIND, title(d), count, files.sha256(data), listed,
                                                  kc.versions()))
                    written.append(f"  {target}" + (f"（{count} 页）" if count else ""))
            previous = publish.read_manifest(out)
            made = {o.path for o in outputs}
            kept = [e for e in previous.get("files", []) if e.get("path") not in made]
            transaction.write(publish.MANIFEST, publish.manifest_bytes(
                outputs, previous.get("versions") or kc.versions(),
                previous.get("content") or publish.content_name(out, content), kept))
            transaction.commit()
        except BaseException:
            transaction.abort()
            raise
    for line in written:
        say(line, Level.MADE)
    return [o.path for o in outputs]
