"""Turn a rules file (rules/审核规则.yml or a bureau's own) into the rules `review` applies, or its mistakes."""

from __future__ import annotations

import math
from pathlib import Path

import yaml

from render.resources import RULES
from render.system import system_message
from render.problems import Kind, Problem
from render.review import across, judge, meaning  # noqa: F401  (declare the checks)
from render.review.registry import ASPECTS, CHECKS, GRADES, LEVELS, Grade, Number, Rule, Rules
from render.source import fields, limits
from render.source.schema import Report, compose, labels, members, pairs as _pairs, key as _key

DEFAULT = RULES / "审核规则.yml"
TOP = "规则"
CONCLUSION = "结论"  # the grades: beside 规则, at the top of the file
FIELD = "审核规则"
# What every rule writes, each a required text; its check's parameters follow (render/review/registry.py).
RULE = tuple(fields.Field(label, attr) for label, attr in (("名称", "name"), ("级别", "level"), ("方面", "aspect"),
                                                           ("检查", "check"), ("依据", "basis"), ("建议", "advice")))
COMMON = labels(RULE)
GRADE_KEYS = ("至多", "处理")
BASIS = "依据"
COUNT = Number(0, 1000, "条", whole=True)  # findings of one level a grade allows
COMMON_KEY = "共性问题"  # in 结论: from how many projects a finding every one of them has is said once
COMMON_PROJECTS = Number(0, 1000, "个项目", whole=True)


# Names a list threshold may hold, where the program can know them.
ALLOWED = {("表头", "栏目"): fields.PROJECT_LABELS + (fields.GOAL,)}


def load(path: Path | None = None, base: Path = RULES.parent) -> tuple[Rules | None, list[Problem]]:
    """The rules of a file (the shipped one when None), or every mistake in it with its line."""
    path = path or DEFAULT
    try:
        rel = path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        rel = str(path)
    if not path.is_file():  # a --rules naming no file is the command line's mistake, as a missing --content
        what = "这是一个文件夹，不是规则文件" if path.is_dir() else "找不到这个文件"
        return None, [Problem(rel, 0, FIELD, f"{what}（--rules 应指定审核规则文件，如 rules/审核规则.yml）",
                              kind=Kind.REFUSED)]
    report = Report(rel, FIELD)
    try:
        with path.open("rb") as f:
            data = f.read(limits.RULES_BYTES + 1)  # no more than the limit read, whatever the file is
        if len(data) > limits.RULES_BYTES:
            return None, [Problem(rel, 0, FIELD, f"文件超过 {limits.size(limits.RULES_BYTES)}，不像审核规则文件"
                                                 f"（随附的规则文件只有几 KB）：请核对 --rules 所指的文件")]
        node = compose(data.decode("utf-8"), fast=True)
    except OSError as e:
        return None, [Problem(rel, 0, FIELD, f"无法读取：{system_message(e)}")]
    except UnicodeDecodeError:
        return None, [Problem(rel, 1, FIELD, "不是 UTF-8 编码的文本：请用 UTF-8 保存")]
    except yaml.YAMLError as e:
        report.malformed(e, "rules/审核规则.yml")
        return None, report.problems
    bad, problems = report.at, report.problems

    shape = f"应写作“{TOP}:”，其下每条规则以编号开头（如“R01:”），再逐行写名称、级别、检查、依据、建议和参数"
    top = dict(_pairs(node)) if isinstance(node, yaml.MappingNode) else {}
    rules_node = top.get(TOP)
    if not isinstance(rules_node, yaml.MappingNode):
        return None, [Problem(rel, 1, FIELD, shape)]
    for key_node, _value in node.value:
        if _key(key_node) not in (TOP, CONCLUSION):
            bad(key_node, f"不认识的一节“{limits.excerpt(str(key_node.value))}”；文件中只有“{TOP}:”和“{CONCLUSION}:”两节")
    grading = _grading(top.get(CONCLUSION), bad)
    if CONCLUSION not in top:
        problems.append(Problem(rel, 1, FIELD, f"缺少“{CONCLUSION}:”一节：写明项目评为{'、'.join(GRADES)}各需满足的条件"
                                               f"（对照 rules/审核规则.yml）"))
    rules, seen = [], {}
    for key_node, body in rules_node.value:  # each rule's own key node: no search, linear in the file
        rule_id = _key(key_node)
        if rule_id in seen:
            bad(key_node, f"规则编号 {rule_id} 在第 {seen[rule_id]} 行已用过")
            continue
        seen[rule_id] = key_node.start_mark.line + 1
        if not isinstance(body, yaml.MappingNode):
            bad(key_node, f"规则 {rule_id} 应逐行写出{'、'.join(COMMON)}")
            continue
        rule = _rule(rule_id, key_node, body, bad)
        if rule:
            rules.append(rule)
    if problems:
        return None, limits.capped(problems)
    if not rules:
        return None, [Problem(rel, 1, FIELD, "没有任何规则")]
    grades, basis, common = grading
    return Rules(rel, data, tuple(rules), grades, basis, common), []


