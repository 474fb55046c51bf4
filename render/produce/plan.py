"""Turn the loaded content into jobs: a table per sound project, a volume per sound department."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import cached_property
from pathlib import Path
from typing import ClassVar, Protocol

from render import state
from render.resources import ROOT
from render.produce import cache as kc
from render.problems import Kind, Problem
from render.source import fields
from render.source.fields import safe_part
from render.source import model as m

CHINA = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Options:
    content: Path
    out: Path
    jobs: int = 0  # 0: one per core
    simplex: bool = False  # the volume for single-sided printing: no blank pages, no mirrored margins
    draft: str = ""  # a draft's mark (征求意见稿): printed on every page, in its own folder (outputs.DRAFTS)
    only: Path | None = None  # `build.py PATH`: just this project file, or this department folder and its volume
    tables_on_right: bool = False  # double-sided: each table opens on a right-hand page, after a blank if need be
    # The site's saves: their tables alone, so that the preview answers at once; the volumes (the registry's
    # bound kinds, render/produce/outputs.py) are marked stale until the build that follows binds them
    # (render/site/building.py).
    tables_only: bool = False

    @property
    def right_tables(self) -> bool:
        """Whether the volume opens each table on a right-hand page: single-sided, every page is one."""
        return self.tables_on_right and not self.simplex

    def flags(self) -> list[str]:
        """The options that make this build's variant, as they are typed."""
        return ["--simplex"] * self.simplex + ["--tables-on-right"] * self.right_tables \
            + ["--draft", self.draft] * bool(self.draft)

    @property
    def workers(self) -> int:
        return self.jobs or os.cpu_count() or 1

    @cached_property
    def _only(self) -> Path:
        """`only` as the files it is compared with are (asked for each file of the manifest: a county's
        thousand)."""
        return self.only.resolve()

    def chosen(self, source: str, base: Path) -> bool:
        """Whether the file `source` (relative to `base`) is part of this build."""
        if self.only is None:
            return True
        path = (base / source).resolve()
        return path == self._only or path.is_relative_to(self._only)

    def concerns(self, source: str, base: Path) -> bool:
        """Whether a problem in `source` bears on this build: a chosen file, or the 部门.yml of a chosen project."""
        if self.chosen(source, base):
            return True
        path = (base / source).resolve()
        return self._only.is_file() and path == self._only.parent / fields.DEPARTMENT_FILE


@dataclass(frozen=True)
class SourceFile:
    path: str  # as the manifest names it
    name: str  # as the PDF's attachment names it
    data: bytes


class Job(Protocol):
    """What the scheduler and publish know of a job, of whatever kind (render/produce/outputs.py)."""

    kind: str
    target: str  # relative to the output folder
    key: str  # the cache's: what its bytes depend on
    title: str
    sources: tuple[SourceFile, ...]  # the files it carries and the manifest lists
    origin: str  # the file or folder its problems name
    parts: tuple  # the jobs it is bound from (a volume's tables); none for a job its kind's maker makes alone
    project: m.Project | None  # the project whose text it prints alone: its glyphs are checked first
    weight: int  # how long it takes, roughly: the longest start first
    reuse_only: bool  # taken as it is from the output folder, or not at all


@dataclass(frozen=True)
class ProjectJob:
    target: str  # relative to the output folder
    project: m.Project
    source: SourceFile
    stamp: datetime
    key: str
    draft: str = ""
    reuse_only: bool = False  # another table of the department of `build.py PROJECT`: taken as it is, or not at all
    kind: ClassVar[str] = "project"
    parts: ClassVar[tuple] = ()

    @property
    def title(self) -> str:
        return self.project.name

    @property
    def sources(self) -> tuple[SourceFile, ...]:
        return (self.source,)

    @property
    def origin(self) -> str:
        return self.source.path

    @property
    def weight(self) -> int:
        return self.project.indicator_count


@dataclass(frozen=True)
class VolumeJob:
    target: str
    department: m.Department
    sources: tuple[SourceFile, ...]  # 部门.yml, then the projects in order
    projects: tuple[ProjectJob, ...]
    stamp: datetime
    duplex: bool
    draft: str = ""
    tables_on_right: bool = False
    kind: ClassVar[str] = "volume"
    project: ClassVar[None] = None
    reuse_only: ClassVar[bool] = False
    weight: ClassVar[int] = 0

    @property
    def title(self) -> str:
        return self.department.title

    @property
    def parts(self) -> tuple[ProjectJob, ...]:
        return self.projects

    @property
    def origin(self) -> str:
        return self.department.folder


