"""Turn a content file's bytes into its front matter entries and Markdown sections, each with its line."""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml
from markdown_it import MarkdownIt

from .problems import Problem

FRONT_MATTER = "文件头"
_md = MarkdownIt("commonmark", {"html": False}).enable("table")


@dataclass(frozen=True)
class Entry:
    """One `key: value` of a YAML mapping. Values are the text as written: YAML never retypes them."""

    key: str
    value: str | None  # None when the value is a list or mapping instead of text
    line: int
    quoted: bool = False


@dataclass(frozen=True)
class TableRow:
    cells: tuple[str, ...]
    line: int
    written_cells: int  # cells on the source line: Markdown drops the ones past the header's count


@dataclass(frozen=True)
class Section:
    """A `## 标题` with what follows it up to the next heading."""

    title: str
    line: int
    paragraphs: tuple[tuple[str, int], ...]  # (text, first line)
    tables: tuple[tuple[TableRow, ...], ...]


@dataclass(frozen=True)
class ParsedFile:
    path: str
    entries: tuple[Entry, ...]
    sections: tuple[Section, ...]


def decode(path: str, data: bytes) -> tuple[str | None, list[Problem]]:
    if not data.strip():
        return None, [Problem(path, 0, "文件", "文件是空的")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        return None, [Problem(path, line, "文件", "不是 UTF-8 编码（请在编辑器中另存为 UTF-8）")]
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n"), []


def parse_yaml(path: str, text: str, first_line: int, field: str) -> tuple[list[Entry], list[Problem]]:
    """Read a flat YAML mapping; `first_line` is the file line of the YAML text's first line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = first_line + mark.line if mark else first_line
        return [], [Problem(path, line, field, f"YAML 格式错误：{_yaml_reason(e)}")]
    except yaml.YAMLError as e:  # e.g. a control character the reader refuses
        return [], [Problem(path, first_line, field, f"YAML 格式错误：{e}")]
    if node is None:
        return [], [Problem(path, first_line, field, "内容是空的")]
    if not isinstance(node, yaml.MappingNode):
        return [], [Problem(path, first_line + node.start_mark.line, field, "应为“名称: 内容”的逐行列表")]
    entries, problems = [], []
    for key_node, value_node in node.value:
        line = first_line + key_node.start_mark.line
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(Problem(path, line, field, "名称应为文字"))
            continue
        if isinstance(value_node, yaml.ScalarNode):
            null = value_node.tag == "tag:yaml.org,2002:null" and value_node.style is None
            value = "" if null else value_node.value
            entries.append(Entry(key_node.value, value, line, value_node.style is not None))
        else:
            entries.append(Entry(key_node.value, None, line))
    return entries, problems


_YAML_REASONS = {
    "mapping values are not allowed here": "此处不能出现冒号“: ”（内容含冒号时请用引号括起）",
    "could not find expected ':'": "缺少冒号“:”",
    "found character '\\t' that cannot start any token": "不能用 Tab 缩进",
    "found undefined alias": "“*”开头的内容须用引号括起",
}


def _yaml_reason(e: yaml.MarkedYAMLError) -> str:
    problem = e.problem or ""
    for english, chinese in _YAML_REASONS.items():
        if english in problem:
            return chinese
    return f"{problem}（内容含特殊符号时请用引号括起）"


def parse_markdown(path: str, text: str) -> tuple[ParsedFile | None, list[Problem]]:
    """Split `---` front matter from the body and read both."""
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return None, [Problem(path, 1, FRONT_MATTER, "文件应以一行“---”开头，其后是项目名称等各栏")]
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        return None, [Problem(path, 1, FRONT_MATTER, "找不到结束文件头的“---”行")]
    entries, problems = parse_yaml(path, "\n".join(lines[1:end]), 2, FRONT_MATTER)
    sections, body_problems = _sections(path, lines, end + 1)
    return ParsedFile(path, tuple(entries), tuple(sections)), problems + body_problems


def _sections(path: str, lines: list[str], body_start: int) -> tuple[list[Section], list[Problem]]:
    body = lines[body_start:]
    tokens = _md.parse("\n".join(body))
    problems: list[Problem] = []
    heads: list[tuple[str, int]] = []  # (title, body index)
    tables: dict[int, list[TableRow]] = {}  # table start -> rows
    blocks: list[tuple[int, int]] = []  # top-level block spans that are not headings or tables
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            title = tokens[i + 1].content.strip()
            start = tok.map[0]
            if tok.tag != "h2":
                problems.append(Problem(path, body_start + start + 1, "栏目",
                                        f"“{title}”：栏目标题应以“## ”开头"))
            heads.append((title, start))
            i += 3
        elif tok.type == "table_open":
            rows, i = _table(tokens, i, body, body_start)
            tables[tok.map[0]] = rows
        elif tok.level == 0 and tok.map:
            blocks.append((tok.map[0], tok.map[1]))
            depth = 0
            # skip to the matching close token of this top-level block
            while True:
                depth += tokens[i].nesting
                i += 1
                if depth <= 0:
                    break
        else:
            i += 1

    sections = []
    bounds = [h[1] for h in heads] + [len(body)]
    for n, (title, start) in enumerate(heads):
        stop = bounds[n + 1]
        own_tables = tuple(tuple(rows) for s, rows in tables.items() if start < s < stop)
        spans = [(a, b) for a, b in blocks if start < a < stop]
        sections.append(Section(title, body_start + start + 1,
                                tuple(_paragraphs(body, spans, body_start)), own_tables))
    orphan = [a for a, _ in blocks if not heads or a < heads[0][1]]
    orphan += [s for s in tables if not heads or s < heads[0][1]]
    for a in orphan[:1]:
        problems.append(Problem(path, body_start + a + 1, "栏目",
                                "这段内容不属于任何栏目：请放在“## 年度总体绩效目标”或“## 绩效指标”之下"))
    return sections, problems


def _table(tokens, i: int, body: list[str], body_start: int) -> tuple[list[TableRow], int]:
    rows: list[TableRow] = []
    cells: list[str] = []
    line = 0
    while tokens[i].type != "table_close":
        tok = tokens[i]
        if tok.type == "tr_open":
            cells, line = [], tok.map[0]
        elif tok.type == "inline":
            cells.append(tok.content.strip())
        elif tok.type == "tr_close":
            rows.append(TableRow(tuple(cells), body_start + line + 1, _count_cells(body[line])))
        i += 1
    return rows, i + 1


def _count_cells(raw: str) -> int:
    """Cells written on a table line, counting unescaped pipes as GFM does."""
    s = raw.strip()
    pipes = [m.start() for m in re.finditer(r"(?<!\\)\|", s)]
    n = len(pipes) + 1
    if s.startswith("|"):
        n -= 1
    if s.endswith("|") and not s.endswith("\\|") and len(s) > 1:
        n -= 1
    return n


_CJK_EDGE = re.compile(r"[^\x00-\x7f]")


def _paragraphs(body: list[str], spans: list[tuple[int, int]], body_start: int) -> list[tuple[str, int]]:
    """The prose of a section, taken from the source lines so that Markdown never rewrites it."""
    out = []
    for a, b in spans:
        para: list[str] = []
        first = a
        for k in range(a, b):
            raw = body[k].strip()
            if raw:
                if not para:
                    first = k
                para.append(raw[1:] if raw.startswith(("\\#", "\\`", "\\~")) else raw)
            elif para:
                out.append((_join(para), body_start + first + 1))
                para = []
        if para:
            out.append((_join(para), body_start + first + 1))
    return out


def _join(lines: list[str]) -> str:
    """Join wrapped lines: Chinese runs on without a space, Latin words keep one."""
    text = lines[0]
    for nxt in lines[1:]:
        cjk = _CJK_EDGE.match(text[-1]) or _CJK_EDGE.match(nxt[0])
        text += nxt if cjk else " " + nxt
    return text
