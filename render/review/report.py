"""Turn a department's findings into 审核意见.pdf and 审核意见.xlsx for the meeting, listed in the manifest."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from markupsafe import Markup

from render import state
from render.produce import cache as kc
from render.produce import files, publish
from render.problems import Level
from render.review import feedback
from render.review.grade import Conclusion, conclude, tally
from render.review.judge import DepartmentReview, Finding, ProjectReview
from render.review.registry import ASPECTS, LEVELS, Rules
from render.review import workbook
from render.review.reviewer import Reviewer
from render.source import fields
from render.source import model as m
from render.typeset import columns, geometry, markup, runs

NAME = workbook.NAME
KIND = "review"

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
    level: str  # one of LEVELS: on paper with every finding, so that a department knows what it must fix
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
    verdict: str  # its amount, grade and 处理, and its findings counted by level, in a sentence


# A finding is written for the terminal, where its file and line take the clerk to it; on paper a line
# number means nothing, and another project is named by its name, not its file's.
_LINE_REPEAT = re.compile(r"与第\s*\d+\s*行重复")
_LINE = re.compile(r"[（(]?第\s*\d+\s*行[）)]?")


# The grading method's figures are the workbook's and docs/review.md's, not the letter's (占58%，低于60%).
_THRESHOLD = re.compile(r"，占\s*\d+%，低于\s*[\d.]+%|，少于\s*\d+\s*字")
# GB/T 15835 sets no space between a figure and a Chinese unit or word (12项, 20人×55000元/年): a space stays
# only between two Latin letters.
_SPACE = re.compile(r"(?<![A-Za-z]) | (?![A-Za-z])")


def on_paper(message: str, d: m.Department) -> str:
    text = _LINE.sub("", _LINE_REPEAT.sub("重复出现", message))
    for p in d.projects:
        text = text.replace(p.stem, f"“{p.name}”")
    return _SPACE.sub("", _THRESHOLD.sub("", text))


def to_department(action: str) -> str:
    """A grade's 处理 as the rules file words it (财预〔2015〕88号's 相关部门或单位), said to the department."""
    return action.replace("相关部门或单位", "你单位").replace("对其绩效目标", "对绩效目标")


def _sentence(text: str) -> str:
    return text if text.endswith(("。", "！", "？", "）")) else text + "。"


def _aspects(findings: tuple[Finding, ...], d: m.Department) -> tuple[Aspect, ...]:
    by_rule: dict[str, list[Finding]] = {}
    for f in findings:
        by_rule.setdefault(f.rule.id, []).append(f)
    return tuple(Aspect(aspect, tuple(sorted((
        Point(fs[0].rule.name, fs[0].rule.level, tuple(dict.fromkeys(on_paper(f.message, d) for f in fs)),
              _sentence(fs[0].rule.advice))
        for fs in by_rule.values() if fs[0].rule.aspect == aspect), key=lambda p: LEVELS.index(p.level))))
        for aspect in ASPECTS)


_DIGITS = "〇一二三四五六七八九"


def chinese(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 100 and on as digits (a department has a few dozen projects at most)."""
    if n < 10:
        return _DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
    return str(n)


def _verdict(amount: str, c: Conclusion, found: int) -> str:
    counts = "，".join(f"{level}{n}条" for level, n in c.counts if n)
    return (f"项目年度金额{amount}万元。审核结论：{c.name}，{to_department(c.grade.action)}。"
            + (f"本项目意见{counts}。" if found else ""))


def review_html(env, opinion: Opinion, rules: Rules, stamp: str) -> str:
    from render.typeset import fill

    r, who = opinion.review, opinion.reviewer
    d = r.department
    items = []
    for n, p in enumerate(r.projects):
        amount, c = m.amount_text(p.project.amount, d.places), conclude(p, rules)
        items.append(Item(p, chinese(n + 1), f"x{n + 1}", amount, c, _aspects(p.own, d), _verdict(amount, c, len(p.own))))
    common = sorted((point for aspect in _aspects(r.common, d) for point in aspect.points),
                    key=lambda p: LEVELS.index(p.level))
    tallies = tally(r, rules)
    amount = sum((p.project.amount for p in r.projects), start=m.Decimal(0))
    widths = shares(GRADES_TABLE, ([str(len(items))], [], [i.amount for i in items]) + tuple([x] for x in LEVELS)
                    + ([g.name for g in rules.grades],))
    shared = r.common[0].shared if r.common else 0
    env.filters["grid"] = lambda text, lead="": fill.fill(fill.plain(Markup(text).unescape(), lead))
    return env.get_template("review.html.j2").render(
        heading=heading(d), items=items, tallies=tallies, places=d.places, rules=rules, levels=LEVELS,
        amount_total=m.amount_text(amount, d.places), widths=widths, department=d, who=who,
        total={level: sum(p.count(level) for p in r.projects) for level in LEVELS}, common=common,
        intro=f"你单位报送的{d.year}年部门项目支出预算绩效目标共{len(items)}个项目，项目年度金额合计"
              f"{m.amount_text(amount, d.places)}万元。经审核，现将审核意见函告如下。",
        common_intro=f"以下问题{shared}个项目（上表序号1至{shared}）都有，在此只列一次，不计入各项目的审核结论，"
                     "请统一整改。",
        actions={g.name: to_department(g.action) for g in rules.grades},
        deadline=f"{who.deadline.year}年{who.deadline.month}月{who.deadline.day}日" if who.deadline else BLANK_DATE,
        addressee=who.addressee or d.name, blank=BLANK, blank_date=BLANK_DATE,
        rework=[t for t in tallies[1:] if t.projects], seal=geometry.SEAL, grid_css=Markup(geometry.grid_css()),
        title=title(d), author=issuer(who), subject="部门项目支出预算绩效目标" + NAME, generator=markup.GENERATOR,
        stamp=stamp, keywords=[d.year, d.code, d.name, NAME])


