"""Turn rendered PDFs into files under the output folder and a manifest, all of them or none (commit.py)."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from render.produce import cache as kc
from render.produce import outputs as kinds
from render.produce.commit import Transaction
from render.produce.files import sha256
from render.produce.outputs import DRAFTS
from render.produce.plan import Job, Options, source_base
from render import COMMAND
from render.problems import Kind, Problem
from render.source import folders

if TYPE_CHECKING:  # the scheduler that makes them is no business of verify's
    from render.produce.scheduler import Made

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Source:
    path: str  # relative to the repository root (or the content folder's parent)
    sha256: str


@dataclass(frozen=True)
class Output:
    path: str  # relative to the output folder, with /
    kind: str  # project | volume | review
    title: str
    pages: int
    sha256: str
    sources: tuple[Source, ...]
    versions: dict
    stale: bool = False  # an earlier build's file, kept because this build could not make it again
    # The options that made it: a variant (the single-sided volume, a draft's text) is an output of its
    # own, which a build with other options never replaces, marks stale or deletes.
    variant: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Published:
    """What a build did to the output folder, in content order."""

    written: tuple[tuple[str, int], ...]  # (path, pages) of each file written
    removed: tuple[tuple[str, str], ...]  # (path, the deleted source it was made from)
    stale: tuple[tuple[str, str], ...]  # (path, why it is stale)
    problems: tuple[Problem, ...]
    # stale files of other options that an earlier build already said were stale: counted, not said again
    # (the single-sided volume's line on every build and `watch` start until `update` makes it again)
    known: frozenset[str] = frozenset()


def update_command(out: Path) -> str:
    """The one command that brings the output folder `out` (or the one whose drafts it holds) up to date: every
    variant and output it lists, with the options its manifest records (render/commands/update.py)."""
    out = out.parent if out.name == DRAFTS else out
    return f"{COMMAND} update" + ("" if out.absolute() == folders.DIST.absolute() else f" --out {out}")


def load_manifest(out: Path) -> tuple[dict, str | None]:
    """The manifest as the program wrote it ({} when there is none), or {} and why what is there is not one."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, None
    except (OSError, ValueError) as e:
        return {}, "不是有效的 JSON" if isinstance(e, ValueError) else "无法读取"
    return (data, None) if _well_formed(data) else ({}, "格式不对（不是本程序写的清单）")


def read_manifest(out: Path) -> dict:
    return load_manifest(out)[0]


def _well_formed(data) -> bool:
    if not isinstance(data, dict) or not isinstance(data.get("files", []), list):
        return False
    return all(isinstance(e, dict) and isinstance(e.get("path"), str) and isinstance(e.get("sources", []), list)
               and isinstance(e.get("source_sha256", {}), dict) for e in data.get("files", []))


def set_aside(out: Path) -> str | None:
    """A manifest the program did not write is renamed, not trusted and not deleted: the new name, or None."""
    why = load_manifest(out)[1]
    if why is None:
        return None
    n = 1
    while (out / f"{MANIFEST}.无法读取-{n}").exists():
        n += 1
    os.replace(out / MANIFEST, out / f"{MANIFEST}.无法读取-{n}")
    return f"{MANIFEST}.无法读取-{n}（{why}）"


def manifest_entry(o: Output) -> dict:
    entry = asdict(o)
    # Issue 2's schema: "sources" lists paths; the checksums sit beside them.
    entry["sources"] = [s.path for s in o.sources]
    entry["source_sha256"] = {s.path: s.sha256 for s in o.sources}
    return entry


def manifest_bytes(outputs: list[Output], versions: dict, content: str, kept: list[dict] = ()) -> bytes:
    """`content`: the content folder that made the output folder; `kept`: entries of the previous manifest
    that this run leaves as they are."""
    files = sorted([*(manifest_entry(o) for o in outputs), *kept], key=lambda e: (e["path"].count("/"), e["path"]))
    data = {"generator": versions.get("tool", ""), "versions": versions, "content": content, "files": files}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def content_name(out: Path, content: Path) -> str:
    """The content folder as seen from the output folder: moving both together keeps the name."""
    try:
        return Path(os.path.relpath(content.resolve(), out.resolve())).as_posix()
    except ValueError:  # another drive
        return content.resolve().as_posix()


def other_content(out: Path, content: Path) -> str | None:
    """Why this content folder must not be built into `out`, if an earlier build put another one's PDFs there."""
    previous = read_manifest(out)
    recorded = previous.get("content")
    if not isinstance(recorded, str) or not previous.get("files") or recorded == content_name(out, content):
        return None
    made_from = os.path.normpath(out.resolve() / recorded)
    return (f"这个输出文件夹里的 PDF 是由内容文件夹 {made_from} 生成的，不能混入 {content.resolve()} 的 PDF；"
            f"请用 --out 另指一个输出文件夹（或确认不再需要后删除 {out}），未改动任何文件")


def _as_output(entry: dict, stale: bool) -> Output | None:
    try:
        return Output(entry["path"], entry["kind"], entry["title"], entry["pages"], entry["sha256"],
                      tuple(Source(p, entry.get("source_sha256", {}).get(p, "")) for p in entry["sources"]),
                      entry.get("versions", {}), stale=stale, variant=kinds.recorded_variant(entry))
    except (KeyError, TypeError):  # a manifest edited by hand: the file stays, unlisted, and verify says so
        return None


def _read_only(path: Path) -> bool:
    """A file the clerk made read-only is theirs to keep: root could replace it, we do not."""
    try:
        return not path.stat().st_mode & stat.S_IWUSR
    except OSError:
        return False


