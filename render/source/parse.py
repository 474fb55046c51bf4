"""Turn a content file's bytes into its front matter entries and Markdown sections, each with its line."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from markdown_it import MarkdownIt

from render.problems import Problem
from render.source import fields
from render.source.frontmatter import parse_yaml
from render.source.schema import Entry

FRONT_MATTER = "文件开头的表头"  # as content/README.md calls what stands between the two --- lines
# Blocks only: of an inline token just its raw `content` is read, never the children the "inline" rule
# makes of it (emphasis, links…), and making them was half of every file's parse.
_md = MarkdownIt("commonmark", {"html": False}).enable("table").disable("inline")


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
    header_ok: bool = True  # False when the front matter could not be read: its fields are then unknown


def decode(path: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """A source's text, however Notepad saved it: UTF-8 with or without a BOM, GBK, UTF-16; CRLF or CR line
    ends. The file itself is never rewritten: what is not UTF-8 is read, and the clerk is told how to save it."""
    if not data.strip():
        return None, [Problem(path, 1, "文件", "文件是空的")]
    problems = []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Notepad's "Unicode"
        text = data.decode("utf-16")
        problems.append(Problem(path, 1, "文件", f"是 UTF-16 编码（记事本的“Unicode”），已照常读取；请{SAVE_AS_UTF8}",
                                "warning"))
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            text = _gbk(data)
            if text is None:
                line = data[: e.start].count(b"\n") + 1
                return None, [Problem(path, line, "文件", "这一行有不是 UTF-8 编码的字符（文件可能混有别的编码或已损坏）："
                                      f"请检查这一行，并{SAVE_AS_UTF8}")]
            problems.append(Problem(path, 1, "文件", f"不是 UTF-8 编码，已按 GBK（GB18030）读取；请{SAVE_AS_UTF8}",
                                    "warning"))
    # one line end for one line: the line numbers are those the clerk's editor shows
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n"), problems


SAVE_AS_UTF8 = "另存为 UTF-8：记事本“文件 → 另存为”，编码选“UTF-8”后保存（本程序不会改动这个文件）"


def _gbk(data: bytes) -> str | None:
    """The text of a file saved as GBK (Notepad's "ANSI" on Chinese Windows); None when it is rather UTF-8
    with a few bad bytes, which GB18030 would turn into a whole file of wrong characters."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    as_utf8 = data.decode("utf-8", errors="replace")
    bad = as_utf8.count("\ufffd")
    good = sum(1 for c in as_utf8 if c > "\x7f") - bad
    return text if bad > good else None


def parse_markdown(path: str, text: str) -> tuple[ParsedFile | None, list[Problem]]:
    """Split `---` front matter from the body and read both."""
    parsed, problems = _parse_markdown(path, text)
    return parsed, list(problems)


@lru_cache(maxsize=4096)
def _parse_markdown(path: str, text: str) -> tuple[ParsedFile | None, tuple[Problem, ...]]:
    """Remembered: `watch` reads every file after each save, and most have not changed (0.06 s)."""
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return None, (Problem(path, 1, FRONT_MATTER, "文件应以一行“---”开头，其后是项目名称等各栏"),)
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        return None, (Problem(path, 1, FRONT_MATTER, "找不到结束表头的“---”行"),)
    entries, problems = parse_yaml(path, "\n".join(lines[1:end]), 2, FRONT_MATTER)
    header_ok = not any(p.field == FRONT_MATTER for p in problems)
    sections, body_problems = _sections(path, lines, end + 1)
    return ParsedFile(path, tuple(entries), tuple(sections), header_ok), tuple(problems + body_problems)


def _sections(path: str, lines: list[str], body_start: int) -> tuple[list[Section], list[Problem]]:
    body, problems = _headings(path, lines[body_start:], body_start)
    tokens = _md.parse("\n".join(body))
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
        elif tok.type == "paragraph_open" and tok.level == 0 and heads and heads[-1][0] == fields.INDICATORS \
                and _table_lines(body, *tok.map):  # a goal may well begin with “|”: only 绩效指标 is a table
            where = heads[-1][0] if heads else "栏目"
            rows = _undelimited(path, body, *tok.map, body_start, where, problems)
            if rows:
                tables[tok.map[0]] = rows
            i += 3  # the paragraph's open, inline and close
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
    blocks = sorted(blocks + _unread(tokens, body))
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


def _headings(path: str, body: list[str], body_start: int) -> tuple[list[str], list[Problem]]:
    """The body as Markdown is to read it: `##年度总体绩效目标` is a paragraph to Markdown and a heading to the
    clerk, who is told to put the space in; the file is read as if it were there."""
    body, problems = list(body), []
    for k, raw in enumerate(body):
        found = re.fullmatch(r" {0,3}(#+)(\S.*?)\s*", raw)  # `#` then no space: Markdown's paragraph
        if found and found[2] in (fields.GOAL, fields.INDICATORS):
            title = found[2]
            why = "“##”后面要有一个空格" if found[1] == "##" else f"栏目标题以两个“#”开头，后面一个空格，不是“{found[1]}”"
            problems.append(Problem(path, body_start + k + 1, "栏目", f"{why}：写成“## {title}”"))
            body[k] = f"## {title}"
    return body, problems


def _table_lines(body: list[str], start: int, stop: int) -> bool:
    """A paragraph of lines that all begin with “|”: a table Markdown did not see as one."""
    return all(line.lstrip().startswith("|") for line in body[start:stop])


def _undelimited(path: str, body: list[str], start: int, stop: int, body_start: int, field: str,
                 problems: list[Problem]) -> list[TableRow]:
    """The rows of a table written without its `| --- |` line (or with a wrong one), read as if it were right,
    so that the clerk hears of the missing line, not of a missing table."""
    lines = body[start:stop]
    delimiter = "| " + " | ".join(["---"] * _count_cells(lines[0])) + " |"
    broken = len(lines) > 1 and re.fullmatch(r"[\s|:-]*-[\s|:-]*", lines[1])
    if broken:
        said = f"表格第二行的分隔行应与表头格数相同，写成“{delimiter}”"
        mended = [lines[0], delimiter, *lines[2:]]
    else:
        said = f"表格缺少第二行的分隔行“{delimiter}”，请在表头下一行加上"
        mended = [lines[0], delimiter, *lines[1:]]
    problems.append(Problem(path, body_start + start + (2 if broken else 1), field, said))
    tokens = _md.parse("\n".join(mended))
    at = next((n for n, t in enumerate(tokens) if t.type == "table_open"), None)
    if at is None:  # not a table even so: the line above says what to write
        return []
    rows, _ = _table(tokens, at, mended, body_start + start)
    # a line put in moves the rows below it down one: give them back their own lines
    return [r if broken or r.line == body_start + start + 1 else replace(r, line=r.line - 1) for r in rows]


def _unread(tokens, body: list[str]) -> list[tuple[int, int]]:
    """Runs of text Markdown swallowed without a token (a line like `[a]: http://…` defines a link):
    the clerk wrote it to be printed, so it is prose like any other."""
    covered = set()
    for tok in tokens:
        if tok.level == 0 and tok.map:
            covered.update(range(*tok.map))
    runs: list[tuple[int, int]] = []
    for k, raw in enumerate(body):
        if raw.strip() and k not in covered:
            if runs and runs[-1][1] == k:
                runs[-1] = (runs[-1][0], k + 1)
            else:
                runs.append((k, k + 1))
    return runs


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


# A line of prose starting with one of these is written with a backslash before it (importer._prose),
# so that Markdown does not read it as a heading or a code fence; the backslash is not printed.
ESCAPED = ("#", "`", "~", "\\")
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
                para.append(raw[1:] if raw[:1] == "\\" and raw[1:2] in ESCAPED else raw)
            elif para:
                out.append((join_lines(para), body_start + first + 1))
                para = []
        if para:
            out.append((join_lines(para), body_start + first + 1))
    return out


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines: Chinese runs on without a space, Latin words keep one."""
    text = lines[0]
    for nxt in lines[1:]:
        cjk = _CJK_EDGE.match(text[-1]) or _CJK_EDGE.match(nxt[0])
        text += nxt if cjk else " " + nxt
    return text
