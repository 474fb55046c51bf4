"""Turn a file or text from the budget system into a department's new project files: the `import` command's
own run, kept to the department the page is for, each file it writes in the history."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from render.problems import Level
from render.site.access import Place
from render.site.listing import key, scheme_of
from render.site.models import Version, record
from render.site.saving import rebuilt, writing
from render.source import fields
from render.source import scheme as sch
from render.commands.importing import run_import


@dataclass(frozen=True)
class Imported:
    code: int  # the command's exit code
    lines: tuple[tuple[str, bool], ...]  # what it said, each with whether it is a problem
    made: tuple[str, ...]  # the stems of the project files written
    elsewhere: tuple[str, ...]  # the departments the tables name that are not this one: nothing written


def _run(path: Path, content: Path, place: Place) -> tuple[int, list[tuple[str, bool]]]:
    """`build.py import FILE --content CONTENT --year <the page's year> [--scheme <the department's>]`."""
    heard: list[tuple[str, bool]] = []
    named = scheme_of(place).name
    code = run_import([path], content, force=False, year=place.year, scheme=None if named == sch.DEFAULT else named,
                      say=lambda line, level=Level.DONE: heard.append((line, level in (Level.PROBLEM, Level.FAILED))))
    # the server's own folders mean nothing to the clerk: the files as the content folder names them
    return int(code), [(line.replace(str(content) + "/", ""), bad) for line, bad in heard]


def _trial(path: Path, place: Place) -> list[str]:
    """The departments the tables would go to other than this one: the import run first over a scratch
    content folder holding only this department's 部门.yml, and what it made there looked at."""
    with tempfile.TemporaryDirectory(prefix="mubiao-import-") as scratch:
        root = Path(scratch)
        (root / place.year / place.folder.name).mkdir(parents=True)
        own = place.folder / fields.DEPARTMENT_FILE
        if own.is_file() and not own.is_symlink():
            shutil.copyfile(own, root / place.year / place.folder.name / fields.DEPARTMENT_FILE)
        _run(path, root, place)
        return sorted(f"{year.name}/{folder.name}" for year in root.iterdir() for folder in year.iterdir()
                      if (year.name, folder.name) != (place.year, place.folder.name))


def run(place: Place, path: Path, who: str, address: str) -> Imported:
    """The import of `path` into the department's folder; refused whole when a table names another one."""
    elsewhere = _trial(path, place)
    if elsewhere:
        record(who, address, "导入被拒", f"{key(place.folder)}：表格属于 {'、'.join(elsewhere)}")
        return Imported(2, (), (), tuple(elsewhere))
    content = settings.MUBIAOBIAO["content"]
    with writing:  # numbered after the folder's last file, as 新建项目 numbers: one at a time
        before = {p.name for p in place.folder.glob("*.md")}
        code, lines = _run(path, content, place)
        made = sorted(p for p in place.folder.glob("*.md") if p.name not in before and p.is_file())
        for p in made:
            Version.objects.create(source=key(p), data=p.read_bytes(), author=who, kind="导入")
    record(who, address, "导入", f"{key(place.folder)}：写出 {len(made)} 个文件，退出状态 {code}")
    if made:
        rebuilt(place.folder, who, address)
    return Imported(code, tuple(lines), tuple(p.stem for p in made), ())