def _changed(entry: dict, base: Path) -> tuple[bool, bool]:
    """Whether the file an entry was made from (a table's .md, a volume's 部门.yml) is gone, and whether
    any of its sources is gone or differs from what made it."""
    sources = entry.get("sources", [])
    changed = False
    for path in sources:
        file = base / path
        if not file.is_file() or sha256(file.read_bytes()) != entry.get("source_sha256", {}).get(path):
            changed = True
            break
    return bool(sources) and not (base / sources[0]).is_file(), changed


def publish(options: Options, made: dict[str, Made], jobs: list[Job], store: kc.Cache, remove: bool) -> Published:
    """Write what was rebuilt, the manifest and the cache index as one set. An earlier output this build did
    not make is deleted only when the file it was made from is gone (and `remove`: the content loaded
    without an error); otherwise kept, and marked stale if this build should have made it or if its
    sources changed (another variant, or a volume `build.py PROJECT` could not bring up to date)."""
    out, base = options.out, source_base(options.content)
    by_target = {j.target: j for j in jobs}
    order = {target: n for n, target in enumerate(_content_order(jobs))}
    outputs, written, problems = [], [], []
    known = frozenset(e["path"] for e in read_manifest(out).get("files", []) if e.get("stale")
                      and e.get("kind") in kinds.KINDS and kinds.recorded_variant(e) != kinds.variant(e["kind"], options))
    with Transaction(out) as transaction:
        for target in sorted(made, key=order.__getitem__):
            item = made[target]
            job = by_target[target]
            if item.rebuilt and _read_only(out / target):
                problems.append(Problem(target, 0, "输出文件", "这个 PDF 是只读的，未替换（已标为过期）；要更新它，"
                                        "请先取消只读属性", kind=Kind.OUTPUT))
                continue
            if item.rebuilt:
                transaction.write(target, item.data)
                written.append((target, item.pages))
            outputs.append(Output(target, job.kind, job.title, item.pages, sha256(item.data),
                                  tuple(Source(s.path, sha256(s.data)) for s in job.sources), kc.versions(),
                                  variant=kinds.variant(job.kind, options)))
        kept, removed, stale = _earlier(options, base, {o.path for o in outputs}, remove, transaction)
        outputs += [o for o, _ in stale]
        listed = {o.path for o in outputs} | {e["path"] for e in kept}
        manifest = manifest_bytes(outputs, kc.versions(), content_name(out, options.content), kept)
        # A stale file's cache entry stays: put right, its source rebuilds nothing that is already there.
        index = store.index_bytes(listed | {f"frame:{t}" for t in listed})
        for rel, data in ((kc.INDEX_PATH, index), (MANIFEST, manifest)):
            if not _unchanged(out / rel, data):  # a build that changes nothing writes nothing
                transaction.write(rel, data)
        if transaction.moves or transaction.deletes:
            transaction.commit()
        else:  # the index's time is when the content was last seen built (workers.likely_needed)
            os.utime(out / kc.INDEX_PATH)
    store.prune_frames()
    return Published(tuple(written), tuple(removed), tuple((o.path, why) for o, why in stale), tuple(problems),
                     known & {o.path for o, _ in stale})


def _earlier(options: Options, base: Path, current: set[str], remove: bool, transaction: Transaction
             ) -> tuple[list[dict], list[tuple[str, str]], list[tuple[Output, str]]]:
    """What becomes of each output of the previous manifest this build did not make: kept as it was,
    deleted (with the source whose loss made it go), or kept and marked stale (with why)."""
    out, inside = options.out, options.out.resolve()
    kept, removed, stale = [], [], []
    for entry in read_manifest(out).get("files", []):
        rel = entry["path"]
        if rel in current or not (out / rel).is_file() or not (out / rel).resolve().is_relative_to(inside):
            continue
        if kinds.made_by(entry.get("kind")) != "build":  # review --out made it: left alone, verify judges it
            kept.append(entry)
            continue
        gone, changed = _changed(entry, base)
        if gone and remove:
            transaction.delete(rel)
            removed.append((rel, entry["sources"][0]))
            continue
        if kinds.recorded_variant(entry) == kinds.variant(entry["kind"], options) \
                and kinds.KINDS[entry["kind"]] in kinds.building(options) \
                and options.chosen((entry.get("sources") or [""])[0], base):
            why = "未能重建，保留上次生成的 PDF（已标为过期）"
        elif changed or gone:
            why = f"源文件已改动，这个 PDF 已标为过期（运行 {update_command(out)} 即可更新）"
        else:  # another variant's, or outside `build.py PATH`: as it was
            kept.append(entry)
            continue
        output = _as_output(entry, stale=True)
        if output is not None:
            stale.append((output, why))
    return kept, removed, stale


def _unchanged(path: Path, data: bytes) -> bool:
    try:
        return path.read_bytes() == data
    except OSError:
        return False


def _content_order(jobs: list[Job]) -> list[str]:
    """Department by department as the content lists them: its outputs kind by kind in the registry's order
    (its tables, then its volume), each kind's in the order planned."""
    folders = list(dict.fromkeys(str(Path(j.target).parent) for j in jobs))
    rank = {folder: n for n, folder in enumerate(folders)}
    kinds_ = list(kinds.KINDS)
    items = [(rank[str(Path(j.target).parent)], kinds_.index(j.kind), n, j.target) for n, j in enumerate(jobs)]
    return [target for *_, target in sorted(items)]
