"""Every YAML file goes through one loader (render/source/schema.py) that keeps each key's line; its problems
are said as `file:line: field: message`, and a file is read the same way wherever it is read."""

from __future__ import annotations

import re

from conftest import ROOT

from render.commands.importing import scheme_named
from render.review import feedback, reviewer
from render.source import fields, schema

SCHEMA = ROOT / "render" / "source" / "schema.py"


def test_no_module_but_the_schema_calls_a_yaml_loader():
    """A second loader is a second set of rules (pure or libyaml, lines or none, objects or text)."""
    others = [p.relative_to(ROOT).as_posix() for p in sorted((ROOT / "render").rglob("*.py"))
              if p != SCHEMA and re.search(r"yaml\.(compose|safe_load|load|full_load|unsafe_load)\(",
                                           p.read_text(encoding="utf-8"))]
    assert others == []


def test_import_reads_the_scheme_of_a_department_file_as_check_reads_it(tmp_path):
    """`指标体系：四类` with a full-width colon: check reads it (and says so); import read the default."""
    department = tmp_path / fields.DEPARTMENT_FILE
    department.write_text("部门名称: 测试局\n指标体系：四类\n", encoding="utf-8")
    assert scheme_named(department) == "四类"
    department.write_text("部门名称: 测试局\n", encoding="utf-8")
    assert scheme_named(department) == "三类"


def test_a_feedback_answer_without_its_four_texts_is_named_at_its_line(tmp_path):
    (tmp_path / fields.FEEDBACK_FILE).write_text(
        "- 文件: 01-项目.md\n  规则: R01\n  意见: 甲\n  反馈: 已改\n- 文件: 02-项目.md\n  规则: R02\n", encoding="utf-8")
    answers, problems = feedback.load(tmp_path, tmp_path)
    assert answers == {}
    assert [str(p) for p in problems] == ["反馈.yml:5: 部门反馈: 第 2 条应有 文件、规则、意见、反馈 四项文字"]
    (tmp_path / fields.FEEDBACK_FILE).write_text(feedback.text({("01-项目.md", "R01", "123"): "是"}), encoding="utf-8")
    assert feedback.load(tmp_path, tmp_path) == ({("01-项目.md", "R01", "123"): "是"}, [])


def test_a_declared_field_s_kind_and_requirement_come_from_its_field():
    """审核.yml's six fields, all optional, two of them dates: declared once in fields.REVIEW."""
    assert reviewer.NAMES == ("审核单位", "收文单位", "审核人", "复核人") and reviewer.DATES == ("审核日期", "整改期限")
    problems = []
    entries = [schema.Entry("部门名称", "甲", 1), schema.Entry("部门名称", "乙", 2), schema.Entry("别的", "丙", 3)]
    values, lines = schema.usable("部门.yml", entries, fields.DEPARTMENT_FILE_FIELDS, problems)
    assert values == {"部门名称": "甲"} and lines == {"部门名称": 1}
    said = [str(p) for p in problems]
    assert said[:2] == ["部门.yml:2: 部门名称: 重复出现（第 1 行已有）",
                        f"部门.yml:3: 别的: 不认识的栏目名；可用的有：{'、'.join(schema.labels(fields.DEPARTMENT_FILE_FIELDS))}"]
    assert said[2:] == [f"部门.yml:1: {f.label}: 缺少这一栏" for f in fields.DEPARTMENT if f.required and f.label != "部门名称"]


def test_a_rule_s_declared_fields_are_said_missing_blank_or_unknown_in_its_own_words(tmp_path):
    from render.review import rules as rl

    shipped = rl.DEFAULT.read_text(encoding="utf-8")
    first = re.search(r"^  (R\d+):\n((?:    .*\n)+)", shipped, re.M)
    body = re.sub(r"^    名称: .*\n", "", first.group(2), flags=re.M)
    body = re.sub(r"^    建议: .*\n", "    建议: \"\"\n", body, flags=re.M) + "    出处: 甲\n"
    path = tmp_path / "规则.yml"
    path.write_text(shipped.replace(first.group(2), body, 1), encoding="utf-8")
    rules, problems = rl.load(path, tmp_path)
    rule = first.group(1)
    said = [p.message for p in problems if p.message.startswith(f"规则 {rule}：")]
    assert rules is None and len(said) == 3
    assert f"规则 {rule}：缺少“名称”" in said and f"规则 {rule}：“建议”应为一段文字" in said
    assert any(m.startswith(f"规则 {rule}：不认识的键“出处”；可用的有：{'、'.join(rl.COMMON)}") for m in said)
