"""`build.py check` on broken content: every problem named by file, line and field, the right exit code,
no PDF; and a build in which one project is broken still makes the others."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from conftest import department_file, project_file, run_build, run_cli

DEPT = "901-测试局"
FOLDER = f"content/2025/{DEPT}"
ROWS = [("1-产出指标", "11-数量指标", "培训人次", "≥100人次"),
        ("", "12-质量指标", "培训合格率", "100%"),
        ("3-满意度指标", "31-服务对象满意度", "参训人员满意度", "≥95%")]
# Lines of a file written by conftest.project_file: the front matter, then the table's rows.
NAME, DEPARTMENT, ATTRIBUTE, TERM, OFFICE, AMOUNT, ROW1, ROW3 = 2, 3, 5, 6, 7, 8, 19, 21


def tiny(root: Path) -> Path:
    """One department, two sound projects, a 合计 that adds up."""
    folder = root / FOLDER
    department_file(folder, "901", "测试局", extra="合计: 3.5\n")
    project_file(folder, "01-甲项目", "甲项目", DEPT, "1.5", ROWS)
    project_file(folder, "02-乙项目", "乙项目", DEPT, "2", ROWS)
    return root / "content"


def edit(name: str, line: int, new: str | None = None, insert: str | None = None) -> Callable[[Path], None]:
    """Replace (or delete, new=None) line `line` of a file of the department, or insert a line after it."""
    def apply(content: Path) -> None:
        path = content / "2025" / DEPT / name
        lines = path.read_text(encoding="utf-8").split("\n")
        if insert is not None:
            lines.insert(line, insert)
        elif new is None:
            del lines[line - 1]
        else:
            lines[line - 1] = new
        path.write_text("\n".join(lines), encoding="utf-8")
    return apply


def write(name: str, data: bytes) -> Callable[[Path], None]:
    return lambda content: (content / "2025" / DEPT / name).write_bytes(data)


def link(name: str, target: str) -> Callable[[Path], None]:
    def apply(content: Path) -> None:
        path = content / "2025" / DEPT / name
        path.unlink(missing_ok=True)
        path.symlink_to(target)
    return apply


def third_project(office: str) -> Callable[[Path], None]:
    """A third project whose 处室 is spelled differently from the other two (and the 合计 that adds up)."""
    def apply(content: Path) -> None:
        folder = content / "2025" / DEPT
        project_file(folder, "03-丙项目", "丙项目", DEPT, "1", ROWS)
        edit("03-丙项目.md", OFFICE, f"项目主管处室: {office}")(content)
        edit("部门.yml", 5, "合计: 4.5")(content)
    return apply


def gbk_project(content: Path) -> None:
    text = (content / "2025" / DEPT / "01-甲项目.md").read_text(encoding="utf-8").replace("甲项目", "丙项目")
    (content / "2025" / DEPT / "03-丙项目.md").write_bytes(text.encode("gbk"))
    edit("部门.yml", 5, "合计: 5")(content)


def rename(old: str, new: str) -> Callable[[Path], None]:
    return lambda content: (content / "2025" / DEPT / old).rename(content / "2025" / DEPT / new)


def no_projects(content: Path) -> None:
    for path in (content / "2025" / DEPT).glob("*.md"):
        path.unlink()
    edit("部门.yml", 5)(content)  # no 合计: nothing to add up


def many(content: Path) -> None:
    edit("01-甲项目.md", AMOUNT, "项目年度金额: 十二万")(content)
    edit("01-甲项目.md", ATTRIBUTE, "项目类别: 一般")(content)
    edit("02-乙项目.md", DEPARTMENT, "主管部门: 902-别的局")(content)
    edit("02-乙项目.md", ROW3, "| 3-满意度指标 | 32-服务对象满意度 | 参训人员满意度 | ≥95% |")(content)
    edit("部门.yml", 5, "合计: 9")(content)


@dataclass(frozen=True)
class Case:
    name: str
    breaks: Callable[[Path], None]
    where: str  # file in the department folder, and line: "01-甲项目.md:2"; "": the folder itself
    field: str
    says: str
    exit: int = 1
    strict: bool = False


CASES = [
    Case("yaml_colon_on_line_2", edit("01-甲项目.md", NAME, "项目名称: 甲项目: 第二期"),
         "01-甲项目.md:2", "文件开头的表头", "格式有误：此处不能出现冒号"),
    # YAML itself notices the missing colon on the next line; the clerk must be sent to line 2.
    Case("yaml_no_colon_on_line_2", edit("01-甲项目.md", NAME, "项目名称 甲项目"),
         "01-甲项目.md:2", "文件开头的表头", "缺少冒号"),
    Case("yaml_full_width_colon", edit("01-甲项目.md", NAME, "项目名称：甲项目"),
         "01-甲项目.md:2", "项目名称", "不是中文冒号"),
    Case("yaml_open_quote_on_line_2", edit("01-甲项目.md", NAME, '项目名称: "甲项目'),
         "01-甲项目.md:2", "文件开头的表头", "引号没有配对"),
    Case("yaml_error_in_department_file", edit("部门.yml", 2, '部门编码: "901'),
         "部门.yml:2", "部门信息", "引号没有配对"),
    Case("anchor_would_drop_text", edit("01-甲项目.md", NAME, "项目名称: &a 甲项目"),
         "01-甲项目.md:2", "项目名称", "须用双引号括起"),
    Case("gbk_is_read", gbk_project, "03-丙项目.md:1", "文件", "（警告）不是 UTF-8 编码，已按 GBK（GB18030）读取", exit=0),
    Case("empty_file", write("03-空项目.md", b""), "03-空项目.md:1", "文件", "文件是空的"),
    Case("blank_file", write("03-空项目.md", b" \n\n"), "03-空项目.md:1", "文件", "文件是空的"),
    Case("symlink_out_of_content", link("03-链接.md", "/etc/passwd"),
         "03-链接.md:1", "文件", "指向内容文件夹以外的链接，已拒绝读取"),
    Case("department_file_links_out", link("部门.yml", "/etc/passwd"),
         "部门.yml:1", "文件", "指向内容文件夹以外的链接，已拒绝读取"),
    Case("dangling_link", link("03-失效.md", "nowhere.md"), "03-失效.md:1", "文件", "失效的链接"),
    Case("total_does_not_add_up", edit("部门.yml", 5, "合计: 4"),
         "部门.yml:5", "合计", "写明的合计 4 万元与各项目年度金额之和 3.5 万元不符"),
    Case("total_not_a_number", edit("部门.yml", 5, "合计: 三百"), "部门.yml:5", "合计", "不是数字"),
    Case("department_file_missing_key", edit("部门.yml", 4),
         "部门.yml:1", "编制日期", "缺少这一栏"),
    Case("duplicate_project_name", edit("02-乙项目.md", NAME, "项目名称: 甲项目"),
         "02-乙项目.md:2", "项目名称", "的项目名称重复"),
    Case("department_differs_from_folder", edit("02-乙项目.md", DEPARTMENT, "主管部门: 902-别的局"),
         "02-乙项目.md:3", "主管部门", "“902-别的局”与所在部门文件夹“901-测试局”不一致"),
    Case("unknown_level2", edit("01-甲项目.md", ROW1, "| 1-产出指标 | 15-数量指标 | 培训人次 | ≥100人次 |"),
         "01-甲项目.md:19", "二级指标", "“15-数量指标”不是已知的二级指标"),
    Case("level2_of_another_level1", edit("01-甲项目.md", ROW1, "| 1-产出指标 | 21-经济效益 | 培训人次 | ≥100人次 |"),
         "01-甲项目.md:19", "二级指标", "不属于一级指标“1-产出指标”"),
    Case("unknown_level1", edit("01-甲项目.md", ROW1, "| 4-产出指标 | 11-数量指标 | 培训人次 | ≥100人次 |"),
         "01-甲项目.md:19", "一级指标", "“4-产出指标”不是已知的一级指标"),
    Case("amount_not_a_number", edit("01-甲项目.md", AMOUNT, "项目年度金额: abc"),
         "01-甲项目.md:8", "项目年度金额", "“abc”不是数字"),
    Case("amount_negative", edit("01-甲项目.md", AMOUNT, "项目年度金额: -5"),
         "01-甲项目.md:8", "项目年度金额", "“-5”不能为负数"),
    Case("amount_a_list", edit("01-甲项目.md", AMOUNT, "项目年度金额: [1, 2]"),
         "01-甲项目.md:8", "项目年度金额", "应为一段文字"),
    Case("duplicate_key", edit("01-甲项目.md", TERM, insert="项目期限: 2年"),
         "01-甲项目.md:7", "项目期限", "重复出现（第 6 行已有）"),
    Case("unknown_key", edit("01-甲项目.md", ATTRIBUTE, "项目类别: 一般"),
         "01-甲项目.md:5", "项目类别", "不认识的栏目名"),
    Case("missing_key", edit("01-甲项目.md", TERM), "01-甲项目.md:1", "项目期限", "缺少这一栏"),
    Case("empty_project_name", edit("01-甲项目.md", NAME, "项目名称:"), "01-甲项目.md:2", "项目名称", "不能为空"),
    Case("empty_value_is_a_warning", edit("01-甲项目.md", ROW3, "| 3-满意度指标 | 31-服务对象满意度 | 参训人员满意度 |  |"),
         "01-甲项目.md:21", "绩效值", "（警告）是空的", exit=0),
    Case("empty_value_fails_strict", edit("01-甲项目.md", ROW3, "| 3-满意度指标 | 31-服务对象满意度 | 参训人员满意度 |  |"),
         "01-甲项目.md:21", "绩效值", "（警告）是空的", strict=True),
    Case("empty_indicator_is_a_warning", edit("01-甲项目.md", ROW3, "| 3-满意度指标 | 31-服务对象满意度 |  | ≥95% |"),
         "01-甲项目.md:21", "三级指标", "（警告）是空的", exit=0),
    Case("unnumbered_file_name", rename("02-乙项目.md", "乙项目.md"), "乙项目.md:1", "文件名", "应以两位序号开头",
         exit=0),
    Case("department_without_projects", no_projects, "", "部门文件夹", "（警告）没有项目文件", exit=0),
    Case("one_code_two_names", third_project("05-行政教科室"),
         "03-丙项目.md:7", "项目主管处室", "“05-行政教科室”与本部门其他 2 个项目的“05-行政教科文室”编码相同而名称不同",
         exit=0),
]


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> dict[str, tuple[Path, object]]:
    """Every case's tree, checked by its own `build.py check` run; the runs overlap to keep this quick."""
    trees = {}
    for case in CASES:
        content = tiny(tmp_path_factory.mktemp(case.name))
        case.breaks(content)
        trees[case.name] = content
    trees["sound"] = tiny(tmp_path_factory.mktemp("sound"))
    trees["many"] = tiny(tmp_path_factory.mktemp("many"))
    many(trees["many"])

    def run(name: str):
        strict = ("--strict",) if any(c.strict for c in CASES if c.name == name) else ()
        return run_cli("check", "--content", str(trees[name]), *strict)

    # in this process, one after another: a check is a few hundredths of a second without a Python to start
    return {name: (trees[name], run(name)) for name in trees}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_check_names_file_line_and_field(checked, case):
    content, result = checked[case.name]
    prefix = f"{FOLDER}/{case.where}: {case.field}: " if case.where else f"{FOLDER}: {case.field}: "
    lines = result.stdout.splitlines()
    hits = [line for line in lines if line.startswith(prefix)]
    assert hits, f"no line starts with {prefix!r}:\n{result.stdout}{result.stderr}"
    assert any(case.says in line for line in hits), hits
    assert result.returncode == case.exit, result.stdout + result.stderr
    assert "root:" not in result.stdout  # a link out of the content folder is reported, never read
    assert not list(content.parent.rglob("*.pdf"))


