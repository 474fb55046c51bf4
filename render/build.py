"""Turn a content folder into project PDFs, department volumes and a manifest under the output folder."""

from __future__ import annotations

import importlib
import os
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import astuple, dataclass, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from . import ROOT, cache as kc, fonts, model as m, output, warm
from .problems import Problem, RenderError

CHINA = timezone(timedelta(hours=8))
# Drafts (--draft) are built here, under the output folder: `verify` of the final PDFs leaves it alone.
DRAFTS = "草稿"


@dataclass(frozen=True)
class Placement:
    """Table page `page` (0-based) of table `table` goes onto volume page `frame_page` (0-based)."""

    frame_page: int
    table: int
    page: int


@dataclass(frozen=True)
class Options:
    content: Path
    out: Path
    jobs: int = 0  # 0: one per core
    simplex: bool = False  # the volume for single-sided printing: no blank pages, no mirrored margins
    draft: str = ""  # a draft's mark (征求意见稿): printed on every page, in its own folder (DRAFTS)

    @property
    def workers(self) -> int:
        return self.jobs or os.cpu_count() or 1


@dataclass(frozen=True)
class SourceFile:
    path: str  # as the manifest names it
    name: str  # as the PDF's attachment names it
    data: bytes


@dataclass(frozen=True)
class ProjectJob:
    target: str  # relative to the output folder
    project: m.Project
    source: SourceFile
    stamp: datetime
    key: str
    draft: str = ""


@dataclass(frozen=True)
class VolumeJob:
    target: str
    department: m.Department
    sources: tuple[SourceFile, ...]  # 部门.yml, then the projects in order
    projects: tuple[ProjectJob, ...]
    stamp: datetime
    duplex: bool
    draft: str = ""


@dataclass(frozen=True)
class Made:
    target: str
    data: bytes
    pages: int
    rebuilt: bool


def build(options: Options, say=print, pool=None) -> int:
    """Check, plan, render what changed, publish: the whole build, step by step.

    `pool`: workers kept by the caller (`watch`) from one build to the next; without it the build forks its
    own and shuts them down before it returns.
    """
    from . import load  # here, not at the top: workers unpickle their jobs from this module and need
    #                      neither Markdown nor YAML (0.1 s of the start of every build that renders)

    started = time.monotonic()
    if options.draft:  # never over the final PDFs: a folder of its own, with its own manifest and cache
        options = replace(options, out=options.out / DRAFTS)
    refused = refuse(options)
    if refused:
        say(refused)
        return 2
    output.writable(options.out)
    base = source_base(options.content)
    content, problems = load.load(options.content, base)
    store = kc.Cache(options.out)
    projects, volumes, skipped = plan(content, problems, options, base)
    missing, glyphs = check_changed(projects, store, options)
    if missing:
        report(problems, say)
        for line in missing:
            say(f"错误: {line}")
        return 2
    if glyphs:
        problems += glyphs
        projects, volumes, skipped = plan(content, problems, options, base)
    report(problems, say)
    for line in skipped:
        say(line)
    scheduler = Scheduler(options, store, say, pool)
    made = scheduler.run(projects, volumes)
    if scheduler.failures:
        report(scheduler.failures, say)
        problems += scheduler.failures
    failed = any(p.severity == "error" for p in problems)
    removed, stale = publish(options, made, projects, volumes, store, remove=not failed)
    for rel in removed:
        say(f"已删除过期的 PDF（源文件已删除）：{rel}")
    for rel in stale:
        say(f"未能重建，保留上次生成的 PDF（已标为过期）：{rel}")
    rebuilt = sum(x.rebuilt for x in made.values())
    say(f"完成：{len(made)} 个 PDF，重建 {rebuilt}，复用 {len(made) - rebuilt}，"
        f"用时 {time.monotonic() - started:.1f} 秒" + ("；有错误，部分 PDF 未生成" if failed else "")
        + (f"；{len(stale)} 个 PDF 已过期" if stale else ""))
    return 1 if failed else 0


def refuse(options: Options) -> str | None:
    """Why this build must not touch the output folder at all: no content to build, or another's PDFs there."""
    if not options.content.is_dir():
        return (f"{options.content}: 内容目录: 找不到这个文件夹（请用 --content 指定内容文件夹）；"
                f"输出文件夹 {options.out} 未改动")
    return output.other_content(options.out, options.content)


def check_changed(projects: list[ProjectJob], store: kc.Cache, options: Options) -> tuple[list[str], list[Problem]]:
    """Fonts and glyphs, for the tables that will be laid out: unchanged ones passed when they were made."""
    to_render = [j for j in projects if not store.hit(j.target, j.key, options.out / j.target)]
    if not to_render:
        return [], []
    if options.workers > 1:
        warm.start()  # the guess at the start missed
    return fonts.preflight(), fonts.glyph_problems(j.project for j in to_render)


