"""Turn jobs into rendered PDFs over an executor it is given: tables and frames at once, each volume as soon
as its parts are ready, a failed job failing only its own PDF."""

from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import astuple, dataclass

from render import COMMAND
from render.produce import cache as kc
from render.produce.files import sha256, write_atomic
from render.produce.plan import ProjectJob, VolumeJob
from render.produce.workers import uninterrupted
from render.produce.tasks import Placement, assemble_volume, render_frame, render_project
from render.problems import Level, Problem, RenderError


@dataclass(frozen=True)
class Made:
    target: str
    data: bytes
    pages: int
    rebuilt: bool


@dataclass(frozen=True)
class Frame:
    """A volume's frame for one set of table page counts."""

    key: str
    data: bytes
    placements: tuple[Placement, ...]
    pages: int
    new: bool  # laid out by this build, not taken from the cache


# What a pending future will deliver, and where its result goes.
@dataclass(frozen=True)
class TableWork:
    job: ProjectJob


@dataclass(frozen=True)
class FrameWork:
    volume: VolumeJob
    pages: tuple[int, ...]
    key: str


@dataclass(frozen=True)
class VolumeWork:
    volume: VolumeJob
    pages: int
    key: str


class Inline:
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

    def __init__(self, out, store: kc.Cache, say, projects: list[ProjectJob], volumes: list[VolumeJob],
                 rebuild=lambda folder: f"{COMMAND} {folder}"):
        self.out, self.store, self.say = out, store, say
        self.made: dict[str, Made] = {}
        self.frames: dict[tuple[str, tuple[int, ...]], Frame | None] = {}  # None while being laid out
        self.pending: dict[Future, TableWork | FrameWork | VolumeWork] = {}
        self.failures: list[Problem] = []
        self.todo = [j for j in projects if not self._reuse_project(j) and not j.reuse_only]
        # `build.py PROJECT` brings the volume up to date only if the department's other tables are
        # (reuse_only): else the volume stays as it was, and publish marks it stale.
        behind = {j.target for j in projects if j.reuse_only and j.target not in self.made}
        self.volumes = [v for v in volumes if not any(p.target in behind for p in v.projects)]
        for v in volumes:
            if v not in self.volumes:
                say(f"{v.target}: 装订册未更新：本部门还有别的项目表需要重新生成，请生成整个部门文件夹："
                    f"{rebuild(v.department.folder)}", Level.PROBLEM)
        self.guesses = {v.target: tuple(self._guess(p) for p in v.projects) for v in volumes}

    def layouts(self) -> int:
        """How many tables and frames need laying out, as far as is known before any is: the size of the
        pool worth starting (0: none)."""
        return len(self.todo) + sum(not self._cached_frame(v, self.guesses[v.target]) for v in self.volumes)

    def run(self, executor) -> dict[str, Made]:
        """Render everything through `executor`; on an exception, cancel what it has not started."""
        self.pool = executor
        waiting = list(self.volumes)
        try:
            for v in self.volumes:
                self._frame(v, self.guesses[v.target])
            # the longest tables first, so that the workers finish together
            for job in sorted(self.todo, key=lambda j: -j.project.indicator_count):
                self.pending[self.pool.submit(render_project, job)] = TableWork(job)
            if self.volumes and self.pending:
                # the assembly (pikepdf, 60 ms), loaded here while the workers lay out. Not in a thread of
                # its own: a Ctrl-C can leave CPython 3.11's import lock held, and that thread waiting for
                # it, or still in pikepdf's C++ start-up at exit, which aborts the process.
                with uninterrupted():
                    import render.bind.assemble  # noqa: F401
            while True:
                for v in list(waiting):
                    if self._try_volume(v):
                        waiting.remove(v)
                if not self.pending:
                    for v in waiting:  # a frame that failed has said so
                        if not all(p.target in self.made for p in v.projects):
                            self.failures.append(Problem(v.department.folder, 0, "装订册",
                                                         "有项目表未能生成，本部门装订册未生成"))
                    return self.made
                done, _ = wait(self.pending, return_when=FIRST_COMPLETED)
                for future in done:
                    self._deliver(self.pending.pop(future), future)
        except BaseException:
            for future in self.pending:  # the executor's owner shuts it down; this build's jobs end here
                future.cancel()
            raise

    def _deliver(self, work: TableWork | FrameWork | VolumeWork, future: Future) -> None:
        try:
            result = future.result()
        except RenderError as e:  # this PDF would print wrong: say why, build the others
            self.failures.append(_failure(work, e))
            return
        if isinstance(work, TableWork):
            data, pages = result
            self._record(work.job.target, data, pages, work.job.key)
        elif isinstance(work, FrameWork):
            data, placements, count = result
            self.frames[(work.volume.target, work.pages)] = Frame(work.key, data, placements, count, True)
        else:
            self._record(work.volume.target, result, work.pages, work.key)

    def _guess(self, job: ProjectJob) -> int:
        if job.target in self.made:
            return self.made[job.target].pages
        entry = self.store.entries.get(job.target)
        if entry:
            return entry["pages"]
        from render.typeset.measure import estimate_pages

        return estimate_pages(job.project)

    def _reuse_project(self, job: ProjectJob) -> bool:
        entry = self.store.hit(job.target, job.key, self.out / job.target)
        if entry:
            self.made[job.target] = Made(job.target, (self.out / job.target).read_bytes(), entry["pages"], False)
            self.say(f"  {job.target}（未改动，沿用）", Level.DETAIL)
        return bool(entry)

    def _record(self, target: str, data: bytes, pages: int, key: str) -> None:
        self.made[target] = Made(target, data, pages, True)
        self.store.put(target, key=key, sha256=sha256(data), pages=pages)

    def _frame_key(self, v: VolumeJob, pages: tuple[int, ...]) -> str:
        summary = "\n".join(f"{p.name}\t{p.office}\t{p.term}\t{p.amount}" for p in v.department.projects)
        return kc.key("frame", v.target, v.sources[0].data, summary, repr(pages), str(v.duplex), v.draft,
                      v.stamp.isoformat(), str(v.tables_on_right))

    def _cached_frame(self, v: VolumeJob, pages: tuple[int, ...]) -> bool:
        """Take the frame for these page counts from the cache if it holds it; True also if it is already
        here or being laid out."""
        if (v.target, pages) in self.frames:
            return True
        name, key = f"frame:{v.target}", self._frame_key(v, pages)
        entry = self.store.hit(name, key, self.store.frame_path(name))
        if entry:
            placements = tuple(Placement(*p) for p in entry["placements"])
            self.frames[(v.target, pages)] = Frame(key, self.store.frame_path(name).read_bytes(), placements,
                                                   entry["pages"], False)
        return bool(entry)

    def _frame(self, v: VolumeJob, pages: tuple[int, ...]) -> None:
        """Have a frame for these page counts: from the cache, or laid out by a worker."""
        if not self._cached_frame(v, pages):
            self.frames[(v.target, pages)] = None
            self.pending[self.pool.submit(render_frame, v, pages)] = FrameWork(v, pages, self._frame_key(v, pages))

    def _try_volume(self, v: VolumeJob) -> bool:
        """Start the volume's assembly if its tables and the frame that fits them are ready."""
        if not all(p.target in self.made for p in v.projects):
            return False
        pages = tuple(self.made[p.target].pages for p in v.projects)
        self._frame(v, pages)
        frame = self.frames[(v.target, pages)]
        if frame is None:
            return False
        name = f"frame:{v.target}"
        if frame.new:
            write_atomic(self.store.frame_path(name), frame.data)
        self.store.put(name, key=frame.key, sha256=sha256(frame.data), pages=frame.pages,
                       placements=[astuple(p) for p in frame.placements])
        tables = tuple(self.made[p.target].data for p in v.projects)
        volume_key = kc.key("volume", frame.key, sha256(frame.data), *(sha256(t) for t in tables),
                            *(s.name.encode() + b"\0" + s.data for s in v.sources))
        entry = self.store.hit(v.target, volume_key, self.out / v.target)
        if entry:
            self.made[v.target] = Made(v.target, (self.out / v.target).read_bytes(), entry["pages"], False)
        else:
            # Assembly is a tenth of a second of pikepdf: done here, it spares the workers a 3 MB round
            # trip and the fork server the pikepdf import, which would delay every first table.
            self.pending[Inline().submit(assemble_volume, v, frame.data, tables, frame.placements)] = (
                VolumeWork(v, frame.pages, volume_key))
        return True


def _failure(work: TableWork | FrameWork | VolumeWork, error: Exception) -> Problem:
    if isinstance(work, TableWork):
        return Problem(work.job.source.path, 0, "排版", f"无法正确排版，未生成 PDF：{error}")
    return Problem(work.volume.department.folder, 0, "装订册", f"无法正确排版，未生成装订册：{error}")
