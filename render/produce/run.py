"""Turn a content folder into project PDFs, department volumes and a manifest under the output folder."""

from __future__ import annotations

import os
import time
from pathlib import Path
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from render.produce import commit, files, memo, publish, workers
from render.produce.plan import Options, epoch_problem, source_base
from render.produce.outputs import DRAFTS
from render import COMMAND
from render.problems import Exit, Kind, Level, Problem, exit_code, from_here, plain, report
from render.source import folders

if TYPE_CHECKING:
    from render.produce import cache as kc
    from render.produce.plan import Job


@dataclass(frozen=True)
class BuildResult:
    """What a build did, for the command line and `watch` to tell: nothing is read back from printed text."""

    exit: Exit
    written: tuple[tuple[str, int], ...] = ()  # (path, pages), in content order
    reused: int = 0
    removed: tuple[tuple[str, str], ...] = ()  # (path, the deleted source it was made from)
    stale: tuple[tuple[str, str], ...] = ()  # (path, why)
    problems: tuple[Problem, ...] = ()


def build(options: Options, say=plain, pool=None) -> BuildResult:
    """Check, plan, render what changed, publish: the whole build, step by step.

    `pool`: workers kept by the caller (`watch`) from one build to the next; without it the build starts
    its own, if there is anything to lay out, and shuts them down before it returns.
    """
    started = time.monotonic()
    if options.draft:  # never over the final PDFs: a folder of its own, with its own manifest and cache
        options = replace(options, out=options.out / DRAFTS)
    refused = refuse(options)
    if refused:
        report(refused, say)
        return BuildResult(exit_code(refused), problems=tuple(refused))
    with files.locked(options.out, lambda pid: say(f"输出文件夹 {options.out} 正由另一个命令（进程 {pid}）写入，"
                                                  "等它结束后继续……", Level.PROBLEM)):
        refused = another_content(options)
        if refused:
            report(refused, say)
            return BuildResult(exit_code(refused), problems=tuple(refused))
        files.writable(options.out)
        return _build(options, say, pool, started)


def _build(options: Options, say, pool, started: float) -> BuildResult:
    if commit.apply(options.out):
        say("已完成上次被中断的写出", Level.DONE)
    aside = publish.set_aside(options.out)
    if aside:
        say(f"{options.out / publish.MANIFEST}: 清单不是本程序写的，已改名为 {aside}，本次重新生成", Level.PROBLEM)
    digest = memo.inputs(options)
    # With a pool kept for the next build (`watch`), the full path: it loads what the rebuilds will need.
    same = memo.recall(options, digest) if pool is None else None
    if same:  # the last build's inputs, outputs and manifest, byte for byte: that build again
        report(list(same.problems), say, base=here(options))
        for target in same.tables:
            say(f"  {listed(options)(target)}（未改动，沿用）", Level.DETAIL)
        say(finished(same.count, 0, same.count, started), Level.DONE)
        return BuildResult(exit_code(same.problems), reused=same.count, problems=same.problems)
    return _full(options, say, pool, started, digest)


def _full(options: Options, say, pool, started: float, digest: str | None) -> BuildResult:
    # Here, not at the top: a build with nothing to do ends before it needs the parser or the layout's
    # measures (render/produce/memo.py), and importing them was a third of its time.
    from render.produce import cache as kc
    from render.produce.outputs import jobs as plan
    from render.produce.scheduler import Scheduler
    from render.source import load
    from render.typeset import measure

    base = source_base(options.content)
    content, problems = load.load(options.content, base, options.only)
    # The layout's measures only of the departments this build makes: another's problems would be dropped
    # below, and measuring them was most of a one-department build (the site's save).
    built = [d for d in content.departments if any(options.chosen(p.source, base) for p in d.projects)]
    problems = [p for p in problems + measure.problems(built) if p.kind is not Kind.CONTENT or options.concerns(p.path, base)]
    store = kc.Cache(options.out)
    jobs, skipped = plan(content, problems, options, base)
    missing, glyphs = check_changed(jobs, store, options)
    if missing:
        report(problems + missing, say, base=here(options))
        return BuildResult(exit_code(missing), problems=tuple(problems + missing))
    if glyphs:
        problems += glyphs
        jobs, skipped = plan(content, problems, options, base)
    report(problems, say, base=here(options))
    for line in skipped:
        say(line, Level.PROBLEM)
    scheduler = Scheduler(options.out, store, say, jobs, lambda folder: department_command(options, folder))
    with executor(options, scheduler.layouts(), pool) as running:
        made = scheduler.run(running)
    problems += scheduler.failures
    failed = any(p.severity == "error" for p in problems)
    done = publish.publish(options, made, jobs, store, remove=not failed)
    report([*scheduler.failures, *done.problems], say, base=here(options))
    problems += done.problems
    failed = failed or bool(done.problems)
    shown = listed(options)
    for rel, pages in done.written:
        say(f"  {shown(rel)}（{pages} 页）", Level.MADE)
    for rel, source in done.removed:
        say(f"已删除过期的 PDF（源文件 {source} 已删除）：{shown(rel)}", Level.DONE)
    for rel, why in done.stale:
        if rel not in done.known:
            say(f"{why}：{shown(rel)}", Level.PROBLEM)
    reused = len(made) - len(done.written) - len(done.problems)
    say(finished(len(made), len(done.written), reused, started) + ("；有错误，部分 PDF 未生成" if failed else "")
        + (f"；{len(done.stale)} 个 PDF 已过期（运行 {publish.update_command(options.out)} 即可更新）" if done.stale else ""),
        Level.FAILED if failed else Level.DONE)
    if not (failed or done.stale):
        memo.remember(options, digest, memo.Unchanged(tuple(j.target for j in jobs if not j.parts), len(made), tuple(problems)))
    return BuildResult(exit_code(problems), done.written, reused, done.removed, done.stale, tuple(problems))