def report(problems: list[Problem], say) -> None:
    for p in sorted(problems, key=lambda p: (p.path, p.line, p.severity)):
        say(str(p))
    errors = sum(p.severity == "error" for p in problems)
    if problems:
        say(f"检查：{errors} 个错误，{len(problems) - errors} 个警告")


def stamp_for(department: m.Department) -> datetime:
    """The date written into PDFs: SOURCE_DATE_EPOCH, else the volume's 编制日期, else (not filled in yet)
    1 January of its 年度: never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    day = department.date or date(int(department.year), 1, 1)
    return datetime.combine(day, datetime.min.time(), tzinfo=CHINA)


def source_base(content: Path) -> Path:
    """Sources are named relative to the repository, or to the content folder's parent outside it."""
    resolved = content.resolve()
    return ROOT if resolved.is_relative_to(ROOT) else resolved.parent


def plan(content: m.Content, problems: list[Problem], options: Options,
         base: Path = ROOT) -> tuple[list[ProjectJob], list[VolumeJob], list[str]]:
    """A job per project without errors; a volume only for a department whose every table is sound."""
    bad = {p.path for p in problems if p.severity == "error"}
    projects, volumes, skipped = [], [], []

    def source(path: str) -> SourceFile:
        return SourceFile(path, Path(path).name, (base / path).read_bytes())

    mark = f"（{options.draft}）" if options.draft else ""
    for d in content.departments:
        folder = f"{d.year}/{output.safe_part(d.dir_name)}"
        stamp = stamp_for(d)
        jobs = []
        for p in d.projects:
            if p.source in bad:
                continue
            src = source(p.source)
            target = f"{folder}/{output.safe_part(p.stem + mark)}.pdf"
            # repr(p): what the page shows beyond its source (the department's places, its scheme's order)
            jobs.append(ProjectJob(target, p, src, stamp, kc.key("project", target, src.path, src.data,
                                                                 stamp.isoformat(), repr(p), options.draft),
                                   options.draft))
        projects += jobs
        broken = sorted(s for s in bad if s.startswith(d.folder + "/"))
        if not d.projects:
            continue  # load has warned: a volume of nothing is not printed
        if broken or len(jobs) != len(d.projects):
            skipped.append(f"{d.folder}: 有 {len(broken)} 个文件存在错误，本部门装订册未生成")
            continue
        # The two volumes are laid out differently: they never share a name.
        name = d.title + ("（单面）" if options.simplex else "") + mark
        volumes.append(VolumeJob(f"{folder}/{output.safe_part(name)}.pdf", d,
                                 (source(d.source),) + tuple(j.source for j in jobs), tuple(jobs), stamp,
                                 not options.simplex, options.draft))
    return projects, volumes, skipped


class _Inline:
    """An executor that runs the task at once, here: with --jobs 1, and for a volume's short assembly."""

    def submit(self, fn, *args) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as e:  # handed to the caller through the future, as a pool would
            future.set_exception(e)
        return future

    def shutdown(self, cancel_futures: bool = False) -> None:
        pass


