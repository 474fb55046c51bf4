"""What a clerk actually types, in a copy of the seed content: each slip gets its exact `文件:行: 字段:` line and
the right exit code; a build with several of them still makes every other project's PDF."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from conftest import (
    ROOT,
    copy_content,
    department_file,
    pdf_pages,
    project_file,
    run_build,
    run_cli,
    squash,
)
from conftest import SEED as SEED_TEXT

DEPT = "2025/018-平罗县司法局"
FOLDER = f"content/{DEPT}"
F01 = "01-2025年全区安置帮教经费.md"
F02 = "02-2025年全区法律援助案件补助经费.md"
F07 = "07-普法宣传教育经费、人民调解“以案定补”等专项经费.md"
F08 = "08-全区人民调解案件补助经费（区级）.md"
AMOUNT, QUALITY_ROW = 8, 20  # lines of F01: 项目年度金额, and the row `|  | 12-质量指标 | … | ≥95% |`
SHAPE = "| 一级指标 | 二级指标 | 三级指标 | 绩效值 |"


def line(name: str, number: int, new: str) -> Callable[[Path], None]:
    def apply(content: Path) -> None:
        path = content / DEPT / name
        lines = path.read_text(encoding="utf-8").split("\n")
        lines[number - 1] = new
        path.write_text("\n".join(lines), encoding="utf-8")
    return apply


def copied_as(number: str, name: str) -> Callable[[Path], None]:
    """A new project made the way content/README.md says, by copying one, but left with a used number."""
    def apply(content: Path) -> None:
        text = (content / DEPT / F08).read_text(encoding="utf-8").replace("全区人民调解案件补助经费（区级）", name)
        (content / DEPT / f"{number}-{name}.md").write_text(text, encoding="utf-8")
    return apply


def renamed(old: str, new: str) -> Callable[[Path], None]:
    return lambda content: (content / DEPT / old).rename(content / DEPT / new)


@dataclass(frozen=True)
class Case:
    name: str
    breaks: Callable[[Path], None]
    says: str  # the whole line, after `content/2025/018-平罗县司法局/`
    exit: int = 1


CASES = [
    Case("three_cells", line(F01, QUALITY_ROW, "|  | 12-质量指标 | 刑满释放人员安置帮教率 |"),
         f"{F01}:20: 绩效指标: 本行有 3 格，应为 4 格：{SHAPE}（空着的格也要用“|”隔开）"),
    Case("first_cell_dropped", line(F01, QUALITY_ROW, "| 12-质量指标 | 刑满释放人员安置帮教率 | ≥95% |"),
         f"{F01}:20: 绩效指标: 本行有 3 格，应为 4 格：{SHAPE}（空着的格也要用“|”隔开）"),
    Case("five_cells", line(F01, QUALITY_ROW, "|  | 12-质量指标 | 刑满释放人员 | 安置帮教率 | ≥95% |"),
         f"{F01}:20: 绩效指标: 本行有 5 格，应为 4 格：{SHAPE}（单元格中的“|”请写作“\\|”）"),
    Case("empty_value_stays_a_warning", line(F01, QUALITY_ROW, "|  | 12-质量指标 | 刑满释放人员安置帮教率 |  |"),
         f"{F01}:20: 绩效值: （警告）是空的", exit=0),
    Case("full_width_digits", line(F01, AMOUNT, "项目年度金额: ２６"),
         f"{F01}:8: 项目年度金额: （警告）“２６”含全角字符，已按 26 读取", exit=0),
    Case("thousands_separator", line(F01, AMOUNT, "项目年度金额: 1,026.5"),
         f"{F01}:8: 项目年度金额: （警告）“1,026.5”含千位分隔符，已按 1026.5 读取", exit=0),
    Case("full_width_separator", line(F01, AMOUNT, "项目年度金额: １，０２６"),
         f"{F01}:8: 项目年度金额: （警告）“１，０２６”含全角字符和千位分隔符，已按 1026 读取", exit=0),
    Case("seven_places", line(F01, AMOUNT, "项目年度金额: 26.0000001"),
         f"{F01}:8: 项目年度金额: “26.0000001”有 7 位小数：单位是万元，最多 6 位小数（即精确到分）"),
    Case("negative", line(F01, AMOUNT, "项目年度金额: -26"), f"{F01}:8: 项目年度金额: “-26”不能为负数"),
    Case("zero", line(F01, AMOUNT, "项目年度金额: 0"), f"{F01}:8: 项目年度金额: （警告）是 0：请核对金额", exit=0),
    Case("separator_in_the_wrong_place", line(F01, AMOUNT, "项目年度金额: 26,5"),
         f"{F01}:8: 项目年度金额: “26,5”不是数字（单位已是万元，只写数字，如 39.05）"),
    Case("full_width_dash", line(F01, QUALITY_ROW, "|  | 12－质量指标 | 刑满释放人员安置帮教率 | ≥95% |"),
         f"{F01}:20: 二级指标: “12－质量指标”不是已知的二级指标：应写作“12-质量指标”（编码、数字和横线用半角，不加空格）"),
    Case("full_width_code_and_space", line(F01, 19, "| １-产出指标 | 11 数量指标 | 对刑满释放人员进行衔接帮教率 | ≥95% |"),
         f"{F01}:19: 一级指标: “１-产出指标”不是已知的一级指标：应写作“1-产出指标”（编码、数字和横线用半角，不加空格）"),
    Case("near_miss", line(F01, QUALITY_ROW, "|  | 12-质量指表 | 刑满释放人员安置帮教率 | ≥95% |"),
         f"{F01}:20: 二级指标: “12-质量指表”不是已知的二级指标：是否应为“12-质量指标”？"),
    Case("level2_in_level1_column", line(F01, QUALITY_ROW, "| 12-质量指标 |  | 刑满释放人员安置帮教率 | ≥95% |"),
         f"{F01}:20: 一级指标: “12-质量指标”不是已知的一级指标：它是二级指标，应写在“二级指标”一栏（这一行是否少写了一格？）"),
    Case("duplicate_number", copied_as("10", "新增项目"),
         "10-新增项目.md:1: 文件名: 序号 10 与“10-政府长聘人员经费.md”重复：序号决定装订册中的顺序，请改名为“11-新增项目.md”"),
    Case("upper_case_extension", renamed(F07, F07[:-3] + ".MD"),
         f"{F07[:-3]}.MD:1: 文件名: 扩展名应为小写的“.md”：请改名为“{F07}”"),
    Case("md_txt", renamed(F07, F07 + ".txt"),
         f"{F07}.txt:1: 文件名: 以“.md.txt”结尾，不会当作项目文件读取（Windows 常把扩展名隐藏）：请改名为“{F07}”"),
    Case("date_left_for_the_clerk", line("部门.yml", 6, "编制日期:"),
         "部门.yml:6: 编制日期: （警告）是空的：请填写实际的编制日期，如 2025-01-20（填写之前，封面上的编制日期留空白）", exit=0),
    Case("unknown_scheme", line("部门.yml", 7, "编制单位: 平罗县司法局\n指标体系: 四 类"),
         "部门.yml:8: 指标体系: “四 类”不是已有的指标体系（schemes/ 中有 三类、四类），是否应为“四类”？"),
]


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> dict[str, tuple[Path, object]]:
    trees = {}
    for case in CASES:
        content = copy_content(tmp_path_factory.mktemp(case.name))
        case.breaks(content)
        trees[case.name] = content
    # in this process, one after another: a check is a few hundredths of a second without a Python to start
    return {name: (trees[name], run_cli("check", "--content", str(trees[name]))) for name in trees}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_slip_is_named_with_file_line_and_field(checked, case):
    _, result = checked[case.name]
    assert f"{FOLDER}/{case.says}" in result.stdout.splitlines(), result.stdout + result.stderr
    assert result.returncode == case.exit, result.stdout + result.stderr


def test_a_build_with_slips_still_makes_every_other_project(tmp_path):
    """Three cells in 01, a `.md.txt` 07, a second 10-: errors, exit 1, no volume; every other table built."""
    content = copy_content(tmp_path)
    for case in ("three_cells", "md_txt", "duplicate_number"):
        next(c for c in CASES if c.name == case).breaks(content)
    out = tmp_path / "dist"
    result = run_build("--content", str(content), "--out", str(out), "--jobs", "2")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "检查：3 个错误" in result.stdout
    made = sorted(p.name for p in (out / DEPT).glob("*.pdf"))
    assert made == sorted(p.name.replace(".md", ".pdf") for p in (content / DEPT).glob("*.md")
                          if not p.name.startswith(("01-", "10-新增")))
    assert len(made) == 8
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert not [f for f in manifest["files"] if f["kind"] == "volume"]


# ---------------------------------------------------------------- import: no invented date, the scheme named

def test_import_without_date_leaves_it_for_the_clerk(tmp_path):
    content = tmp_path / "content"
    result = run_cli("import", str(SEED_TEXT), "--content", str(content))
    assert result.returncode == 0, result.stdout + result.stderr
    written = (content / DEPT / "部门.yml").read_text(encoding="utf-8").split("\n")
    committed = (copy_content(tmp_path / "seed") / DEPT / "部门.yml").read_text(encoding="utf-8").split("\n")
    assert [n for n, (a, b) in enumerate(zip(written, committed, strict=False)) if a != b] == [5]
    assert written[5] == "编制日期:"
    assert (f"编制日期未填写：请在 {content / DEPT / '部门.yml'} 中填写实际的编制日期（或导入时加 --date 2025-01-20）；"
            "填写之前，check 会提醒，封面上留空白") in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1].endswith("，1 个部门的编制日期待填")
    check = run_cli("check", "--content", str(content))
    assert check.returncode == 0, check.stdout
    assert f"{DEPT}/部门.yml:6: 编制日期: （警告）是空的" in check.stdout


def test_the_readme_lists_date_and_scheme_for_import():
    row = next(line for line in (ROOT / "README.md").read_text(encoding="utf-8").split("\n")
               if line.startswith("| `python3 build.py import"))
    assert "[--date 编制日期]" in row and "[--scheme 指标体系]" in row


def pasted(path: Path, dept: str, rows: list[list[str]]) -> tuple[Path, Path]:
    """One table for `import`, named 2025年项目, in a text file; and the content folder to import into."""
    from test_import import form, tsv

    path.write_text(tsv(form("2025年项目", dept, "5", "完成。", rows)), encoding="utf-8")
    return path, path.parent / "content"


def test_a_four_level_paste_imports_with_its_scheme_named(tmp_path):
    paste, content = pasted(tmp_path / "四类.txt", "905-某局", [
        ["1-成本指标", "11-经济成本指标", "场地租金", "≤2万元"],
        ["2-产出指标", "21-数量指标", "培训人次", "≥100人次"],
        ["4-满意度指标", "41-服务对象满意度指标", "满意度", "≥90%"]])
    refused = run_cli("import", str(paste), "--content", str(content), "--date", "2025-01-20")
    assert refused.returncode == 1
    assert "（“1-成本指标”是指标体系“四类”的编码：导入时请加 --scheme 四类）" in refused.stdout
    done = run_cli("import", str(paste), "--content", str(content), "--date", "2025-01-20", "--scheme", "四类")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "指标体系: 四类\n" in (content / "2025" / "905-某局" / "部门.yml").read_text(encoding="utf-8")
    assert "| 1-成本指标 | 11-经济成本指标 | 场地租金 | ≤2万元 |" in (
        content / "2025" / "905-某局" / "01-2025年项目.md").read_text(encoding="utf-8")
    check = run_cli("check", "--content", str(content))
    assert check.returncode == 0 and "检查通过" in check.stdout, check.stdout


def test_import_reads_a_code_typed_with_full_width_characters_and_says_so(tmp_path):
    paste, content = pasted(tmp_path / "全角.txt", "906-某镇", [
        ["1-产出指标", "11-数量指标", "养护里程", "≥10公里"],
        ["", "12－质量指标", "验收合格率", "100%"],
        ["3-满意度指标", "３１-服务对象满意度", "群众满意度", "≥90%"]])
    result = run_cli("import", str(paste), "--content", str(content), "--date", "2025-01-20")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "全角.txt:11: 表1（2025年项目）: 已修复：“12－质量指标”按“12-质量指标”导入" in lines
    assert "全角.txt:12: 表1（2025年项目）: 已修复：“３１-服务对象满意度”按“31-服务对象满意度”导入" in lines
    text = (content / "2025" / "906-某镇" / "01-2025年项目.md").read_text(encoding="utf-8")
    assert "|  | 12-质量指标 | 验收合格率 | 100% |" in text


def test_one_amount_with_more_places_reprints_the_other_tables_on_rebuild(tmp_path):
    """A table's own PDF prints the department's precision, which another file decides: the cache knows."""
    folder = tmp_path / "content" / "2025" / "901-测试局"
    department_file(folder, "901", "测试局")
    rows = [("1-产出指标", "11-数量指标", "培训人次", "≥100人次")]
    project_file(folder, "01-甲项目", "甲项目", "901-测试局", "1.5", rows)
    second = project_file(folder, "02-乙项目", "乙项目", "901-测试局", "2", rows)
    out = tmp_path / "dist"
    shown = []
    for amount in ("2", "2.125"):
        second.write_text(second.read_text(encoding="utf-8").replace("项目年度金额: 2\n", f"项目年度金额: {amount}\n"),
                          encoding="utf-8")
        result = run_build("--content", str(tmp_path / "content"), "--out", str(out), "--jobs", "2")
        assert result.returncode == 0, result.stdout + result.stderr
        shown.append(squash(pdf_pages(out / "2025" / "901-测试局" / "01-甲项目.pdf")[0]))
    assert "项目年度金额1.50" in shown[0] and "项目年度金额1.500" in shown[1]
