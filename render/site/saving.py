"""Turn a form's text into the saved project file: written atomically, only over the bytes the form was
opened on, every version kept in the history; a refused save keeps the clerk's text there too."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from render.produce.files import write_atomic
from render.site.listing import digest, key
from render.site.models import Version, record


@dataclass(frozen=True)
class Saved:
    saved: bool
    theirs: str  # the file as it is now (after a refused save: what someone else saved)
    mine: str  # what the form held


def save(path: Path, text: str, base: str, who: str, address: str) -> Saved:
    """Write `text` over `path` if the file still has the digest `base` it had when the form was opened."""
    current = path.read_bytes()
    source = key(path)
    if digest(current) != base:
        Version.objects.create(source=source, data=text.encode("utf-8"), author=who, kind="未保存（冲突）")
        record(who, address, "保存被拒", f"{source}：文件在打开表单后已被改动，两个版本都已保留")
        return Saved(False, current.decode("utf-8", "replace"), text)
    last = Version.objects.filter(source=source).exclude(kind="未保存（冲突）").first()
    if last is None or bytes(last.data) != current:  # made before the site, or by the CLI or an editor
        Version.objects.create(source=source, data=current, author="", kind="原有")
    write_atomic(path, text.encode("utf-8"))
    Version.objects.create(source=source, data=text.encode("utf-8"), author=who, kind="保存")
    record(who, address, "保存", source)
    return Saved(True, text, text)