class Scheduler:
    """Projects and frames at once; a volume as soon as its tables and the frame that fits them are ready.

    A frame needs its tables' page counts, known only once they are laid out: it starts with the counts
    of the last build (or a guess) and is laid out again only if the real counts differ.
    """

    def __init__(self, options: Options, store: kc.Cache, say, pool=None):
        self.options, self.store, self.say, self.given = options, store, say, pool
        self.made: dict[str, Made] = {}
        self.frames: dict[tuple[str, tuple[int, ...]], tuple | None] = {}  # None while being laid out
        self.pending: dict[Future, tuple] = {}
        self.pool = None
        self.failures: list[Problem] = []

    def run(self, projects: list[ProjectJob], volumes: list[VolumeJob]) -> dict[str, Made]:
        todo = [j for j in projects if not self._reuse_project(j)]
        guesses = {v.target: tuple(self._guess(p) for p in v.projects) for v in volumes}
        frames = sum(not self._cached_frame(v, guesses[v.target]) for v in volumes)
        jobs = self.options.workers
        # Workers only for something to lay out; then even one beats importing WeasyPrint here.
        if self.given is not None:
            self.pool = self.given if todo or frames else _Inline()
        else:
            self.pool = warm.pool(min(jobs, len(todo) + frames)) if jobs > 1 and (todo or frames) else _Inline()
        waiting = list(volumes)
        # Load pikepdf for the assembly while the workers lay out the tables; not when nothing is laid out
        # (the volumes are then most likely unchanged), and joined before the build ends: an import still
        # running at interpreter exit aborts the process (nanobind).
        loader = threading.Thread(target=importlib.import_module, args=("pikepdf",), daemon=True)
        if volumes and (todo or frames):
            loader.start()
        try:
            for v in volumes:
                self._frame(v, guesses[v.target])
            # the longest tables first, so that the workers finish together
            for job in sorted(todo, key=lambda j: -j.project.indicator_count):
                self.pending[self.pool.submit(render_project, job)] = ("project", job)
            while True:
                for v in list(waiting):
                    if self._try_volume(v):
                        waiting.remove(v)
                if not self.pending:
                    for v in waiting:
                        self.failures.append(Problem(v.department.folder, 0, "装订册",
                                                     "有项目表未能生成，本部门装订册未生成"))
                    break
                done, _ = wait(self.pending, return_when=FIRST_COMPLETED)
                for future in done:
                    kind, job, *extra = self.pending.pop(future)
                    try:
                        result = future.result()
                    except RenderError as e:  # this PDF would print wrong: say why, build the others
                        self.failures.append(_failure(kind, job, e))
                        continue
                    if kind == "project":
                        self._record(job.target, result[0], result[1], job.key)
                    elif kind == "frame":
                        self._frame_made(job, *extra, result)
                    else:
                        self._record(job.target, result, *extra)
        except BaseException:
            if self.pool is not self.given:
                self.pool.shutdown(cancel_futures=True)
            else:  # the workers stay for the next build; this one's jobs do not
                for future in self.pending:
                    future.cancel()
            raise
        if self.pool is not self.given:
            self.pool.shutdown()
        if loader.is_alive():
            loader.join()
        return self.made

    def _guess(self, job: ProjectJob) -> int:
        if job.target in self.made:
            return self.made[job.target].pages
        entry = self.store.entries.get(job.target)
        if entry:
            return entry["pages"]
        from .html import estimate_pages

        return estimate_pages(job.project)

    def _reuse_project(self, job: ProjectJob) -> bool:
        entry = self.store.hit(job.target, job.key, self.options.out / job.target)
        if entry:
            self.made[job.target] = Made(job.target, (self.options.out / job.target).read_bytes(),
                                         entry["pages"], False)
        return bool(entry)

    def _record(self, target: str, data: bytes, pages: int, key: str) -> None:
        self.made[target] = Made(target, data, pages, True)
        self.store.put(target, key=key, sha256=output.sha256(data), pages=pages)
        self.say(f"  {target}（{pages} 页）")

    def _frame_key(self, v: VolumeJob, pages: tuple[int, ...]) -> str:
        summary = "\n".join(f"{p.name}\t{p.office}\t{p.term}\t{p.amount}" for p in v.department.projects)
        return kc.key("frame", v.target, v.sources[0].data, summary, repr(pages), str(v.duplex), v.draft,
                      v.stamp.isoformat())

    def _cached_frame(self, v: VolumeJob, pages: tuple[int, ...]) -> bool:
        """Take the frame for these page counts from the cache if it holds it; True also if it is already
        here or being laid out."""
        if (v.target, pages) in self.frames:
            return True
        name, key = f"frame:{v.target}", self._frame_key(v, pages)
        entry = self.store.hit(name, key, self.store.frame_path(name))
        if entry:
            placements = tuple(Placement(*p) for p in entry["placements"])
            self.frames[(v.target, pages)] = (key, self.store.frame_path(name).read_bytes(), placements,
                                              entry["pages"], False)
        return bool(entry)

    def _frame(self, v: VolumeJob, pages: tuple[int, ...]) -> None:
        """Have a frame for these page counts: from the cache, or laid out by a worker."""
        if not self._cached_frame(v, pages):
            self.frames[(v.target, pages)] = None
            self.pending[self.pool.submit(render_frame, v, pages)] = ("frame", v, pages, self._frame_key(v, pages))

    def _frame_made(self, v: VolumeJob, pages: tuple[int, ...], key: str, result: tuple) -> None:
        data, placements, count = result
        self.frames[(v.target, pages)] = (key, data, placements, count, True)

    def _try_volume(self, v: VolumeJob) -> bool:
        """Start the volume's assembly if its tables and the frame that fits them are ready."""
        if not all(p.target in self.made for p in v.projects):
            return False
        pages = tuple(self.made[p.target].pages for p in v.projects)
        self._frame(v, pages)
        frame = self.frames[(v.target, pages)]
        if frame is None:
            return False
        key, data, placements, count, new = frame
        name = f"frame:{v.target}"
        if new:
            output.write_atomic(self.store.frame_path(name), data)
        self.store.put(name, key=key, sha256=output.sha256(data), pages=count,
                       placements=[astuple(p) for p in placements])
        tables = tuple(self.made[p.target].data for p in v.projects)
        volume_key = kc.key("volume", key, output.sha256(data), *(output.sha256(t) for t in tables),
                            *(s.name.encode() + b"\0" + s.data for s in v.sources))
        entry = self.store.hit(v.target, volume_key, self.options.out / v.target)
        if entry:
            self.made[v.target] = Made(v.target, (self.options.out / v.target).read_bytes(), entry["pages"], False)
        else:
            # Assembly is a tenth of a second of pikepdf: done here, it spares the workers a 3 MB round
            # trip and the fork server the pikepdf import, which would delay every first table.
            self.pending[_Inline().submit(assemble_volume, v, data, tables, placements)] = (
                "volume", v, count, volume_key)
        return True