def stamp_for(department: m.Department) -> datetime:
    """The date written into PDFs: SOURCE_DATE_EPOCH, else the volume's 编制日期, else (not filled in yet)
    1 January of its 年度: never the clock."""
    epoch = state.read(state.EPOCH)
    if epoch and not epoch_problem():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    day = department.date or date(int(department.year), 1, 1)
    return datetime.combine(day, datetime.min.time(), tzinfo=CHINA)


# The last second a PDF's date (and a zip's) can hold: 9999-12-31 23:59:59 UTC.
LAST_EPOCH = 253402300799


def epoch_problem() -> Problem | None:
    """SOURCE_DATE_EPOCH (reproducible builds' date) set to what is not a date: said, never a program fault."""
    epoch = state.read(state.EPOCH)
    if not epoch or epoch.isdigit() and int(epoch) <= LAST_EPOCH:
        return None
    shown = epoch if len(epoch) <= 20 else epoch[:20] + "…"
    return Problem(state.EPOCH, 0, "环境变量", f"“{shown}”不是有效的时间：应为 1970 年以来的秒数（0 到 {LAST_EPOCH}，"
                   "即 9999 年以前），或不设置（按各部门的编制日期）", kind=Kind.REFUSED)


def source_base(content: Path) -> Path:
    """Sources are named relative to the repository, or to the content folder's parent outside it."""
    resolved = content.resolve()
    return ROOT if resolved.is_relative_to(ROOT) else resolved.parent


def department_folder(d: m.Department) -> str:
    """Where a department's outputs go in the output folder: <年度>/<编码-部门>."""
    return f"{d.year}/{safe_part(d.dir_name)}"


def table_target(d: m.Department, p: m.Project, mark: str = "") -> str:
    """A table's PDF in the output folder; `mark`: a draft's （征求意见稿）."""
    return f"{department_folder(d)}/{safe_part(p.stem + mark)}.pdf"


def plan_tables(content: m.Content, bad: set[str], options: Options, base: Path, planned: list) -> tuple[list, list[str]]:
    """A job per project without errors."""
    from render.typeset import reads  # the templates: not for `verify` or `archive`, which read this module

    jobs = []
    mark = f"（{options.draft}）" if options.draft else ""
    for d in content.departments:
        stamp = stamp_for(d)
        beside = _beside(d, options, base)
        for p in d.projects:  # a 部门.yml with an error stops its tables, as when it cannot be read at all
            if p.source in bad or d.source in bad or not (beside or options.chosen(p.source, base)):
                continue
            src = read_source(p.source, base)
            target = table_target(d, p, mark)
            # what the layout reads (render/typeset/reads.py), and what the writing adds: the source the PDF
            # carries, the date it is stamped with
            read = reads.table(p, stamp.isoformat(), options.draft)
            jobs.append(ProjectJob(target, p, src, stamp, kc.key("project", target, src.path, src.data, read,
                                                                 stamp.isoformat()),
                                   options.draft, reuse_only=not options.chosen(p.source, base)))
    return jobs, []


def plan_volumes(content: m.Content, bad: set[str], options: Options, base: Path, planned: list
                 ) -> tuple[list, list[str]]:
    """A volume only for a department whose every table is sound, bound from the tables planned."""
    volumes, skipped = [], []
    mark = f"（{options.draft}）" if options.draft else ""
    tables = {j.project.source: j for j in planned if isinstance(j, ProjectJob)}
    for d in content.departments:
        jobs = [tables[p.source] for p in d.projects if p.source in tables]
        broken = sorted(s for s in bad if s.startswith(d.folder + "/"))
        if not d.projects or not (_beside(d, options, base) or options.chosen(d.source, base)):
            continue  # load has warned: a volume of nothing is not printed; or nothing of it was asked for
        if broken or len(jobs) != len(d.projects):
            skipped.append(f"{d.folder}: 有 {len(broken)} 个文件存在错误，本部门装订册未生成")
            continue
        # The volumes are laid out differently: they never share a name.
        name = d.title + m.layout_mark(options.simplex, options.right_tables) + mark
        volumes.append(VolumeJob(f"{department_folder(d)}/{safe_part(name)}.pdf", d,
                                 (read_source(d.source, base),) + tuple(j.source for j in jobs), tuple(jobs),
                                 stamp_for(d), not options.simplex, options.draft, options.right_tables))
    return volumes, skipped


def read_source(path: str, base: Path) -> SourceFile:
    return SourceFile(path, Path(path).name, (base / path).read_bytes())


def _beside(d: m.Department, options: Options, base: Path) -> bool:
    """`build.py PROJECT` also brings the project's volume up to date, from the other tables as they are."""
    return not options.tables_only and options.only is not None and options.only.is_file() and any(
        options.chosen(p.source, base) for p in d.projects)
