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
from render.review import feedback
from render.review.grade import Conclusion, conclude, tally
from render.review.judge import DepartmentReview, Finding, ProjectReview
from render.review.registry import ASPECTS, LEVELS, Rules
from render.review.reviewer import Reviewer
from render.source import fields
from render.source import model as m
from render.typeset import columns, geometry, markup, runs

NAME = "审核意见"
KIND = "review"
FEEDBACK = "部门反馈"  # the .xlsx's last column: the department's answer to each finding (反馈.yml), or empty

# The columns' shares of the type width (render/typeset/geometry.py), each its weight over the table's sum:
# the 审核意见 has no paper form to follow, only these proportions.
GRADES_TABLE = (10, 60, 22) + (20,) * len(LEVELS) + (12,)  # 序号, 项目名称, 项目年度金额, a count per level, 结论
# Where a hand fills in what 审核.yml does not say: a name, or the parts of a date.
BLANK = "\u3000" * 6
BLANK_DATE = "\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日"


def shares(weights: tuple[float, ...], texts: tuple[list[str], ...]) -> tuple[float, ...]:
    """Widths (mm, to 0.1) in proportion to `weights`, filling the type width, each column at least as wide
    as the longest piece of its `texts` no line may break (如“≥95%”“≤30人”): columns.fit holds a column the
    proportion would take below that, and the others share what it leaves."""
    width, total = geometry.PAGE.type_width, sum(weights)
    return columns.fit([columns.Column(width * w / total, columns.cell_width(p for t in column for p in runs.glued(t)),
                                       grow=True) for w, column in zip(weights, texts, strict=True)])


@dataclass(frozen=True)
class Opinion:
    """A department reviewed whole, and who issues its opinion (blank where its 审核.yml says nothing)."""

    review: DepartmentReview
    reviewer: Reviewer
    answers: tuple[tuple[feedback.Key, str], ...] = ()  # the department's 反馈.yml (render/review/feedback.py)


@dataclass(frozen=True)
class Point:
    """One rule's findings in one project, as the paper says them: the suggestion once, after them all."""

    name: str  # the rule's name
    said: tuple[str, ...]  # each finding in words, without file, line or rule number
    advice: str


@dataclass(frozen=True)
class Aspect:
    name: str  # one of ASPECTS
    points: tuple[Point, ...]


@dataclass(frozen=True)
class Item:
    review: ProjectReview
    order: str  # （一）, （二）…: its number as a 公文 numbers its parts
    anchor: str
    amount: str
    conclusion: Conclusion
    aspects: tuple[Aspect, ...]  # all four, in the order of ASPECTS, a clean one with no points


# A finding is written for the terminal, where its file and line take the clerk to it; on paper a line
# number means nothing, and another project is named by its name, not its file's.
_LINE_REPEAT = re.compile(r"与第\s*\d+\s*行重复")
_LINE = re.compile(r"[（(]?第\s*\d+\s*行[）)]?")


def on_paper(message: str, d: m.Department) -> str:
    text = _LINE.sub("", _LINE_REPEAT.sub("重复出现", message))
    for p in d.projects:
        text = text.replace(p.stem, f"“{p.name}”")
    return re.sub(r"\s*(“[^”]*”)\s*", r"\1", text) if text != message else text


def _sentence(text: str) -> str:
    return text if text.endswith(("。", "！", "？", "）")) else text + "。"


def _aspects(findings: tuple[Finding, ...], d: m.Department) -> tuple[Aspect, ...]:
    by_rule: dict[str, list[Finding]] = {}
    for f in findings:
        by_rule.setdefault(f.rule.id, []).append(f)
    return tuple(Aspect(aspect, tuple(
        Point(fs[0].rule.name, tuple(dict.fromkeys(on_paper(f.message, d) for f in fs)), _sentence(fs[0].rule.advice))
        for fs in by_rule.values() if fs[0].rule.aspect == aspect)) for aspect in ASPECTS)


_DIGITS = "〇一二三四五六七八九"


