"""Turn `build.py review [PATH]` into printed findings (and with --out the meeting's files) and an exit code."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from render.produce.plan import source_base
from render.problems import Exit, Kind, Level, Problem, exit_code, from_here, plain, report
from render.review import feedback
from render.review import reviewer as rv
from render.review.grade import conclude, tally
from render.review.judge import review
from render.review.registry import LEVELS
from render.review.rules import load as load_rules
from render.source import fields, load


def run(path: Path, rules_file: Path | None = None, strict: bool = False, out: Path | None = None,
        say=plain) -> Exit:
    """Exit 1 when the content or the rules file has an error, or with `strict` a finding of the highest level."""
    rules, bad = load_rules(rules_file)
    if rules is None:
        report(bad, say)
        return exit_code(bad)
    from render.typeset import measure  # what the layout cannot print: as `check` says it

    root, target, department = load.scope(path)
    base = source_base(root)
    content, problems = load.load(root, base)
    problems = [p for p in problems + measure.problems(content.departments) if _within(base / p.path, target)
                or base / p.path == department / fields.DEPARTMENT_FILE]
    here = None if path.is_absolute() else base  # files named as the person finds them from where they are
    report(problems, say, base=here)
    reviews = review(content, rules, lambda p: _within(base / p.source, target))
    reviewers, answers = {}, {}
    for d in reviews:
        reviewers[d.department.folder], bad = rv.load(base / d.department.folder, base, root)
        answers[d.department.folder], unread = feedback.load(base / d.department.folder, base)
        report(bad + unread, say)
        problems += bad + unread
        if d.common:  # said once, before the projects they are common to, headed as a project is
            counts = "，".join(f"{level} {n}" for level in LEVELS
                              if (n := sum(f.rule.level == level for f in d.common)))
            must = any(f.rule.level == LEVELS[0] for f in d.common)
            say(f"== {d.department.dir_name} 共性问题（{d.common[0].shared} 个项目都有，只计一次，不计入各项目的等级）："
                f"{counts}", Level.PROBLEM if must else Level.DONE)
            for f in d.common:
                say(str(f), Level.PROBLEM if f.rule.level == LEVELS[0] else Level.DONE)
        for r in d.projects:
            counts = "，".join(f"{level} {r.count(level)}" for level in LEVELS if r.count(level))
            # -q: only what must be changed (需修改); the advice and hints are for a full review
            must = r.count(LEVELS[0])
            grade = conclude(r, rules)
            say(f"== {r.project.stem}：{counts or '未发现问题'}；结论：{grade.name}（{grade.grade.action}）",
                Level.PROBLEM if must else Level.DONE)
            for f in r.own:
                say(str(replace(f, path=from_here(f.path, here))), Level.PROBLEM if f.rule.level == LEVELS[0] else Level.DONE)
            say(f"   {grade.name}：{grade.why}", Level.DONE)
        if len(d.projects) == len(d.department.projects):
            shares = "，".join(f"{t.grade.name} {t.projects} 个" for t in tally(d, rules))
            say(f"== {d.department.dir_name} 结论：{shares}", Level.DONE)
    found = [f for d in reviews for f in d.findings]
    projects = sum(len(d.projects) for d in reviews)
    by_level = "，".join(f"{level} {sum(f.rule.level == level for f in found)}" for level in LEVELS)
    common = sum(len(d.common) for d in reviews)
    say(f"审核：{len(reviews)} 个部门，{projects} 个项目，{len(found)} 条意见（{by_level}"
        f"{f'；其中共性问题 {common} 条' if common else ''}），规则 {rules.source}", Level.DONE)
    if out is not None:
        problems += _write(out, reviews, reviewers, answers, rules, base, root, problems, say)
    code = exit_code(problems)
    if code == Exit.OK and strict and any(f.rule.level == LEVELS[0] for f in found):
        return Exit.PROBLEMS
    return code


def _within(p: Path, where: Path) -> bool:
    p = p.absolute()
    return p == where or where in p.parents


def _write(out: Path, reviews, reviewers: dict[str, rv.Reviewer], answers: dict[str, dict], rules, base: Path,
           root: Path, problems: list[Problem], say) -> list[Problem]:
    from render.produce import publish
    from render.review import report as review_output

    from render.produce.plan import epoch_problem

    refused = publish.other_content(out, root)
    found = [Problem(str(out), 0, "输出文件夹", refused, kind=Kind.REFUSED)] if refused else []
    found += [epoch_problem()] if epoch_problem() else []
    from render.typeset import fonts

    found += fonts.preflight()  # the opinion's faces (仿宋, 楷体, 黑体) as well as the tables'
    if found:  # the meeting files go beside the PDFs of the same content, never among another's
        report(found, say)
        return found

    whole = []
    for d in reviews:
        broken = any(p.severity == "error" and p.path.startswith(d.department.folder + "/") for p in problems)
        if broken or len(d.projects) != len(d.department.projects):
            say(f"{d.department.folder}: {'有文件存在错误' if broken else '只审核了部分项目'}，"
                f"本部门{review_output.NAME}未生成（请审核整个部门文件夹）", Level.PROBLEM)
        else:
            whole.append(review_output.Opinion(d, reviewers[d.department.folder],
                                               tuple(answers[d.department.folder].items())))
    if whole:
        review_output.write(out, tuple(whole), rules, base, root, say)
    return []
