"""Turn each kind of output into what the stages need to know of it: which command makes it, which options
make a variant of it, which files it is, and which of them carry their sources for `verify` to compare.

One entry per kind: publish (what a build may replace, mark stale or delete), verify (what to check, what
an unlisted file is) and the manifest all read it, so that a new kind is one line here and the code that
makes it. The archive's hand-over packages are not one: `archive` writes them beside the output folder
(移交/), from outputs `verify` has passed, and each carries its own catalogue and digests, which
`archive --check` reads (render/archive/).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutputKind:
    name: str  # as the manifest's "kind" says it
    made_by: str  # the command that makes it, and alone may replace, mark stale or delete it
    suffixes: tuple[str, ...]  # its files
    carrying: tuple[str, ...]  # those of its files that carry their sources (PDF/A-3 /AF): verify compares them
    options: tuple[str, ...] = ()  # the build options its bytes depend on: each value makes a variant of its own


KINDS: dict[str, OutputKind] = {k.name: k for k in (
    OutputKind("project", "build", (".pdf",), (".pdf",), ("draft",)),  # the same PDF single- or double-sided
    OutputKind("volume", "build", (".pdf",), (".pdf",), ("simplex", "draft", "right_tables")),
    OutputKind("review", "review", (".pdf", ".xlsx"), (".pdf",)),  # the workbook lists what it judged
)}


def variant(kind: str, options) -> dict:
    """The options that made an output of this kind, as the manifest records them."""
    return {name: getattr(options, name) for name in KINDS[kind].options}


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