def here(options: Options) -> Path | None:
    """What problems' paths are relative to, if the content folder was given relative to where the command runs."""
    return None if options.content.is_absolute() else source_base(options.content)


def department_command(options: Options, folder: str) -> str:
    """The build of one department folder (relative to source_base) with this build's options, as typed here."""
    base = source_base(options.content)
    where = from_here(folder, here(options)) if here(options) else os.path.abspath(base / folder)
    given = options.out.parent if options.draft else options.out  # a draft build's is its 草稿/
    out = [] if given.absolute() == folders.DIST.absolute() else ["--out", str(given)]
    return " ".join([COMMAND, where, *options.flags(), *out])


def listed(options: Options):
    """A file of the output folder as the clerk finds it there: a draft's under 草稿/ (its own manifest's paths
    are relative to that folder)."""
    return (lambda rel: f"{DRAFTS}/{rel}") if options.draft else (lambda rel: rel)


def finished(count: int, written: int, reused: int, started: float) -> str:
    return f"完成：{count} 个 PDF，重建 {written}，复用 {reused}，用时 {time.monotonic() - started:.1f} 秒"


@contextmanager
def executor(options: Options, layouts: int, pool=None):
    """Where the layouts run: the caller's workers, or workers of this build's own (only for something to
    lay out; then even one beats importing WeasyPrint here), shut down when it ends, whatever happens."""
    from render.produce.scheduler import Inline

    if pool is not None and layouts:
        yield pool  # the caller's, kept for its next build
        return
    own = workers.pool(min(options.workers, layouts)) if options.workers > 1 and layouts else Inline()
    try:
        yield own
    except BaseException:
        own.shutdown(cancel_futures=True)
        raise
    else:
        own.shutdown()


def refuse(options: Options) -> list[Problem]:
    """Why this build must not touch the output folder at all, whatever is in it: no content to build, or a
    date it cannot write."""
    epoch = epoch_problem()
    if epoch:
        return [epoch]
    if not options.content.is_dir():
        return [Problem(str(options.content), 0, "内容目录", f"{folders.missing(options.content)}；"
                        f"输出文件夹 {options.out} 未改动", kind=Kind.REFUSED)]
    misplaced = folders.not_a_content_folder(options.content)
    return [misplaced] if misplaced else []


def another_content(options: Options) -> list[Problem]:
    """The output folder holds another content folder's PDFs: asked once the folder is ours (locked), since
    a build that held it until then may have just made it so."""
    other = publish.other_content(options.out, options.content)
    return [Problem(str(options.out), 0, "输出文件夹", other, kind=Kind.REFUSED)] if other else []


def check_changed(jobs: list[Job], store: kc.Cache, options: Options) -> tuple[list[Problem], list[Problem]]:
    """Fonts and glyphs, for the tables that will be laid out: unchanged ones passed when they were made."""
    from render.typeset import fonts

    to_render = [j for j in jobs if j.project is not None and not store.hit(j.target, j.key, options.out / j.target)]
    if not to_render:
        return [], []
    if options.workers > 1:
        workers.start()  # the guess at the start missed
    return fonts.preflight(), fonts.glyph_problems(j.project for j in to_render)
