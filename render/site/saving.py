"""Turn a form's text into the saved project file: written atomically, only over the bytes the form was
opened on, every version kept in the history; a refused save keeps the clerk's text there too. Deleting
keeps the file's bytes in the history (the 回收站), and any version can be written back."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from render.system import system_message
from render.produce.files import write_atomic
from render.site import building
from render.site.listing import digest, key, rel
from render.site.models import Version, record
from render.source import fields
from render.source.importer import project_markdown, target_file
from render.source.pasted import Table

CONFLICT, DELETED, FAILED = "未保存（冲突）", "删除", "未保存（写入失败）"
_writing = threading.Lock()  # a compare-and-write at a time: two saves of one file cannot both pass the check
writing = _writing  # the same lock for the site's other writers of content files (importing)


@dataclass(frozen=True)
class Saved:
    saved: bool
    theirs: str  # the file as it is now (after a refused save: what someone else saved)
    mine: str  # what the form held
    failed: str = ""  # why the system refused the write (a full disk…), in the clerk's words


def keep_current(path: Path, source: str, current: bytes) -> None:
    """The bytes about to be replaced, in the history, if they are not its latest version already: a file
    made before the site, or changed by the CLI or an editor, loses nothing either."""
    last = Version.objects.filter(source=source).exclude(kind__in=(CONFLICT, FAILED)).first()
    if last is None or bytes(last.data) != current:
        Version.objects.create(source=source, data=current, author="", kind="原有")


def settle(path: Path) -> bytes:
    """The file's bytes, recorded in its history if they are not its latest version (see `keep_current`)."""
    with _writing:
        current = path.read_bytes()
        keep_current(path, key(path), current)
    return current


def save(path: Path, text: str, base: str, who: str, address: str, kind: str = "保存") -> Saved:
    """Write `text` over `path` if the file still has the digest `base` it had when the form was opened (a
    file not there yet: as if empty, for one the site makes on its first save, 反馈.yml)."""
    source = key(path)
    with _writing:
        current = path.read_bytes() if path.exists() or path.is_symlink() else b""
        if digest(current) != base:
            Version.objects.create(source=source, data=text.encode("utf-8"), author=who, kind=CONFLICT)
            record(who, address, "保存被拒", f"{source}：文件在打开表单后已被改动，两个版本都已保留")
            return Saved(False, current.decode("utf-8", "replace"), text)
        if current:
            keep_current(path, source, current)
        # In the history before the file: killed between the two, the text is kept and `keep_current`
        # records the file as it is at the next look; never a file the history lacks.
        mine = Version.objects.create(source=source, data=text.encode("utf-8"), author=who, kind=kind)
        try:
            write_atomic(path, text.encode("utf-8"))
        except OSError as e:  # a full disk: the file stays as it was, the clerk's text stays in the history
            Version.objects.filter(id=mine.id).update(kind=FAILED)
            e.filename, e.filename2 = source, None  # the content folder's name for it, not the server's path
            said = system_message(e)
            record(who, address, "保存失败", f"{source}：{said}")
            return Saved(False, current.decode("utf-8", "replace"), text, said)
    record(who, address, kind, source)
    return Saved(True, text, text)


def delete(path: Path, who: str, address: str) -> None:
    """The file out of the content folder, its bytes into the 回收站 (the history, kind 删除)."""
    source = key(path)
    with _writing:
        Version.objects.create(source=source, data=path.read_bytes(), author=who, kind=DELETED)
        path.unlink()
    record(who, address, "删除", source)


def undelete(version: Version, target: Path, who: str, address: str) -> bool:
    """A deleted file back where it was; False when a file of that name has been made there since."""
    with _writing:
        if target.exists():
            return False
        write_atomic(target, bytes(version.data))
    Version.objects.create(source=version.source, data=bytes(version.data), author=who, kind="恢复")
    record(who, address, "从回收站恢复", version.source)
    return True


def create(folder: Path, name: str, who: str, address: str) -> Path:
    """A new project file, numbered after the folder's last, with the header the form starts from."""
    target = target_file(folder, name)
    if target.exists():
        return target  # a project of that name is there already: the editor opens it
    department = folder.name
    table = Table("", 0, 0, {"项目名称": name, "主管部门": department, fields.GOAL: ""})
    text = project_markdown(table)
    with _writing:
        write_atomic(target, text.encode("utf-8"))
    Version.objects.create(source=key(target), data=text.encode("utf-8"), author=who, kind="新建")
    record(who, address, "新建项目", key(target))
    return target


def rebuilt(folder: Path, who: str, address: str, saved: Path | None = None) -> building.BuildResult:
    """The department's tables and volume after a change to its files, the build in the audit log; after
    the editor's save of one file (`saved`), its table at once and the volume after (building.rebuild)."""
    result = building.rebuild(saved or folder)
    record(who, address, "生成", f"{rel(folder)}：退出状态 {int(result.exit)}")
    return result
