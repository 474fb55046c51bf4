"""The editor's form and the file: every seed file read into the form and written back is the same file,
and the form's messages are `check`'s, at the field they name."""

from __future__ import annotations

import json

import pytest

from render.commands.check import check
from render.site import sheet
from render.source import scheme as sch
from render.source.project import project_file
from tests.conftest import CONTENT, DEPT, copy_content

SEED = sorted((CONTENT / DEPT).glob("*.md"))


@pytest.mark.parametrize("path", SEED, ids=[p.stem[:2] for p in SEED])
def test_a_seed_file_comes_back_byte_for_byte_with_the_same_model(path):
    text = path.read_text(encoding="utf-8")
    again = sheet.markdown(sheet.read(path.name, text))
    assert again == text
    models = [project_file(path.name, t, path.stem, "2025", path.parent.name, sch.default(), []) for t in (text, again)]
    assert models[0] == models[1] and models[0] is not None


def test_a_file_not_in_canonical_form_keeps_its_model():
    path = SEED[0]
    text = path.read_text(encoding="utf-8")
    loose = text.replace("|  | 12-质量指标 |", "| 1-产出指标 | 12-质量指标 |").replace("项目期限: 1年", "项目期限:   1年")
    assert loose != text
    again = sheet.markdown(sheet.read(path.name, loose))
    models = [project_file(path.name, t, path.stem, "2025", path.parent.name, sch.default(), []) for t in (loose, again)]
    assert models[0] == models[1] and models[0] is not None
    assert again == text  # and written back in the canonical form


def test_the_forms_messages_are_checks_at_their_fields(tmp_path):
    content = copy_content(tmp_path)
    path = content / DEPT / SEED[1].name
    text = path.read_text(encoding="utf-8").replace("项目年度金额: 35", "项目年度金额: 35万").replace("| ≥600件 |", "|  |")
    path.write_text(text, encoding="utf-8")
    said = []
    check(content, say=lambda line, level=None: said.append(line), as_json=True)
    rel = f"content/{DEPT}/{path.name}"
    expected = {(p["field"], p["message"]) for p in json.loads(said[0])["problems"] if p["path"].endswith(rel)}
    form = sheet.read(rel, text)
    written = sheet.markdown(form)
    found = sheet.at_fields(rel, written, sheet.problems(rel, written, path.stem, "2025", path.parent.name, sch.default()))
    assert {(p["label"], p["message"]) for p in found} == expected and len(expected) == 2
    assert {p["field"] for p in found} == {"项目年度金额", "row-0"}
