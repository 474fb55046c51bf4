"""Turn pasted tables into the text and names of content files: a project file per table, a new department's
部门.yml."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from render.source import fields
from render.source.fields import safe_part
from render.source import model as m
from render.source import scheme as sch
from render.source.parse import ESCAPED
from render.source.pasted import TITLE, Table
from render.source.schema import compose


def _yaml_value(text: str) -> str:
    """Plain when YAML reads the text back unchanged as plain text, else double-quoted."""
    if text == "":
        return ""
    try:
        node = compose(f"k: {text}\n")  # as check will read it back
        plain = (isinstance(node, yaml.MappingNode) and len(node.value) == 1
                 and isinstance(node.value[0][1], yaml.ScalarNode)
                 and node.value[0][1].style is None and node.value[0][1].value == text
                 and node.value[0][1].tag != "tag:yaml.org,2002:null")
    except yaml.YAMLError:
        plain = False
    return " " + text if plain else " " + json.dumps(text, ensure_ascii=False)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _prose(text: str) -> str:
    # A leading # or fence would make Markdown structure out of the clerk's text: escape it, and escape
    # a leading backslash that the reader would otherwise take for such an escape (parse.ESCAPED).
    escape = text.startswith(("#", "`", "~")) or (text[:1] == "\\" and text[1:2] in ESCAPED)
    return "\\" + text if escape else text


def project_markdown(t: Table) -> str:
    out = ["---"]
    for key in fields.PROJECT_LABELS:
        out.append(f"{key}:{_yaml_value(t.fields.get(key, ''))}")
    out += ["---", "", f"## {fields.GOAL}", ""]
    # Line breaks inside the goal cell (Alt+Enter in Excel) separate its paragraphs.
    for paragraph in t.fields.get(fields.GOAL, "").split("\n"):
        if paragraph.strip():
            out += [_prose(paragraph.strip()), ""]
    out += [f"## {fields.INDICATORS}", "", "| " + " | ".join(fields.INDICATOR_HEADS) + " |", "| --- | --- | --- | --- |"]
    for row in t.rows:
        out.append("| " + " | ".join(_cell(c) for c in row) + " |")
    return "\n".join(out) + "\n"


DEPARTMENT_NOTE = "# 部门信息：封面、汇总表和装订册用。编制日期请按实际填写。"
ALWAYS = ("部门名称", "部门编码", "年度", "册名", "编制日期", "编制单位")  # written even when empty, to be filled in


def department_text(values: dict[str, str]) -> str:
    """A 部门.yml of these values (the fields the program knows, in their order; 合计 last if stated): the
    fields a clerk fills in are written even when empty, the others only when they have a value."""
    lines = [DEPARTMENT_NOTE]
    for label in fields.DEPARTMENT_LABELS + (fields.TOTAL,):
        value = values.get(label, "")
        if label == "部门编码":
            lines.append(f"{label}: {json.dumps(value, ensure_ascii=False)}")  # "018": a string, not the number 18
        elif label == "编制日期":
            lines.append(f"{label}:{' ' + value if value else ''}")
        elif value or label in ALWAYS:
            lines.append(f"{label}:{_yaml_value(value)}")
    return "\n".join(lines) + "\n"


def department_yaml(code: str, name: str, year: str, date: str | None, scheme: m.Scheme) -> str:
    """A new 部门.yml; without a date its 编制日期 is left for the clerk (check warns until it is filled)."""
    return department_text({"部门名称": name, "部门编码": code, "年度": year, "册名": f"{name}{year}年{TITLE}",
                            "编制日期": date or "", "编制单位": name,
                            sch.FIELD: "" if scheme.name == sch.DEFAULT else scheme.name})


def safe_name(text: str) -> str:
    """A file name every system accepts, still recognisable to a person, and short enough for any."""
    name = safe_part(text)
    return name[:80] if name != "_" else "未命名项目"


def target_file(folder: Path, project_name: str) -> Path:
    """The project's existing file if it has one, else the next number in the folder."""
    stem = safe_name(project_name)
    numbers = [0]
    for p in folder.glob("*.md"):
        prefix, _, rest = p.stem.partition("-")
        if rest == stem:
            return p
        if prefix.isdigit():
            numbers.append(int(prefix))
    return folder / f"{max(numbers) + 1:02d}-{stem}.md"
