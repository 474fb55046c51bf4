"""Turn a job's inputs into a key, and remember which key made which file, under <out>/.cache/."""

from __future__ import annotations

import ctypes
import hashlib
import json
import sys
from functools import lru_cache
from pathlib import Path

from render import __version__
from render.resources import CODE
from render.produce.files import CACHE


def _library_version(name: str, symbol: str) -> str:
    from render.typeset import libraries

    lib = libraries.load(name)
    if lib is None:
        return "missing"
    if symbol == "pango_version":
        n = lib.pango_version()
        return f"{n // 10000}.{n // 100 % 100}.{n % 100}"
    fn = getattr(lib, symbol)
    fn.restype = ctypes.c_char_p
    return fn().decode()


def _installed(name: str) -> str:
    """The version of an installed distribution, from the name of its one `.dist-info` folder where it has
    one (the version is part of that name: PEP 427), else as importlib.metadata reads it, whose import alone
    costs a rebuild with nothing to do a twentieth of its time."""
    for entry in sys.path:
        found = list(Path(entry or ".").glob(f"{name}-*.dist-info"))
        if len(found) == 1:
            return found[0].name[len(name) + 1:-len(".dist-info")]
        if found:
            break  # two versions' folders side by side: let importlib.metadata decide, as the import does
    from importlib import metadata

    return metadata.version(name)


@lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    """What shapes the bytes of a PDF: recorded in the manifest and part of every key.

    Read without importing WeasyPrint, which takes a second: a rebuild with nothing to do stays fast.
    """
    from render.typeset.fonts import package_version

    return {
        "tool": f"mubiaobiao {__version__}",
        "weasyprint": _installed("weasyprint"),
        "pydyf": _installed("pydyf"),  # writes the PDF's bytes for WeasyPrint
        "pikepdf": _installed("pikepdf"),
        "pango": _library_version("pango", "pango_version"),
        "harfbuzz": _library_version("harfbuzz", "hb_version_string"),
        "fonts-noto-cjk": package_version(),
    }


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """The code, templates, styles and versions: change any and every key changes."""
    h = hashlib.sha256(json.dumps(versions(), sort_keys=True).encode())
    for folder in CODE:
        for path in sorted(folder.rglob("*")):
            # a shipped face (10 MB, a third of a rebuild with nothing to do) by the digest advances.json
            # records for it (render/typeset/fonts.py recorded_digests), which is hashed here in its place
            if path.is_file() and path.suffix in (".py", ".j2", ".css", ".html", ".json"):
                h.update(path.relative_to(folder.parent).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def key(*parts: str | bytes) -> str:
    h = hashlib.sha256(fingerprint().encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


INDEX_PATH = f"{CACHE}/index.json"  # relative to the output folder: published with the PDFs it describes


class Cache:
    """What the previous build made: {name: {key, sha256, pages, ...}}, and frames kept as files. An index
    the program did not write (another shape, damaged) is only a cache: it is ignored and written anew."""

    def __init__(self, out: Path):
        self.dir = out / CACHE
        try:
            entries = json.loads((out / INDEX_PATH).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            entries = {}
        if not isinstance(entries, dict):
            entries = {}
        self.entries: dict = {k: v for k, v in entries.items() if isinstance(v, dict)}
        self.kept: set[str] = set(self.entries)

    def hit(self, name: str, key_: str, path: Path) -> dict | None:
        """The entry, if it was made from this key and the file on disk is still exactly what was made."""
        entry = self.entries.get(name)
        if not entry or entry.get("key") != key_ or not path.is_file():
            return None
        if hashlib.sha256(path.read_bytes()).hexdigest() != entry.get("sha256"):
            return None
        return entry

    def put(self, name: str, **entry) -> None:
        self.entries[name] = entry

    def frame_path(self, name: str) -> Path:
        return self.dir / "frames" / (hashlib.sha256(name.encode()).hexdigest()[:24] + ".pdf")

    def index_bytes(self, keep: set[str]) -> bytes:
        """The index of what is kept, to be published with the outputs (render/produce/publish.py)."""
        self.kept = set(keep)
        entries = {k: v for k, v in self.entries.items() if k in keep}
        return json.dumps(entries, ensure_ascii=False, indent=1, sort_keys=True).encode()

    def prune_frames(self) -> None:
        """Frames of volumes no longer kept go, once the index that named them is replaced."""
        frames = self.dir / "frames"
        if frames.is_dir():
            wanted = {self.frame_path(k).name for k in self.kept}
            for f in frames.iterdir():
                if f.name not in wanted:
                    f.unlink(missing_ok=True)