def _grading(node: yaml.Node | None, bad) -> tuple[tuple[Grade, ...], str, int]:
    """The grades of 结论, best first, their 依据, and from how many projects a finding all have is a
    共性问题 (0: never); every mistake said at its line (the result is then not used)."""
    if node is None:
        return (), "", 0
    if not isinstance(node, yaml.MappingNode):
        bad(node, f"“{CONCLUSION}”应逐行写出{'、'.join(GRADES)}各等级的条件和{BASIS}")
        return (), "", 0
    got = dict(_pairs(node))
    known = GRADES + (BASIS, COMMON_KEY)
    for key_node, _value in node.value:
        key = _key(key_node)
        if key not in known:
            bad(key_node, f"{CONCLUSION}：不认识的键“{limits.excerpt(str(key))}”；可用的有：{'、'.join(known)}")
    common = 0
    if COMMON_KEY in got:
        number, wrong = _param(got[COMMON_KEY], COMMON_PROJECTS)
        if wrong:
            bad(got[COMMON_KEY], f"{CONCLUSION}：“{COMMON_KEY}”{wrong}")
        else:
            common = int(number)
    named = [key_node.value for key_node, _value in node.value if key_node.value in GRADES]
    if named != [g for g in GRADES if g in named]:
        bad(node, f"{CONCLUSION}：等级应自优至差依次写出：{'、'.join(GRADES)}")
    basis = got.get(BASIS)
    if basis is None or not isinstance(basis, yaml.ScalarNode) or not basis.value.strip():
        bad(basis or node, f"{CONCLUSION}：“{BASIS}”应为一段文字，写明等级所依据的文件与条款")
    keys = {k.value: k for k, _value in node.value if isinstance(k, yaml.ScalarNode)}
    grades, before = [], {}
    for name in GRADES:
        body = got.get(name)
        if body is None:
            bad(node, f"{CONCLUSION}：缺少等级“{name}”")
            continue
        last = name == GRADES[-1]
        if not isinstance(body, yaml.MappingNode):
            bad(body, f"{CONCLUSION}：等级“{name}”应逐行写出{'处理' if last else '、'.join(GRADE_KEYS)}")
            continue
        parts = dict(_pairs(body))
        for key_node, _value in body.value:
            key = _key(key_node)
            if last and key == "至多":
                bad(key_node, f"{CONCLUSION}：“{name}”是其余的项目，不设“至多”")
            elif key not in GRADE_KEYS:
                bad(key_node, f"{CONCLUSION}：等级“{name}”：不认识的键“{limits.excerpt(str(key))}”；"
                              f"可用的有：{'、'.join(GRADE_KEYS)}")
        action = parts.get("处理")
        if not isinstance(action, yaml.ScalarNode) or not action.value.strip():
            bad(action or keys[name], f"{CONCLUSION}：等级“{name}”须写明“处理”（评为此等级的项目如何处理）")
            action = None
        most = () if last else _most(name, parts.get("至多"), keys[name], before, bad)
        if action is not None and most is not None:
            grades.append(Grade(name, most, action.value.strip()))
    return tuple(grades), basis.value.strip() if isinstance(basis, yaml.ScalarNode) else "", common


