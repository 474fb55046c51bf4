"""Turn YAML (a content file's front matter, a 部门.yml) into `key: value` entries with their lines, and
YAML's errors into words a clerk can act on."""

from __future__ import annotations

import re

import yaml

from render.problems import Problem
from render.source.schema import Entry, compose


def parse_yaml(path: str, text: str, first_line: int, field: str) -> tuple[list[Entry], list[Problem]]:
    """Read a flat YAML mapping; `first_line` is the file line of the YAML text's first line."""
    text, colons = _full_width_colons(text)
    said = [Problem(path, first_line + k, key, FULL_WIDTH) for k, key in colons]
    entries, problems = _parse(path, text, first_line, field)
    return entries, said + problems


def _full_width_colons(text: str) -> tuple[str, list[tuple[int, str]]]:
    """`栏目名：内容` read as `栏目名: 内容`, and the lines and 栏目 where it was: one slip is one message, and the
    rest of the header is still checked (YAML alone would stop at the first, and hide every other problem)."""
    lines, found = text.split("\n"), []
    for k, raw in enumerate(lines):
        if raw.strip() and not raw.startswith((" ", "\t", "#")) and ":" not in raw and "：" in raw:
            key, _, value = raw.partition("：")
            lines[k] = f"{key}: {value.lstrip(' 　')}"
            found.append((k, key.strip()))
    return "\n".join(lines), found


def _parse(path: str, text: str, first_line: int, field: str) -> tuple[list[Entry], list[Problem]]:
    try:
        node = compose(text)
    except yaml.MarkedYAMLError as e:
        line, reason = _yaml_error(text, e)
        return [], [Problem(path, first_line + line, field, f"{FORMAT}{reason}")]
    except yaml.reader.ReaderError as e:  # a control character the reader refuses
        line = text[: e.position].count("\n")
        return [], [Problem(path, first_line + line, field,
                            f"{FORMAT}含有看不见的控制字符 U+{e.character:04X}，请删去")]
    except yaml.YAMLError as e:
        return [], [Problem(path, first_line, field, f"{FORMAT}{e}")]
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
            # An anchor or tag before plain text is dropped by YAML: the clerk's text would change silently.
            lead = text[value_node.start_mark.index:value_node.start_mark.index + 1]
            if value_node.style is None and lead in ("&", "!"):
                problems.append(Problem(path, first_line + value_node.start_mark.line, key_node.value,
                                        f"以“{lead}”开头的内容须用双引号括起"))
                raw = text[value_node.start_mark.index:value_node.end_mark.index]
                entries.append(Entry(key_node.value, raw, line))
                continue
            null = value_node.tag == "tag:yaml.org,2002:null" and value_node.style is None
            value = "" if null else value_node.value
            entries.append(Entry(key_node.value, value, line))
        else:
            entries.append(Entry(key_node.value, None, line))
    return entries, problems


# The clerk's words: the header (between the two --- lines) or 部门.yml is "栏目名: 内容" line by line; "YAML" is not one
FORMAT = "格式有误："
FULL_WIDTH = "栏目名后应为英文冒号“:”，不是中文冒号“：”"
_YAML_REASONS = {
    "mapping values are not allowed here": "此处不能出现冒号“: ”（内容含冒号时请用双引号括起）",
    "could not find expected ':'": "缺少冒号“:”，应写作“栏目名: 内容”",
    "found character '\\t' that cannot start any token": "不能用 Tab 缩进",
    "found undefined alias": "以“*”开头的内容须用双引号括起",
    "found unexpected end of stream": "引号没有配对：缺少结尾的引号",
    "expected ',' or ']'": "以“[”开头的内容须用双引号括起",
    "expected ',' or '}'": "以“{”开头的内容须用双引号括起",
    "expected <block end>, but found": "引号后面还有文字：整栏内容须用一对双引号括起",
    "sequence entries are not allowed here": "以“- ”开头的内容须用双引号括起",
    "mapping keys are not allowed here": "以“? ”开头的内容须用双引号括起",
    "expected a comment or a line break": "以“|”或“>”开头的内容须用双引号括起",
}
_CANNOT_START = re.compile(r"found character '(.)' that cannot start any token")
_KEY_LINE = re.compile(r"^[^\s#:][^:]*:(\s|$)")


def _yaml_error(text: str, e: yaml.MarkedYAMLError) -> tuple[int, str]:
    """The 0-based line the clerk must fix, and why, in their words."""
    # YAML notices a missing colon or an open quote lines later; the line that starts it is the one to fix.
    use_context = e.context_mark and (e.context or "").startswith(("while scanning", "while parsing a flow",
                                                                    "while parsing a tag"))
    mark = e.context_mark if use_context else (e.problem_mark or e.context_mark)
    line = mark.line if mark else 0
    lines = text.split("\n")
    for k, raw in enumerate(lines[: line + 1]):
        if raw.strip() and not raw.startswith((" ", "#")) and not _KEY_LINE.match(raw):
            return k, _not_a_key_line(raw)
    if "'\\t'" in (e.problem or "") and e.problem_mark and e.problem_mark.line < len(lines):
        return e.problem_mark.line, _tab(lines[e.problem_mark.line], e.problem_mark.column)
    if line < len(lines) and lines[line].startswith(" ") and _KEY_LINE.match(lines[line].lstrip(" ")):
        return line, "行首有空格：请删去行首的空格，每栏顶格写作“栏目名: 内容”"
    return line, _yaml_reason(e)


def _tab(raw: str, column: int) -> str:
    """Where the Tab YAML refuses is, and what to type instead."""
    if not raw[column:].strip():
        return "行尾有 Tab：请删去行尾的 Tab"
    if raw[:column].rstrip("\t").endswith(":"):
        return "冒号“:”后面是 Tab：请把它换成一个空格，写作“栏目名: 内容”"
    return "这一行有 Tab：请把 Tab 换成空格"


def _not_a_key_line(raw: str) -> str:
    if raw.startswith("\t"):
        return "行首有 Tab：请删去行首的 Tab（缩进只能用空格）"
    if ":" not in raw and "：" in raw:
        return FULL_WIDTH
    if re.match(r"^[^:]*:\S", raw):
        return "冒号“:”后须有一个空格"
    return "缺少冒号“:”，应写作“栏目名: 内容”"


_LEADS = {"while scanning an anchor": "&", "while scanning an alias": "*", "while parsing a tag": "!"}


def _yaml_reason(e: yaml.MarkedYAMLError) -> str:
    if e.context in _LEADS:
        return f"以“{_LEADS[e.context]}”开头的内容须用双引号括起"
    problem = e.problem or ""
    for english, chinese in _YAML_REASONS.items():
        if english in problem:
            return chinese
    found = _CANNOT_START.search(problem)
    if found:
        return f"以“{found.group(1)}”开头的内容须用双引号括起"
    return f"{problem}（内容含特殊符号时请用双引号括起）"