def test_sound_content_passes(checked):
    _, result = checked["sound"]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "检查通过：1 个部门，2 个项目，没有发现问题" in result.stdout


def test_every_problem_is_reported_at_once(checked):
    _, result = checked["many"]
    assert result.returncode == 1
    for where, field in (("01-甲项目.md:8", "项目年度金额"), ("01-甲项目.md:5", "项目类别"),
                         ("02-乙项目.md:3", "主管部门"), ("02-乙项目.md:21", "二级指标")):
        assert f"{FOLDER}/{where}: {field}: " in result.stdout, (where, result.stdout)
    # with two projects broken the sum is unknown: a 合计 mismatch would only mislead
    assert "合计" not in result.stdout
    assert "检查：4 个错误，0 个警告" in result.stdout


def test_a_wrong_total_is_checked_when_every_project_loads(checked):
    _, result = checked["total_does_not_add_up"]
    problems = [line for line in result.stdout.splitlines() if line.startswith("content/")]
    assert len(problems) == 1, problems


def test_one_broken_project_leaves_the_others_built(tmp_path):
    """A build with one broken project: the error said, the other PDFs written, no PDF for it, no volume
    for its department; the sound department still gets its volume."""
    content = tiny(tmp_path)
    edit("02-乙项目.md", AMOUNT, "项目年度金额: abc")(content)
    other = content / "2025" / "902-乙局"
    department_file(other, "902", "乙局")
    project_file(other, "01-乙局项目", "乙局项目", "902-乙局", "3", ROWS)
    out = tmp_path / "dist"
    result = run_build("--content", str(content), "--out", str(out), "--jobs", "2")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{FOLDER}/02-乙项目.md:8: 项目年度金额: “abc”不是数字" in result.stdout
    made = sorted(p.relative_to(out).as_posix() for p in out.glob("2025/*/*.pdf"))
    assert made == [f"2025/{DEPT}/01-甲项目.pdf", "2025/902-乙局/01-乙局项目.pdf",
                    "2025/902-乙局/乙局2025年部门项目支出预算绩效目标表.pdf"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(f["path"] for f in manifest["files"] if f["path"].endswith(".pdf")) == made


def test_an_optional_field_may_be_left_out_and_prints_empty(tmp_path):
    """项目属性 is optional in the field table (fields.PROJECT): a file without its line is sound, and the form
    still prints the label with an empty cell."""
    from render.source import load
    from render.typeset import markup

    content = tiny(tmp_path)
    edit("01-甲项目.md", ATTRIBUTE)(content)
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 0 and "项目属性" not in result.stdout, result.stdout
    model, _ = load.load(content, tmp_path)
    project = next(p for p in model.projects if p.stem == "01-甲项目")
    assert project.attribute == "" and "项目属性" in markup.project_html(markup.environment(), project)