def chinese(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 100 and on as digits (a department has a few dozen projects at most)."""
    if n < 10:
        return _DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
    return str(n)


def review_html(env, opinion: Opinion, rules: Rules, stamp: str) -> str:
    r, who = opinion.review, opinion.reviewer
    d = r.department
    items = [Item(p, chinese(n + 1), f"x{n + 1}", m.amount_text(p.project.amount, d.places), conclude(p, rules),
                  _aspects(p.own, d)) for n, p in enumerate(r.projects)]
    common = [point for aspect in _aspects(r.common, d) for point in aspect.points]
    tallies = tally(r, rules)
    amount = sum((p.project.amount for p in r.projects), start=m.Decimal(0))
    widths = shares(GRADES_TABLE, ([str(len(items))], [], [i.amount for i in items]) + tuple([x] for x in LEVELS)
                    + ([g.name for g in rules.grades],))
    return env.get_template("review.html.j2").render(
        heading=heading(d), items=items, tallies=tallies, places=d.places, rules=rules, levels=LEVELS,
        amount_total=m.amount_text(amount, d.places), widths=widths, department=d, who=who,
        total={level: sum(p.count(level) for p in r.projects) for level in LEVELS}, common=common,
        shared=r.common[0].shared if r.common else 0,
        addressee=who.addressee or d.name, blank=BLANK, blank_date=BLANK_DATE,
        rework=[t for t in tallies[1:] if t.projects], seal=geometry.SEAL,
        title=title(d), author=d.dir_name, subject="部门项目支出预算绩效目标" + NAME, generator=markup.GENERATOR,
        stamp=stamp, keywords=[d.year, d.code, d.name, NAME])


def title(d: m.Department) -> str:
    return f"{d.name}{d.year}年部门项目支出预算绩效目标{NAME}"


def heading(d: m.Department) -> tuple[str, str]:
    """The opinion's title as a 公文 words it, in its two lines: broken between its parts, not inside a word."""
    return f"关于{d.name}{d.year}年部门项目支出", f"预算绩效目标的{NAME}"


def pdf_bytes(opinion: Opinion, rules: Rules, sources: tuple[tuple[str, bytes], ...], stamp: datetime
              ) -> tuple[bytes, int]:
    """PDF/A-3b through the tables' own path (restricted fetcher, warnings fail), carrying the files it judged."""
    from render.typeset import layout

    doc = layout.document(review_html(markup.environment(), opinion, rules, stamp.isoformat()))
    attached = tuple(layout.Attached(name, data) for name, data in sources)
    return layout.write(doc, attached, stamp), len(doc.pages)


def xlsx_bytes(r: DepartmentReview, rules: Rules, stamp: datetime, answers: dict[feedback.Key, str] | None = None
               ) -> bytes:
    """One row per finding, with the department's answer to it (empty until it answers), and the department's 汇总表 with the
    counts and each project's grade; the same bytes for the same review."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.writer.excel import ExcelWriter

    d = r.department
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
                       f.rule.advice, f.rule.basis, f.rule.aspect, (answers or {}).get(feedback.key(f))))
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


def _answered(base: Path, folder: str) -> tuple[publish.Source, ...]:
    path = base / folder / fields.FEEDBACK_FILE
    return (publish.Source(f"{folder}/{fields.FEEDBACK_FILE}", files.sha256(path.read_bytes())),) if path.is_file() else ()


def write(out: Path, opinions: tuple[Opinion, ...], rules: Rules, base: Path, content: Path,
          say=print) -> list[str]:
    """Both files per department and the manifest with them (kind "review"), all written or none."""
    from render.produce.commit import Transaction
    from render.produce.plan import department_folder, stamp_for

    outputs, written = [], []
    files.writable(out)
    with files.locked(out, lambda pid: say(f"输出文件夹正由另一个命令（进程 {pid}）写入，等它结束后继续……", Level.PROBLEM)):
        transaction = Transaction(out)
        try:
            for opinion in opinions:
                r, who = opinion.review, opinion.reviewer
                d = r.department
                folder = department_folder(d)
                stamp = stamp_for(d)
                paths = [d.source] + [p.project.source for p in r.projects]
                sources = (tuple((path, (base / path).read_bytes()) for path in paths)
                           + (((who.source, who.data),) if who.source else ()) + ((rules.source, rules.data),))
                # Attachments by file name, as the tables carry theirs; the rules file's name cannot clash.
                attached = tuple((Path(path).name, data) for path, data in sources)
                listed = tuple(publish.Source(path, files.sha256(data)) for path, data in sources)
                pdf_data, pages = pdf_bytes(opinion, rules, attached, stamp)
                answered = _answered(base, d.folder)
                workbook = xlsx_bytes(r, rules, stamp, dict(opinion.answers))
                for suffix, data, count in ((".pdf", pdf_data, pages), (".xlsx", workbook, 0)):
                    target = f"{folder}/{NAME}{suffix}"
                    transaction.write(target, data)
                    # the workbook is made from the answers too: verify then knows it stale once they change
                    made_of = listed + (answered if suffix == ".xlsx" else ())
                    outputs.append(publish.Output(target, KIND, title(d), count, files.sha256(data), made_of,
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
