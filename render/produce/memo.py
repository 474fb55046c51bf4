"""Turn a finished build into a record of what it read, and a later build that would read the same into
"nothing to do", before any content is parsed.

A rebuild with nothing to do spent most of its time importing the parser and the layout's measures and
parsing every file, only to find every key unchanged. The record holds a digest of everything a build
reads (each content file's bytes, the code and the versions as every key has them, the options), the
manifest it left and the problems it reported. A build whose inputs give the same digest, over the same
manifest, whose every file is still the bytes it lists, is that build again: it reports the same problems
and ends. Anything else (a file touched, added or removed, an output changed, another command's manifest,
a build of one PATH, a build under `watch`) takes the full path, which is always right.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import astuple, dataclass

from render.produce import cache as kc
from render.produce.files import CACHE, sha256, write_atomic
from render.produce.publish import MANIFEST
from render.problems import Kind, Problem
from render.source.limits import MAX_FILE_BYTES

RECORD = f"{CACHE}/unchanged.json"


@dataclass(frozen=True)
class Unchanged:
    """The build the record describes: what a build with the same inputs reports."""

    tables: tuple[str, ...]  # the project PDFs, in content order, as -v lists them
    count: int  # the PDFs made or reused
    problems: tuple[Problem, ...]  # warnings only: a build with an error is not recorded


def inputs(options) -> str | None:
    """The digest of everything the build reads, or None where the record cannot stand for it: one PATH
    built, or a content folder holding a link, a device or a file too large for a content file (the full
    path says what it makes of those)."""
    if options.only is not None:
        return None
    h = hashlib.sha256(kc.fingerprint().encode())
    h.update(json.dumps([str(options.content.resolve()), str(options.out.resolve()), options.simplex,
                         options.draft, options.tables_on_right]).encode())
    for folder, dirs, names in os.walk(options.content):
        dirs.sort()
        for name in sorted(names + [d for d in dirs if os.path.islink(os.path.join(folder, d))]):
            path = os.path.join(folder, name)
            try:
                info = os.lstat(path)
                if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
                    return None
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                return None
            rel = os.path.relpath(path, options.content).encode()
            h.update(len(rel).to_bytes(8, "big") + rel + len(data).to_bytes(8, "big") + data)
        h.update(b"\0dirs:" + "/".join(dirs).encode())  # an empty folder is content too (a department in the making)
    return h.hexdigest()


def recall(options, digest: str | None) -> Unchanged | None:
    """The recorded build, if this one would be the same build again."""
    if digest is None:
        return None
    try:
        record = json.loads((options.out / RECORD).read_text(encoding="utf-8"))
        manifest = (options.out / MANIFEST).read_bytes()
        if record["inputs"] != digest or record["manifest"] != sha256(manifest):
            return None
        for entry in json.loads(manifest)["files"]:
            if sha256((options.out / entry["path"]).read_bytes()) != entry["sha256"]:
                return None
        problems = tuple(Problem(path, line, field, message, severity, Kind[kind])
                         for path, line, field, message, severity, kind in record["problems"])
        return Unchanged(tuple(record["tables"]), int(record["count"]), problems)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remember(options, digest: str | None, done: Unchanged) -> None:
    """Keep the record of a build that ended well (no error, nothing stale), if its inputs did not change
    while it ran; written only when it differs, so that a build with nothing to do writes nothing."""
    if digest is None or digest != inputs(options) or any(p.severity == "error" for p in done.problems):
        return
    try:
        manifest = sha256((options.out / MANIFEST).read_bytes())
        data = json.dumps({"inputs": digest, "manifest": manifest, "tables": list(done.tables), "count": done.count,
                           "problems": [[*astuple(p)[:5], p.kind.name] for p in done.problems]},
                          ensure_ascii=False, indent=1).encode()
        path = options.out / RECORD
        if not path.is_file() or path.read_bytes() != data:
            write_atomic(path, data, durable=False)  # a record lost in a crash reads as none: the full path
    except OSError:
        pass  # only a shortcut: the next build takes the full path