# The PDF's and the archive's 责任者 when 审核.yml names no 审核单位: said as missing, never the department
# reviewed (which did not write the opinion) nor a bureau's name guessed.
NO_ISSUER = "审核单位未填写"


def issuer(who: Reviewer) -> str:
    return who.office or NO_ISSUER


def issued(who: Reviewer) -> str:
    """Who issued the opinion and when, as the workbook's second row says it."""
    date = f"{who.date.year}年{who.date.month}月{who.date.day}日" if who.date else "（未填写）"
    return f"审核单位：{who.office or '（未填写）'}　审核日期：{date}"


def stamp_of(d: m.Department, who: Reviewer) -> datetime:
    """The opinion's date: SOURCE_DATE_EPOCH, else its 审核日期, else the department's (plan.stamp_for)."""
    from render.produce.plan import CHINA, epoch_problem, stamp_for

    if who.date and not (state.read(state.EPOCH) and not epoch_problem()):
        return datetime.combine(who.date, datetime.min.time(), tzinfo=CHINA)
    return stamp_for(d)


def title(d: m.Department) -> str:
    return f"{d.name}{d.year}年部门项目支出预算绩效目标{NAME}"


def heading(d: m.Department) -> tuple[str, str]:
    """The opinion's title as a 公文 words it, in its two lines: broken between its parts, not inside a word."""
    return f"关于{d.name}{d.year}年部门项目支出", f"预算绩效目标的{NAME}"


def pdf_bytes(opinion: Opinion, rules: Rules, sources: tuple[tuple[str, bytes], ...], stamp: datetime
              ) -> tuple[bytes, int]:
    """PDF/A-3a and PDF/UA-1 through the tables' own path (restricted fetcher, warnings fail), carrying the files it judged."""
    from render.typeset import layout

    doc = layout.document(review_html(markup.environment(), opinion, rules, stamp.isoformat()))
    attached = tuple(layout.Attached(name, data) for name, data in sources)
    return layout.write(doc, attached, stamp), len(doc.pages)


def _answered(base: Path, folder: str) -> tuple[publish.Source, ...]:
    path = base / folder / fields.FEEDBACK_FILE
    return (publish.Source(f"{folder}/{fields.FEEDBACK_FILE}", files.sha256(path.read_bytes())),) if path.is_file() else ()


def write(out: Path, opinions: tuple[Opinion, ...], rules: Rules, base: Path, content: Path,
          say=print) -> list[str]:
    """Both files per department and the manifest with them (kind "review"), all written or none."""
    from render.produce.commit import Transaction
    from render.produce.plan import department_folder

    outputs, written = [], []
    files.writable(out)
    with files.locked(out, lambda pid: say(f"输出文件夹正由另一个命令（进程 {pid}）写入，等它结束后继续……", Level.PROBLEM)):
        transaction = Transaction(out)
        try:
            for opinion in opinions:
                r, who = opinion.review, opinion.reviewer
                d = r.department
                folder = department_folder(d)
                stamp = stamp_of(d, who)
                paths = [d.source] + [p.project.source for p in r.projects]
                sources = (tuple((path, (base / path).read_bytes()) for path in paths)
                           + (((who.source, who.data),) if who.source else ()) + ((rules.source, rules.data),))
                # Attachments by file name, as the tables carry theirs; the rules file's name cannot clash.
                attached = tuple((Path(path).name, data) for path, data in sources)
                listed = tuple(publish.Source(path, files.sha256(data)) for path, data in sources)
                pdf_data, pages = pdf_bytes(opinion, rules, attached, stamp)
                answered = _answered(base, d.folder)
                xlsx_data = workbook.xlsx_bytes(r, rules, stamp, title(d), issuer(who), issued(who), dict(opinion.answers))
                for suffix, data, count in ((".pdf", pdf_data, pages), (".xlsx", xlsx_data, 0)):
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
