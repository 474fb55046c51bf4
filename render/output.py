"""Turn rendered PDFs into files under the output folder and a manifest, never leaving a half-written file."""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

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


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def safe_part(text: str) -> str:
    """A path component every file system takes, still readable."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", text).strip(" .") or "_"


def write_atomic(path: Path, data: bytes) -> None:
    """Write beside the target and rename: a crash or Ctrl-C leaves the previous file whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


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


def write_manifest(out: Path, outputs: list[Output], versions: dict, kept: list[dict] = ()) -> None:
    """`kept`: entries of the previous manifest that another command made and this run leaves alone."""
    files = sorted([*(manifest_entry(o) for o in outputs), *kept], key=lambda e: (e["path"].count("/"), e["path"]))
    data = {"generator": versions.get("tool", ""), "versions": versions, "files": files}
    write_atomic(out / MANIFEST, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def kept_reviews(out: Path, previous: dict) -> list[dict]:
    """`review --out` wrote these: a build does not make them, and must neither list them away nor delete them."""
    return [e for e in previous.get("files", []) if e.get("kind") == "review" and (out / e.get("path", "")).is_file()]


def remove_stale(out: Path, previous: dict, current: set[str]) -> list[str]:
    """PDFs an earlier build wrote that this one did not: an old figure must never stay on the shelf."""
    removed = []
    for entry in previous.get("files", []):
        rel = entry.get("path", "")
        path = out / rel
        if rel and rel not in current and path.suffix == ".pdf" and path.is_file() and _inside(path, out):
            path.unlink()
            removed.append(rel)
    return removed


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())
