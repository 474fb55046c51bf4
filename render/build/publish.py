"""Turn rendered PDFs into files under the output folder and a manifest, never leaving a half-written file."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from render.build import cache as kc
from render.build.files import sha256, write_atomic
from render.build.plan import Options, ProjectJob, VolumeJob, source_base

if TYPE_CHECKING:  # the scheduler that makes them is no business of verify's
    from render.build.scheduler import Made

MANIFEST = "manifest.json"
# Drafts (--draft) are built here, under the output folder: `verify` of the final PDFs leaves it alone.
DRAFTS = "草稿"


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


def read_manifest(out: Path) -> dict:
    try:
        return json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def manifest_entry(o: Output) -> dict:
    entry = asdict(o)
    # Issue 2's schema: "sources" lists paths; the checksums sit beside them.
    entry["sources"] = [s.path for s in o.sources]
    entry["source_sha256"] = {s.path: s.sha256 for s in o.sources}
    return entry


def write_manifest(out: Path, outputs: list[Output], versions: dict, content: str, kept: list[dict] = ()) -> None:
    """`content`: the content folder that made the output folder; `kept`: entries of the previous manifest
    that another command made and this run leaves alone."""
    files = sorted([*(manifest_entry(o) for o in outputs), *kept], key=lambda e: (e["path"].count("/"), e["path"]))
    data = {"generator": versions.get("tool", ""), "versions": versions, "content": content, "files": files}
    write_atomic(out / MANIFEST, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def kept_reviews(out: Path, previous: dict) -> list[dict]:
    """`review --out` wrote these: a build does not make them, and must neither list them away nor delete them."""
    return [e for e in previous.get("files", []) if e.get("kind") == "review" and (out / e.get("path", "")).is_file()]


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


def settle(out: Path, previous: dict, current: set[str], remove: bool) -> tuple[list[str], list[Output]]:
    """PDFs an earlier build wrote that this one did not: removed only when the content says they are gone
    (`remove`: it loaded and built without an error), else kept and marked stale. An old figure must never
    pass for a current one, and a typo must never empty the shelf."""
    removed, stale = [], []
    for entry in previous.get("files", []):
        rel = entry.get("path", "")
        path = out / rel
        if not rel or rel in current or path.suffix != ".pdf" or not path.is_file() or not _inside(path, out):
            continue
        if remove:
            path.unlink()
            removed.append(rel)
            continue
        try:
            stale.append(Output(rel, entry["kind"], entry["title"], entry["pages"], entry["sha256"],
                                tuple(Source(p, entry.get("source_sha256", {}).get(p, "")) for p in entry["sources"]),
                                entry.get("versions", {}), stale=True))
        except (KeyError, TypeError):  # a manifest edited by hand: the file stays, unlisted, and verify says so
            continue
    return removed, stale


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def publish(options: Options, made: dict[str, Made], projects: list[ProjectJob], volumes: list[VolumeJob],
            store: kc.Cache, remove: bool) -> tuple[list[str], list[str]]:
    """Write what was rebuilt, the manifest and the cache index; remove PDFs no longer made if `remove`,
    else keep them, marked stale. Returns what was removed and what is stale."""
    out = options.out
    previous = read_manifest(out)
    outputs = []
    titles = {j.target: (j.project.name, (j.source,)) for j in projects}
    titles |= {v.target: (v.department.title, v.sources) for v in volumes}
    for target, item in made.items():
        if item.rebuilt:
            write_atomic(out / target, item.data)
        kind = "volume" if target in {v.target for v in volumes} else "project"
        title, sources = titles[target]
        outputs.append(Output(target, kind, title, item.pages, sha256(item.data),
                              tuple(Source(s.path, sha256(s.data)) for s in sources),
                              kc.versions()))
    reviews = kept_reviews(out, previous)  # `review --out` made these: a build leaves them alone
    # `build.py PATH` builds part of the content: the rest of the folder stays exactly as it was listed.
    base = source_base(options.content)
    # An output is asked for by its first source: a table's file, a volume's 部门.yml.
    carried = [e for e in previous.get("files", []) if e.get("kind") != "review" and e.get("path") not in made
               and not options.chosen((e.get("sources") or [""])[0], base)] if options.only else []
    current = {o.path for o in outputs} | {e["path"] for e in reviews + carried}
    removed, stale = settle(out, previous, current, remove)
    write_manifest(out, outputs + stale, kc.versions(), content_name(out, options.content), reviews + carried)
    # A stale file's cache entry stays: put right, its source rebuilds nothing that is already there.
    kept = set(made) | {o.path for o in stale} | {e["path"] for e in carried}
    store.save(kept | {f"frame:{t}" for t in kept})
    return removed, [o.path for o in stale]