def _failure(kind: str, job, error: Exception) -> Problem:
    if kind == "project":
        return Problem(job.source.path, 0, "排版", f"无法正确排版，未生成 PDF：{error}")
    return Problem(job.department.folder, 0, "装订册", f"无法正确排版，未生成装订册：{error}")


_env = None


def _environment():
    from . import html

    global _env
    if _env is None:
        _env = html.environment()
    return _env


def prime() -> None:
    """In a worker that will stay (`watch`): load the fonts, the stylesheet and the faces' glyphs now, so
    that the first saved edit costs only its own layout."""
    from . import pdf

    _environment()
    pdf.write(pdf.layout('<html lang="zh-CN"><body><p>部门项目 <b>绩效目标</b> 2025</p></body></html>'))


def render_project(job: ProjectJob) -> tuple[bytes, int]:
    """In a worker: lay out one table (page breaks that keep its labels) and write its PDF/A."""
    from . import paginate, pdf

    doc = paginate.project(_environment(), job.project, job.stamp.isoformat(), job.draft)
    return pdf.write(doc, (pdf.Attached(job.source.name, job.source.data),), job.stamp), len(doc.pages)


def render_frame(v: VolumeJob, pages: tuple[int, ...]) -> tuple[bytes, tuple[Placement, ...], int]:
    """In a worker: the volume's cover, summary, chart and contents, and a numbered slot per table page."""
    from . import html, paginate, pdf

    doc = paginate.frame(_environment(), v.department, pages, v.duplex, v.stamp.isoformat(), v.draft)
    at = pdf.anchor_pages(doc)
    placements = tuple(Placement(at[f"{html.anchor(n)}-{k + 1}"], n, k)
                       for n, count in enumerate(pages) for k in range(count))
    return pdf.write(doc, (), v.stamp), placements, len(doc.pages)


def assemble_volume(v: VolumeJob, frame: bytes, tables: tuple[bytes, ...], placements: tuple[Placement, ...]) -> bytes:
    from .assemble import assemble

    return assemble(frame, tables, placements, tuple((s.name, s.data) for s in v.sources), v.stamp, v.duplex)


def publish(options: Options, made: dict[str, Made], projects: list[ProjectJob], volumes: list[VolumeJob],
            store: kc.Cache, remove: bool) -> tuple[list[str], list[str]]:
    """Write what was rebuilt, the manifest and the cache index; remove PDFs no longer made if `remove`,
    else keep them, marked stale. Returns what was removed and what is stale."""
    out = options.out
    previous = output.read_manifest(out)
    outputs = []
    titles = {j.target: (j.project.name, (j.source,)) for j in projects}
    titles |= {v.target: (v.department.title, v.sources) for v in volumes}
    for target, item in made.items():
        if item.rebuilt:
            output.write_atomic(out / target, item.data)
        kind = "volume" if target in {v.target for v in volumes} else "project"
        title, sources = titles[target]
        outputs.append(output.Output(target, kind, title, item.pages, output.sha256(item.data),
                                     tuple(output.Source(s.path, output.sha256(s.data)) for s in sources),
                                     kc.versions()))
    reviews = output.kept_reviews(out, previous)  # `review --out` made these: a build leaves them alone
    removed, stale = output.settle(out, previous, {o.path for o in outputs} | {e["path"] for e in reviews}, remove)
    output.write_manifest(out, outputs + stale, kc.versions(), output.content_name(out, options.content), reviews)
    # A stale file's cache entry stays: put right, its source rebuilds nothing that is already there.
    kept = set(made) | {o.path for o in stale}
    store.save(kept | {f"frame:{t}" for t in kept})
    return removed, [o.path for o in stale]
