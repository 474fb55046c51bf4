"""Turn YAML text into nodes that keep every key's line, and a file's entries into the values of the fields it
declares (fields.Field: label, kind, required): the one loader, check and report every YAML file goes through —
front matter and 部门.yml, 审核.yml, 反馈.yml, schemes, rules, and import's look at an existing 部门.yml."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import yaml

from render.problems import Problem
from render.source.fields import Field

# Safe loaders only: nodes with their marks, never objects. The pure-Python one for the files a clerk writes
# (frontmatter puts its error messages in the clerk's words); libyaml's where PyYAML has it for the long files
# a bureau writes (the same nodes and marks, five times as fast: a rules file of the limit's size is read in
# about a second, not eight).
_LOADERS = {False: yaml.SafeLoader, True: getattr(yaml, "CSafeLoader", yaml.SafeLoader)}


@dataclass(frozen=True)
class Entry:
    """One `key: value` of a flat YAML mapping. Values are the text as written: YAML never retypes them."""

    key: str
    value: str | None  # None when the value is a list or mapping instead of text
    line: int


def compose(text: str, fast: bool = False) -> yaml.Node | None:
    """The file's node tree (None when it holds nothing); a YAMLError when it is not YAML."""
    return yaml.compose(text, Loader=_LOADERS[fast])




class Report:
    """The problems of one file, each at its line and field: `file:line: field: message`."""

    def __init__(self, path: str, field: str, first: int = 1):
        self.path, self.field, self.first = path, field, first
        self.problems: list[Problem] = []

    def at(self, node: yaml.Node, message: str, field: str | None = None) -> None:
        self.line(self.first + node.start_mark.line, message, field)

    def malformed(self, e: yaml.YAMLError, example: str) -> None:
        """A file that is not YAML, at the line YAML points at, with the file to copy the form of: for the files
        a bureau writes (a clerk's header has its own words: render/source/frontmatter.py)."""
        mark = getattr(e, "problem_mark", None)
        self.line(self.first + mark.line if mark else self.first,
                  f"格式有误（{getattr(e, 'problem', None) or e}）：请对照 {example} 的写法")

    def line(self, line: int, message: str, field: str | None = None, severity: str = "error") -> None:
        self.problems.append(Problem(self.path, line, field or self.field, message, severity))


def key(node: yaml.Node) -> str:
    """A mapping key's text; "" for a key that is not a plain value (a list, a mapping)."""
    return node.value if isinstance(node, yaml.ScalarNode) else ""


def pairs(node: yaml.MappingNode) -> list[tuple[str, yaml.Node]]:
    return [(key(k), v) for k, v in node.value]


@dataclass(frozen=True)
class Members:
    """A mapping node read against the fields it declares: what each file then says in its own words."""

    values: dict[str, yaml.Node]  # by key, the last of a repeated one (as YAML reads a mapping)
    unknown: tuple[yaml.Node, ...]  # the key nodes of what it does not declare
    missing: tuple[Field, ...]  # the required fields it lacks
    not_text: tuple[tuple[Field, yaml.Node], ...]  # a text field whose value is a list, a mapping or blank


def members(node: yaml.MappingNode, declared: tuple[Field, ...], also: tuple[str, ...] = ()) -> Members:
    """`also`: keys the file allows beyond its fields, checked by the caller (a rule's parameters)."""
    known = labels(declared) + also
    values = dict(pairs(node))
    unknown = tuple(k for k, _ in node.value if key(k) not in known)
    missing = tuple(f for f in declared if f.required and f.label not in values)
    not_text = tuple((f, values[f.label]) for f in declared if f.kind == "text" and f.label in values
                     and not (isinstance(values[f.label], yaml.ScalarNode) and values[f.label].value.strip()))
    return Members(values, unknown, missing, not_text)


def labels(declared: Iterable[Field]) -> tuple[str, ...]:
    return tuple(f.label for f in declared)


def usable(path: str, entries: tuple[Entry, ...] | list[Entry], declared: tuple[Field, ...],
           problems: list[Problem]) -> tuple[dict[str, str], dict[str, int]]:
    """The usable `key: value`s of the declared fields (the first of a repeated key), with every other entry
    and every required field that is missing reported."""
    known = labels(declared)
    values: dict[str, str] = {}
    lines: dict[str, int] = {}
    seen = set()
    for e in entries:
        if e.key not in known:
            problems.append(Problem(path, e.line, e.key, f"不认识的栏目名；可用的有：{'、'.join(known)}"))
        elif e.key in seen:
            first = lines.get(e.key) or next(x.line for x in entries if x.key == e.key)
            problems.append(Problem(path, e.line, e.key, f"重复出现（第 {first} 行已有）"))
        elif e.value is None:
            problems.append(Problem(path, e.line, e.key, "应为一段文字，不能是列表或多级内容"))
        else:
            values[e.key] = e.value.strip()
            lines[e.key] = e.line
        seen.add(e.key)
    for f in declared:
        if f.required and f.label not in seen:
            problems.append(Problem(path, 1, f.label, "缺少这一栏"))
    return values, lines
