"""Turn a project file into the editor's form and the form back into the file, with `check`'s problems put
at the field they are about.

Markdown → form: the parser (render/source/parse.py), so the form shows even a file with errors. Form →
Markdown: the writer `import` uses (render/source/importer.py). Problems: the same `project_file` and glyph
check the CLI runs, on the text the form would save."""

from __future__ import annotations

from dataclasses import dataclass

from render.problems import Problem
from render.source import fields
from render.source import model as m
from render.source.importer import project_markdown
from render.source.parse import parse_markdown
from render.source.pasted import Table
from render.source.project import project_file

GOAL = "goal"  # the form's name for 年度总体绩效目标


@dataclass(frozen=True)
class Row:
    level1: str
    level2: str
    name: str
    value: str


@dataclass(frozen=True)
class Sheet:
    """The form: the header fields by their labels, the goal's paragraphs, the 三级 rows in order."""

    head: tuple[tuple[str, str], ...]
    goal: str
    rows: tuple[Row, ...]

    def value(self, label: str) -> str:
        return dict(self.head).get(label, "")


def read(rel: str, text: str) -> Sheet:
    """The form of a file's text; what the parser cannot read is left empty, for check to say why."""
    parsed, _ = parse_markdown(rel, text)
    if parsed is None:
        return Sheet(tuple((label, "") for label in fields.PROJECT_LABELS), "", ())
    values = {e.key: e.value or "" for e in parsed.entries}
    head = tuple((label, values.get(label, "")) for label in fields.PROJECT_LABELS)
    goal, rows = "", []
    for section in parsed.sections:
        if section.title == fields.GOAL:
            goal = "\n".join(text for text, _ in section.paragraphs)
        elif section.title == fields.INDICATORS:
            level1 = level2 = ""
            for table in section.tables:
                for row in table:
                    if tuple(row.cells) == fields.INDICATOR_HEADS:
                        continue
                    cells = (list(row.cells) + ["", "", "", ""])[:4]
                    level1 = cells[0] or level1  # an empty 一级/二级 cell continues the one above
                    level2 = cells[1] or level2
                    rows.append(Row(level1, level2, cells[2], cells[3]))
    return Sheet(head, goal, tuple(rows))


def from_form(data, scheme: m.Scheme) -> Sheet:
    """The form as posted: the header's labels, `goal`, and the rows' parallel lists level2/name/value."""
    head = tuple((label, _one_line(data.get(label, ""))) for label in fields.PROJECT_LABELS)
    level2s, names, values = (data.getlist(k) for k in ("level2", "name", "value"))
    rows = []
    for level2, name, value in zip(level2s, names, values, strict=False):  # a shorter list: a forged form
        level1 = scheme.parent(level2) if level2 in scheme.level2 else ""
        rows.append(Row(level1, level2, _one_line(name), _one_line(value)))
    return Sheet(head, data.get(GOAL, "").replace("\r\n", "\n").replace("\r", "\n"), tuple(rows))


def _one_line(text: str) -> str:
    return " ".join(text.split("\n")).replace("\r", " ").strip()


def markdown(sheet: Sheet) -> str:
    """The file the form saves, written as `import` writes one: a label is written once, where it starts."""
    table = Table("", 0, 0, {**dict(sheet.head), fields.GOAL: sheet.goal})
    before = ("", "")
    for row in sheet.rows:
        table.rows.append((row.level1 if row.level1 != before[0] else "",
                           row.level2 if (row.level1, row.level2) != before else "", row.name, row.value))
        before = (row.level1, row.level2)
    return project_markdown(table)


def where(text: str) -> dict[int, str]:
    """Each line of a file `markdown` wrote → the form field it holds: a header label, `goal`, `row-N`."""
    places, section, row = {}, "", -1
    for number, line in enumerate(text.split("\n"), 1):
        label = line.partition(":")[0]
        if label in fields.PROJECT_LABELS and not section:
            places[number] = label
        elif line.startswith("## "):
            section = line[3:].strip()
            places[number] = GOAL if section == fields.GOAL else "rows"
        elif section == fields.GOAL:
            places[number] = GOAL
        elif section == fields.INDICATORS and line.startswith("|"):
            row += 1
            places[number] = f"row-{row - 2}" if row >= 2 else "rows"
    return places


def problems(rel: str, text: str, stem: str, year: str, dept_dir: str, scheme: m.Scheme) -> list[Problem]:
    """What `check` says of this text as the file `rel`: the parser's and the model's problems, and the
    characters the faces cannot print."""
    from render.typeset import fonts

    found: list[Problem] = []
    project = project_file(rel, text, stem, year, dept_dir, scheme, found)
    if project is not None:
        found += fonts.glyph_problems([project])
    return found


def at_fields(rel: str, text: str, found: list[Problem]) -> list[dict]:
    """The problems as the editor shows them: the field each belongs at ("" for the whole file)."""
    places = where(text)
    return [{"field": places.get(p.line, "") if p.path == rel else "", "label": p.field, "message": p.message,
             "severity": p.severity, "text": str(p)} for p in found]
