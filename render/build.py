"""Turn a content folder into project PDFs, department volumes and a manifest under the output folder."""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from . import fonts, load, model as m, output
from .problems import Problem

ROOT = Path(__file__).resolve().parent.parent
CHINA = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Options:
    content: Path
    out: Path
    jobs: int = 0  # 0: one per core
    duplex: bool = False


@dataclass(frozen=True)
class SourceFile:
    path: str  # as the manifest names it
    name: str  # as the PDF's attachment names it
    data: bytes


@dataclass(frozen=True)
class Job:
    """One PDF to make: a project's table, or a department's volume (then `project` is None)."""

    target: str  # relative to the output folder
    kind: str
    title: str
    department: m.Department
    project: m.Project | None
    sources: tuple[SourceFile, ...]
    stamp: datetime
    duplex: bool = False


@dataclass(frozen=True)
class Made:
    job: Job
    data: bytes
    pages: int


def build(options: Options, say=print) -> int:
    """Check, plan, render, publish: the whole build, step by step."""
    started = time.monotonic()
    missing = fonts.preflight()
    if missing:
        for line in missing:
            say(f"错误: {line}")
        return 2
    base = source_base(options.content)
    content, problems = load.load(options.content, base)
    problems += fonts.glyph_problems(content)
    report(problems, say)
    jobs, skipped = plan(content, problems, options, base)
    for line in skipped:
        say(line)
    made = render_all(jobs, options.jobs, say)
    written, removed = publish(options.out, made)
    for rel in removed:
        say(f"已删除过期的 PDF：{rel}")
    failed = any(p.severity == "error" for p in problems)
    say(f"完成：写出 {written} 个 PDF，用时 {time.monotonic() - started:.1f} 秒"
        + ("；有错误，部分 PDF 未生成" if failed else ""))
    return 1 if failed else 0


def report(problems: list[Problem], say) -> None:
    for p in sorted(problems, key=lambda p: (p.path, p.line, p.severity)):
        say(str(p))
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if problems:
        say(f"检查：{errors} 个错误，{warnings} 个警告")


def stamp_for(department: m.Department) -> datetime:
    """The date written into PDFs: SOURCE_DATE_EPOCH, else the volume's 编制日期, never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    y, rest = department.date.split("年")
    mo, rest = rest.split("月")
    return datetime(int(y), int(mo), int(rest.rstrip("日")), tzinfo=CHINA)


def source_base(content: Path) -> Path:
    """Sources are named relative to the repository, or to the content folder's parent outside it."""
    resolved = content.resolve()
    return ROOT if resolved.is_relative_to(ROOT) else resolved.parent


def plan(content: m.Content, problems: list[Problem], options: Options,
         base: Path = ROOT) -> tuple[list[Job], list[str]]:
    """A job per project without errors; a volume only for a department whose every table is sound."""
    bad = {p.path for p in problems if p.severity == "error"}
    jobs, skipped = [], []

    def _source(path: str) -> SourceFile:
        return SourceFile(path, Path(path).name, (base / path).read_bytes())

    for d in content.departments:
        folder = f"{d.year}/{output.safe_part(d.dir_name)}"
        stamp = stamp_for(d)
        good = tuple(p for p in d.projects if p.source not in bad)
        for p in good:
            jobs.append(Job(f"{folder}/{output.safe_part(p.stem)}.pdf", "project", p.name, d, p,
                            (_source(p.source),), stamp))
        broken = sorted(s for s in bad if s.startswith(d.folder + "/"))
        if broken or len(good) != len(d.projects):
            skipped.append(f"{d.folder}: 有 {len(broken)} 个文件存在错误，本部门装订册未生成")
            continue
        sources = (_source(d.source),) + tuple(_source(p.source) for p in d.projects)
        jobs.append(Job(f"{folder}/{output.safe_part(d.title)}.pdf", "volume", d.title, d, None, sources,
                        stamp, options.duplex))
    return jobs, skipped


def render_all(jobs: list[Job], workers: int, say) -> list[Made]:
    """Render every job, in worker processes when there is more than one core to use."""
    workers = min(workers or os.cpu_count() or 1, len(jobs)) or 1
    # Volumes are the longest jobs: start them first so the workers finish together.
    ordered = sorted(jobs, key=lambda j: j.kind != "volume")
    made: list[Made] = []
    if workers == 1:
        for job in ordered:
            made.append(render_job(job))
            _progress(made[-1], say)
        return made
    # WeasyPrint is not fork-safe (WEASYPRINT.md): start clean interpreters.
    context = multiprocessing.get_context("forkserver" if sys.platform != "win32" else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(render_job, job) for job in ordered]
        try:
            for future in as_completed(futures):
                made.append(future.result())
                _progress(made[-1], say)
        except BaseException:
            for f in futures:
                f.cancel()
            raise
    return made


def _progress(item: Made, say) -> None:
    say(f"  {item.job.target}（{item.pages} 页）")


_env = None


def render_job(job: Job) -> Made:
    from . import html, paginate, pdf

    global _env
    if _env is None:
        _env = html.environment()
    stamp = job.stamp.isoformat()
    if job.project is not None:
        doc, _ = paginate.project(_env, job.project, stamp)
    else:
        doc = paginate.volume(_env, job.department, {}, job.duplex, stamp)
    attached = tuple(pdf.Attached(s.name, s.data) for s in job.sources)
    return Made(job, pdf.write(doc, attached, job.stamp), len(doc.pages))


def publish(out: Path, made: list[Made]) -> tuple[int, list[str]]:
    from .pdf import versions

    previous = output.read_manifest(out)
    outputs = []
    for item in made:
        output.write_atomic(out / item.job.target, item.data)
        outputs.append(output.Output(
            item.job.target, item.job.kind, item.job.title, item.pages, output.sha256(item.data),
            tuple(output.Source(s.path, output.sha256(s.data)) for s in item.job.sources), versions()))
    removed = output.remove_stale(out, previous, {o.path for o in outputs})
    output.write_manifest(out, outputs, versions())
    return len(outputs), removed
