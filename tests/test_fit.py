"""A value too wide for its column wraps and prints; only what no width could hold is refused, by `check`,
with its file, line and field: never a negative width, never WeasyPrint's English."""

from dataclasses import replace
from decimal import Decimal

import pytest

from conftest import department_file, long_rows, pdf_pages, project_file, run_build, run_cli, squash

from render.source import load
from render.typeset import columns, geometry

DEPT = "901-测试局"
TERM = "2025年1月1日至2025年12月31日（分期拨付）"
OFFICE = "05-行政教科文室（负责法治宣传、人民调解、社区矫正和安置帮教工作的综合业务科室）"


def _department(tmp_path, **values):
    folder = tmp_path / "content" / "2025" / DEPT
    department_file(folder, "901", "测试局")
    first = project_file(folder, "01-长值", "长值项目", DEPT, "26", long_rows(6))
    text = first.read_text(encoding="utf-8")
    for label, value in values.items():
        text = text.replace(next(line for line in text.splitlines() if line.startswith(label + ":")),
                            f"{label}: {value}")
    first.write_text(text, encoding="utf-8")
    project_file(folder, "02-短值", "短值项目", DEPT, "3.5", long_rows(4))
    return tmp_path / "content"


def _clean(output: str) -> None:
    assert "Ignored" not in output and "mm" not in output, output


def test_a_long_term_and_office_wrap_and_print_in_the_tables_and_the_volume(tmp_path):
    content = _department(tmp_path, 项目期限=TERM, 项目主管处室=OFFICE)
    check = run_cli("check", "--content", str(content))
    assert check.returncode == 0, check.stdout
    assert "（负责法治宣传、人民调解、社区矫正和安置帮教工作的综合业务科室）" not in check.stdout  # quoted short
    out = tmp_path / "dist"
    result = run_build("--content", str(content), "--out", str(out), "--jobs", "1")
    _clean(result.stdout + result.stderr)
    assert result.returncode == 0, result.stdout + result.stderr
    table = squash("".join(pdf_pages(next(out.rglob("01-长值.pdf")))))
    volume = squash("".join(pdf_pages(next(out.rglob("测试局2025年*.pdf")))))
    for text in (table, volume):
        assert squash(TERM) in text and squash(OFFICE) in text


def test_no_column_is_ever_narrower_than_it_may_wrap_to(tmp_path):
    content = _department(tmp_path)
    department = load.load(content, tmp_path)[0].departments[0]
    first, second = department.projects
    for office, term in ((OFFICE * 30, TERM), (OFFICE, TERM * 60), (OFFICE * 30, TERM * 60)):
        d = replace(department, projects=(replace(first, office=office[:2000], term=term[:2000]), second))
        widths = columns.summary_widths(d, ["3", "5"])
        assert min(widths) >= 10 and widths[1] >= columns.NAME_FLOOR - 0.5, widths
        assert round(sum(widths), 1) == geometry.PAGE.type_width
        widths = columns.table_widths(d.projects[0])
        assert min(widths) >= columns.VALUE_FLOOR - 0.5 and round(sum(widths), 1) == geometry.PAGE.type_width


def test_a_figure_no_column_can_hold_is_named_never_laid_out_narrower(tmp_path):
    """Past the digits `check` allows, as a guard: the widths refuse, and check names the amount."""
    content = _department(tmp_path)
    department = load.load(content, tmp_path)[0].departments[0]
    first, second = department.projects
    wide = replace(department, projects=(replace(first, amount=Decimal("9" * 25)), second))
    with pytest.raises(columns.Unfit):
        columns.summary_widths(wide, ["3", "5"])
    (problem,) = columns.problems([wide])
    assert (problem.path.endswith("01-长值.md"), problem.line, problem.field) == (True, 8, "项目年度金额")
    assert "位数过多" in problem.message and "mm" not in problem.message


def test_a_name_taller_than_a_page_of_the_chart_is_refused_by_check(tmp_path):
    content = _department(tmp_path, 项目名称="开展法治宣传进社区活动" * 90)
    check = run_cli("check", "--content", str(content))
    assert check.returncode == 1
    assert "01-长值.md:2: 项目名称: 过长（990 字）：装订册的金额图中一页印不下" in check.stdout
    _clean(check.stdout)


def test_the_widest_column_wraps_first(tmp_path):
    department = load.load(_department(tmp_path, 项目期限=TERM), tmp_path)[0].departments[0]
    number, names, office, term, amount, page = columns.summary_widths(department, ["3", "5"])
    assert office >= columns.cell_width(p.office for p in department.projects) - 0.1  # short: one line
    assert term < columns.cell_width([TERM]) and names >= columns.NAME_FLOOR  # long: wraps
    first = department.projects[0]
    _, left, _, right = columns.table_widths(first)
    assert left >= columns.cell_width([first.department, first.office]) - 0.1 and right < columns.cell_width([TERM])
