"""The checks the program has (render/review/registry.py, declared beside their functions), the shipped rules
file and README's table of rules say the same: no rule without its check, no check without a rule, no rule
README does not list."""

from __future__ import annotations

import re

from conftest import ROOT
from render.review import registry
from render.review import rules as rl


def disagreements(checks: dict, readme: str) -> list[str]:
    shipped, problems = rl.load()
    assert not problems, problems
    said = []
    used = {r.check for r in shipped.rules}
    said += [f"检查 {name} 没有规则使用" for name in checks if name not in used]
    said += [f"规则 {r.id} 的检查 {r.check} 不存在" for r in shipped.rules if r.check not in checks]
    said += [f"规则 {r.id} 缺少参数 {p}" for r in shipped.rules if r.check in checks
             for p in checks[r.check].params if p not in dict(r.params)]
    table = {m[1]: (m[2].strip(), m[3].strip()) for m in re.finditer(r"^\| (R\d+) \| ([^|]+) \| ([^|]+) \|", readme, re.M)}
    said += [f"README 未列出规则 {r.id}" for r in shipped.rules if table.get(r.id) != (r.name, r.level)]
    said += [f"README 列出了不存在的规则 {i}" for i in table if i not in {r.id for r in shipped.rules}]
    return said


def test_the_registry_the_rules_file_and_readme_agree():
    assert disagreements(registry.CHECKS, (ROOT / "README.md").read_text(encoding="utf-8")) == []


def test_the_agreement_test_can_fail(monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    monkeypatch.setitem(registry.CHECKS, "新检查", registry.Check("新检查", lambda rule, p, d: (), {}))
    assert disagreements(registry.CHECKS, readme) == ["检查 新检查 没有规则使用"]
    monkeypatch.undo()
    assert disagreements(registry.CHECKS, readme.replace("| R13 | 指标雷同 |", "| R13 | 指标相同 |")) == \
        ["README 未列出规则 R13"]


def test_a_rule_naming_a_check_without_a_function_is_a_mistake_in_the_file(tmp_path):
    text = rl.DEFAULT.read_text(encoding="utf-8").replace("检查: 雷同", "检查: 相似", 1)
    (tmp_path / "规则.yml").write_text(text, encoding="utf-8")
    found, problems = rl.load(tmp_path / "规则.yml", tmp_path)
    line = text.splitlines().index("    检查: 相似") + 1
    assert found is None and [p.line for p in problems if "检查“相似”不是已有的检查" in p.message] == [line]


def test_a_check_is_declared_once():
    import pytest

    with pytest.raises(ValueError):
        registry.check("雷同")(lambda rule, p, d: ())