def _most(name: str, node: yaml.Node | None, key: yaml.Node, before: dict[str, tuple[str, float]], bad
          ) -> tuple[tuple[str, int], ...] | None:
    """A grade's 至多, level by level; a grade that allows fewer findings of a level than the grade above it
    could never be given, and is said so. `before` holds the loosest limit so far of each level."""
    example = "如 {需修改: 0, 建议修改: 3}"
    if not isinstance(node, yaml.MappingNode):
        bad(node or key, f"{CONCLUSION}：等级“{name}”须写明“至多”：各级别意见至多几条，{example}")
        return None
    most, ok = [], True
    for key_node, value in node.value:
        level = _key(key_node)
        if level not in LEVELS:
            bad(key_node, f"{CONCLUSION}：等级“{name}”：“{limits.excerpt(str(level))}”不是级别；应为 {' / '.join(LEVELS)}")
            ok = False
            continue
        number, wrong = _param(value, COUNT)
        if wrong:
            bad(value, f"{CONCLUSION}：等级“{name}”的“{level}”{wrong}")
            ok = False
            continue
        upper, limit = before.get(level, ("", -1))
        if number < limit:
            allowed = "不限条数" if limit == math.inf else f"至多 {limit:g} 条"
            bad(value, f"{CONCLUSION}：等级“{name}”的“{level}”至多 {number:g} 条，严于“{upper}”的{allowed}："
                       f"这样的项目已评为“{upper}”，等级应自优至差逐级放宽")
            ok = False
            continue
        most.append((level, int(number)))
    for level in LEVELS:  # a level a grade leaves open stays open for every grade below it
        before[level] = (name, dict(most).get(level, math.inf))
    return tuple(most) if ok else None


def _rule(rule_id: str, id_node: yaml.Node, body: yaml.MappingNode, bad) -> Rule | None:
    """The rule, or None with every mistake in it said (a missing key at the rule's own line)."""
    check = dict(_pairs(body)).get("检查")
    known = CHECKS.get(check.value) if isinstance(check, yaml.ScalarNode) else None
    known_params = known.params if known else {}
    read = members(body, RULE, tuple(known_params))
    got = read.values
    for key_node in read.unknown:
        bad(key_node, f"规则 {rule_id}：不认识的键“{_key(key_node)}”；可用的有：{'、'.join(COMMON + tuple(known_params))}")
    blank = dict(read.not_text)
    for f in RULE:
        if f in read.missing:
            bad(id_node, f"规则 {rule_id}：缺少“{f.label}”")
        elif f in blank:
            bad(blank[f], f"规则 {rule_id}：“{f.label}”应为一段文字")
    ok = not (read.unknown or read.missing or read.not_text)
    if not all(isinstance(got.get(key), yaml.ScalarNode) for key in COMMON):
        return None
    level, check_name = got["级别"], got["检查"]
    if level.value not in LEVELS:
        bad(level, f"规则 {rule_id}：级别“{level.value}”应为 {' / '.join(LEVELS)} 之一")
        ok = False
    aspect = got["方面"]
    if aspect.value not in ASPECTS:
        bad(aspect, f"规则 {rule_id}：方面“{aspect.value}”应为 {' / '.join(ASPECTS)} 之一")
        ok = False
    if check_name.value not in CHECKS:
        bad(check_name, f"规则 {rule_id}：检查“{check_name.value}”不是已有的检查；可用的有：{'、'.join(CHECKS)}")
        ok = False
    params = []
    for key, kind in known_params.items():
        node = got.get(key)
        if node is None:
            bad(id_node, f"规则 {rule_id}：检查“{check_name.value}”须写明参数“{key}”")
            ok = False
            continue
        value, wrong = _param(node, kind)
        allowed = ALLOWED.get((check_name.value, key))
        if wrong:
            bad(node, f"规则 {rule_id}：“{key}”{wrong}")
            ok = False
        elif allowed and set(value) - set(allowed):
            unknown = "、".join(limits.excerpt(v) for v in value if v not in allowed)
            bad(node, f"规则 {rule_id}：“{key}”中的“{unknown}”不是表中的栏目；可用的有：{'、'.join(allowed)}")
            ok = False
        else:
            params.append((key, value))
    if not ok:
        return None
    return Rule(rule_id, got["名称"].value, level.value, check_name.value, got["依据"].value,
                aspect.value, got["建议"].value, tuple(params))


def _param(node: yaml.Node, kind: type | Number) -> tuple[object, str | None]:
    """The threshold's value, or why it cannot be one."""
    if kind is list:
        if isinstance(node, yaml.SequenceNode) and all(isinstance(n, yaml.ScalarNode) for n in node.value):
            return tuple(n.value for n in node.value), None
        return None, "应为一串名称，如 [数量指标, 质量指标]"
    number = None
    if isinstance(node, yaml.ScalarNode):
        try:
            number = float(node.value)
        except ValueError:
            pass
    if number is None or not math.isfinite(number):  # nan, inf and 1e999 are no threshold
        return None, "应为一个数，如 90"
    wrong = kind.wrong(number)
    return number, (f"为 {limits.excerpt(node.value)}，{wrong}" if wrong else None)
