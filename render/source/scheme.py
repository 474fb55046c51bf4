"""Turn a scheme file (schemes/<名称>.yml) into the indicator codes a department's tables may use."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

import yaml

from render.resources import SCHEMES
from render.system import system_message
from render.problems import Problem
from render.source.model import Scheme
from render.source.schema import Report, compose, pairs

DEFAULT = "三类"  # the seed's: a 部门.yml without 指标体系 uses it
FIELD = "指标体系"
TOP = "一级指标"
_LABEL = re.compile(r"^(\d+)-(\S+)$")


def names() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in SCHEMES.glob("*.yml")))


def default() -> Scheme:
    found, problems = load(DEFAULT)
    if found is None:  # a broken shipped file: the project itself is broken, not the clerk's content
        raise RuntimeError("; ".join(map(str, problems)))
    return found


@lru_cache(maxsize=None)
def load(name: str) -> tuple[Scheme | None, tuple[Problem, ...]]:
    """The scheme of that name, or the problems of its file (named by file and line, for the bureau)."""
    path = SCHEMES / f"{name}.yml"
    rel = f"{SCHEMES.name}/{path.name}"
    report = Report(rel, FIELD)
    try:
        node = compose(path.read_text(encoding="utf-8"))
    except OSError as e:
        return None, (Problem(rel, 0, FIELD, f"无法读取：{system_message(OSError(e.errno, e.strerror))}"),)
    except yaml.YAMLError as e:
        report.malformed(e, f"{DEFAULT}.yml")
        return None, tuple(report.problems)
    bad, problems = report.at, report.problems

    shape = f"应写作“{TOP}:”，其下每个一级指标一行（如“1-产出指标:”），再在其下逐行列出它的二级指标（如“- 11-数量指标”）"
    top = dict(pairs(node)) if isinstance(node, yaml.MappingNode) else {}
    levels_node = top.get(TOP)
    if not isinstance(levels_node, yaml.MappingNode) or len(top) != 1:
        return None, (Problem(rel, 1, FIELD, shape),)
    levels: list[tuple[str, tuple[str, ...]]] = []
    seen: dict[str, int] = {}
    for key, value in levels_node.value:
        groups = value.value if isinstance(value, yaml.SequenceNode) else []
        if not groups or not all(isinstance(g, yaml.ScalarNode) for g in [key, *groups]):
            bad(key, shape)
            continue
        for n in [key, *groups]:
            code = n.value.split("-")[0]
            if not _LABEL.match(n.value):
                bad(n, f"“{n.value}”应写作“编码-名称”，如 11-数量指标，不含空格")
            elif code in seen:
                bad(n, f"编码 {code} 在第 {seen[code]} 行已用过")
            else:
                seen[code] = n.start_mark.line + 1
        levels.append((key.value, tuple(g.value for g in groups)))
    if problems or not levels:
        return None, tuple(problems) or (Problem(rel, 1, FIELD, shape),)
    return Scheme(name, rel, tuple(levels)), ()


# Look-alikes a clerk types on a Chinese keyboard for the half-width characters of a code.
_DASHES = re.compile(r"[\u2010-\u2015\u2212\u30fc\ufe58\ufe63_~、.．。]")


def normal(text: str) -> str:
    """A label as it was meant: half-width digits and dash, no spaces, a dash after the code."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    text = _DASHES.sub("-", text)
    return re.sub(r"^(\d+)-*(?=\D)", r"\1-", text)


def suggest(scheme: Scheme, text: str, level: int) -> str:
    """What the clerk probably meant by a label the scheme does not know, as the end of a message."""
    own, other = (scheme.level1, scheme.level2) if level == 1 else (scheme.level2, scheme.level1)
    meant = normal(text)
    if meant in own:
        return f"：应写作“{meant}”（编码、数字和横线用半角，不加空格）"
    if meant in other:
        column = "二级指标" if level == 1 else "一级指标"
        return f"：它是{column}，应写在“{column}”一栏（这一行是否少写了一格？）"
    code, _, name = meant.partition("-")
    by_name = [x for x in own if x.partition("-")[2] == name]
    if by_name:
        return f"：是否应为“{by_name[0]}”？"
    # 14-成本指标 of the seed's scheme is a 一级 of its own in a scheme that follows 财预〔2021〕101号
    promoted = [x for x in scheme.level1 if x.partition("-")[2] == name] if level == 2 else []
    if promoted:
        return (f"：指标体系“{scheme.name}”中，{name}是一级指标“{promoted[0]}”，"
                f"其下的二级指标为 {'、'.join(dict(scheme.levels)[promoted[0]])}")
    close = difflib.get_close_matches(meant, own, n=1, cutoff=0.6)
    if close:
        return f"：是否应为“{close[0]}”？"
    by_code = [x for x in own if x.partition("-")[0] == code]
    if by_code:
        return f"：编码 {code} 是“{by_code[0]}”"
    which = "" if scheme.name == DEFAULT else f"（指标体系“{scheme.name}”）"
    return f"{which}：可用的有 {'、'.join(own)}"


def suggest_name(text: str) -> str:
    """The end of a message about a scheme name that has no file."""
    close = difflib.get_close_matches(normal(text), names(), n=1, cutoff=0.5)
    return f"（{SCHEMES.name}/ 中有 {'、'.join(names())}）" + (f"，是否应为“{close[0]}”？" if close else "")
