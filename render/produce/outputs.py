"""Turn each kind of output into what the stages need to know of it: which command makes it and how, which
options make a variant of it, which files it is, and what it is in the archive.

One entry per kind: plan (its jobs), the scheduler (its maker), publish (what a build may replace, mark
stale or delete), the manifest (its variant), verify (what to check, what an unlisted file is), the fork
server (its templates) and the archive (its 文种 and name) all read it, so that a new kind is its entry here,
its planner and maker, and its template. The archive's hand-over packages are not one: `archive` writes them
beside the output folder (移交/), from outputs `verify` has passed (render/archive/).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from render.produce import plan, tasks

# Drafts (--draft) are built here, under the output folder: `verify` of the final PDFs leaves it alone.
DRAFTS = "草稿"


@dataclass(frozen=True)
class Option:
    """A build option an output's bytes depend on: each value makes a variant of its own."""

    name: str  # as the manifest's "variant" records it
    default: object = None  # its value in a build that does not give it
    # What an entry of a manifest written before the option was recorded was made with, from its path
    # (None: the default).
    older: Callable[[str], object] | None = None
    # Its value for this build, from the build's options (None: the attribute of that name).
    read: Callable[[plan.Options], object] | None = None

    def value(self, options: plan.Options) -> object:
        return self.read(options) if self.read else getattr(options, self.name)


@dataclass(frozen=True)
class OutputKind:
    name: str  # as the manifest's "kind" says it
    made_by: str  # the command that makes it, and alone may replace, mark stale or delete it
    suffixes: tuple[str, ...]  # its files
    carrying: tuple[str, ...]  # those of its files that carry their sources (PDF/A-3 /AF): verify compares them
    options: tuple[Option, ...] = ()
    record: str = ""  # its 文种 as an archive's record ("": it goes into no hand-over package)
    label: str = ""  # its name on the hand-over form
    templates: tuple[str, ...] = ()  # what its maker renders: compiled once in the fork server
    # For `build`'s kinds: (content, files with errors, options, base, the jobs planned before) → its jobs
    # and what it skipped, and (in a worker) a job → (PDF bytes, pages). A job with parts is bound from
    # them instead: its maker lays out the frame they go into (render/produce/scheduler.py).
    planner: Callable | None = None
    maker: Callable | None = None
    # Bound from outputs of other kinds (a volume from its tables): a build of the tables alone
    # (Options.tables_only, the site's saves) leaves it to the build that follows, and marks it stale only
    # if its sources changed.
    bound: bool = False


def _draft(path: str) -> str:
    return "?" if Path(path).parts[0] == DRAFTS else ""


KINDS: dict[str, OutputKind] = {k.name: k for k in (
    OutputKind("project", "build", (".pdf",), (".pdf",), (Option("draft", "", _draft),),  # single- or double-sided alike
               record="表", label="绩效目标表",
               templates=("project.html.j2", "_table.html.j2", "mark.html.j2"),
               planner=plan.plan_tables, maker=tasks.render_project),
    OutputKind("volume", "build", (".pdf",), (".pdf",),
               (Option("simplex", False, lambda path: "（单面）" in path), Option("draft", "", _draft),
                Option("right_tables", False)),
               record="汇编", label="装订册", templates=("volume.html.j2", "mark.html.j2"),
               planner=plan.plan_volumes, maker=tasks.render_frame, bound=True),
    OutputKind("review", "review", (".pdf", ".xlsx"), (".pdf",),  # the workbook lists what it judged
               record="意见", label="审核意见"),
)}


def building(options: plan.Options | None = None) -> list[OutputKind]:
    """The kinds `build` makes (with these options: not the bound ones of a build of the tables alone), in
    the order they are planned and listed."""
    return [k for k in KINDS.values() if k.made_by == "build" and k.planner is not None
            and not (k.bound and options is not None and options.tables_only)]


def variant(kind: str, options: plan.Options) -> dict:
    """The options that made an output of this kind, as the manifest records them."""
    return {o.name: o.value(options) for o in KINDS[kind].options}


def recorded_variant(entry: dict) -> dict:
    """The options that made a manifest entry's output, as `variant` gives them. A manifest from before an
    option was recorded says it by the file's name and folder, or by the option's default; an option it
    records that this program does not know is no part of the variant."""
    kind = KINDS.get(entry.get("kind"))
    if kind is None:
        return {}
    recorded = entry["variant"] if isinstance(entry.get("variant"), dict) else {}
    return {o.name: recorded[o.name] if o.name in recorded else o.older(entry["path"]) if o.older else o.default
            for o in kind.options}


def made_by(kind: str) -> str | None:
    found = KINDS.get(kind)
    return found.made_by if found else None


def suffixes() -> set[str]:
    """The files any command of ours writes into the output folder: one there the manifest does not list is
    a finding."""
    return {s for k in KINDS.values() for s in k.suffixes}


def carries_sources(kind: str, suffix: str) -> bool:
    found = KINDS.get(kind)
    return found is not None and suffix in found.carrying


def records() -> dict[str, str]:
    """The kinds an archive keeps, in a package's order, with their 文种."""
    return {k.name: k.record for k in KINDS.values() if k.record}


def label(kind: str) -> str:
    return KINDS[kind].label


def templates() -> list[str]:
    """The templates `build`'s makers render, each once."""
    return list(dict.fromkeys(t for k in building() for t in k.templates))


def jobs(content, problems, options: plan.Options, base: Path) -> tuple[list, list[str]]:
    """Every kind's jobs, in the registry's order (a volume binds the tables planned before it), and what
    was skipped: nothing for a file with an error."""
    bad = {p.path for p in problems if p.severity == "error"}
    planned, skipped = [], []
    for kind in building(options):
        made, passed = kind.planner(content, bad, options, base, list(planned))
        planned += made
        skipped += passed
    return planned, skipped
