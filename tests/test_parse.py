"""The committed content parses into the seed's tree, and the seed's quirks are kept, not fixed."""

from decimal import Decimal

from conftest import CONTENT, DATA, seed_tables

from render.source import load, scheme


def content():
    model, problems = load.load(CONTENT, DATA)
    assert not [p for p in problems if p.severity == "error"], problems
    return model, problems


def test_ten_projects_in_seed_order_with_the_seed_total():
    model, _ = content()
    (dept,) = model.departments
    assert (dept.year, dept.code, dept.name) == ("2025", "018", "平罗县司法局")
    names = [t[t.index("项目名称") + 1] for t in seed_tables()]
    assert [p.name for p in dept.projects] == names
    assert dept.total == Decimal("320.43")
    assert [str(p.amount) for p in dept.projects] == ["26", "35", "6", "34", "39.05", "60", "18", "12", "8", "82.38"]


def test_every_indicator_row_of_the_seed_is_in_the_tree():
    model, _ = content()
    for project, cells in zip(model.projects, seed_tables(), strict=True):
        start = cells.index("绩效值") + 1
        texts = [c for c in cells[start:] if c not in scheme.default().level1 + scheme.default().level2]
        tree = [x for l1 in project.levels for l2 in l1.groups for i in l2.indicators for x in (i.name, i.value) if x]
        assert tree == texts, project.name
        assert [l1.label for l1 in project.levels] == list(scheme.default().level1)


def test_quirks_are_kept():
    model, problems = content()
    p = {p.stem[:2]: p for p in model.projects}
    cost = p["01"].levels[0].groups[3]
    assert cost.label == "14-成本指标"
    assert [(i.name, i.value) for i in cost.indicators][0] == ("安置帮教宣传教育", "260元/人/年")
    benefit = p["09"].levels[1]
    assert [g.label for g in benefit.groups] == ["21-经济效益", "22-社会效益", "23-生态效益", "24-可持续影响"]
    assert benefit.groups[0].indicators[0].value == ""  # the source has no 绩效值 there
    eco = p["10"].levels[1].groups[2]
    assert (eco.label, eco.indicators[0].name, eco.indicators[0].value) == ("23-生态效益", "", "")
    assert p["01"].office == "05-行政教科室" and p["02"].office == "05-行政教科文室"
    assert "发招" in p["10"].levels[1].groups[3].indicators[0].name
    warned = {(q.path.split("/")[-1][:2], q.field) for q in problems if q.severity == "warning"}
    assert ("01", "项目主管处室") in warned and ("10", "三级指标") in warned


def test_fields_know_their_lines():
    model, _ = content()
    p = model.projects[0]
    lines = (DATA / p.source).read_text(encoding="utf-8").split("\n")
    assert lines[p.lines["项目年度金额"] - 1] == "项目年度金额: 26"
    first = p.levels[0].groups[0].indicators[0]
    assert first.name in lines[first.line - 1]
