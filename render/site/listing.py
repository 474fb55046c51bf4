"""Turn a department folder into what its 部门 page lists: each project's amount, problems, state, last
editor, and the 合计 as the volume prints it; and a project file into its path names for messages."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from render.produce.plan import source_base
from render.problems import Problem
from render.site import building
from render.site.access import Place
from render.site.models import Version
from render.source import fields, load
from render.commands.importing import scheme_named
from render.source import model as m
from render.source import scheme as sch
from render.source.reading import rel as relative
from render.typeset import measure

BUILT, STALE, BROKEN = "已生成", "需重新生成", "有错误"
EDITED = ("保存", "恢复", "导入", "新建")  # the history's kinds that leave the file as someone made it


@dataclass(frozen=True)
class Line:
    stem: str
    name: str
    amount: str
    errors: int
    warnings: int
    state: str
    editor: str
    when: object  # datetime or None


@dataclass(frozen=True)
class Listing:
    department: m.Department | None
    lines: tuple[Line, ...]
    total: str
    problems: tuple[Problem, ...]  # the department's own (部门.yml, folder)
    volume: bool
    volume_stale: bool  # the volume there is not the files' as they are now
    binding: bool  # a save's volume still being bound (building.bind)
    department_broken: bool  # 部门.yml cannot be read or has an error: no table of the department is made

    @property
    def broken(self) -> bool:
        """A project with errors: left out of the 合计 as the build leaves it out, and no volume made."""
        return any(line.state == BROKEN for line in self.lines)


def rel(path: Path) -> str:
    """A content file as messages and the manifest name it."""
    return relative(path, source_base(settings.MUBIAOBIAO["content"]))


def key(path: Path) -> str:
    """A content file as the history names it: relative to the content folder."""
    return path.relative_to(settings.MUBIAOBIAO["content"]).as_posix()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def model(place: Place) -> tuple[m.Department | None, list[Problem]]:
    """The department as `check` reads it (its folder loaded) and what `check` says of it."""
    content = settings.MUBIAOBIAO["content"]
    loaded, problems = load.load(content, source_base(content), place.folder)
    folder = rel(place.folder)
    department = next((d for d in loaded.departments if d.folder == folder), None)
    problems += measure.problems([department]) if department else []
    return department, [p for p in problems if p.path.startswith(folder + "/")]


def scheme_of(place: Place) -> m.Scheme:
    """The scheme the department's 部门.yml names, as `check` judges its tables by (the default when the file
    cannot say): read from that file alone, not by loading the department folder as `model` does."""
    named = scheme_named(place.folder / fields.DEPARTMENT_FILE)
    scheme = sch.load(named)[0] if named in sch.names() else None
    return scheme or sch.default()


def listing(place: Place) -> Listing:
    department, problems = model(place)
    built = {Path(e["path"]).stem: e for e in building.outputs(place.folder) if e.get("kind") == "project"}
    by_stem = {p.stem: p for p in department.projects} if department else {}
    lines = []
    halted = department is None or any(p.path == department.source and p.severity == "error" for p in problems)
    for path in sorted(place.folder.glob("*.md")):
        if path.is_symlink() or not path.is_file():
            continue
        source = rel(path)
        mine = [p for p in problems if p.path == source]
        errors = sum(p.severity == "error" for p in mine)
        project = by_stem.get(path.stem)
        entry = built.get(path.stem)
        fresh = entry and entry.get("source_sha256", {}).get(source) == digest(path.read_bytes())
        last = Version.objects.filter(source=key(path), kind__in=EDITED).first()
        lines.append(Line(path.stem, project.name if project else path.stem,
                          m.amount_text(project.amount, project.places) if project else "",
                          errors, len(mine) - errors,
                          BROKEN if errors or not project or halted else BUILT if fresh else STALE,
                          last.author if last else "", last.when if last else None))
    total = m.amount_text(department.total, department.places) if department else ""
    # the department's own problems: not a project's, nor a link's (the site does not follow one; its
    # messages would quote the file it leads to, perhaps another department's)
    shown = {rel(path) for path in place.folder.iterdir() if path.is_symlink()}
    shown |= {rel(place.folder / f"{ln.stem}.md") for ln in lines}
    own = tuple(p for p in problems if p.path not in shown)
    volume = next((e for e in building.outputs(place.folder) if e.get("kind") == "volume"), {})
    return Listing(department, tuple(lines), total, own, building.pdf_of(place.folder) is not None,
                   bool(volume.get("stale")), building.binding(place.folder), halted)
