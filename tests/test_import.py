"""`build.py import`: the seed gives the committed content byte for byte; a workbook and a hostile paste of
an unseen department import, build, and print every cell literally in their own project's PDF."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import fontcheck
import pytest
import readers
from conftest import (
    CONTENT,
    SEED,
    copy_content,
    long_rows,
    pdf_pages,
    run_build,
    run_cli,
    squash,
)

from render.source import fields, scheme
from render.typeset import fonts

SEED_DEPT = "2025/018-平罗县司法局"


def import_(*args: str):
    return run_cli("import", *args, "--date", "2025-01-20")


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_seed_imports_to_the_committed_content_byte_for_byte(tmp_path):
    result = import_(str(SEED), "--content", str(tmp_path / "content"))
    assert result.returncode == 0, result.stdout + result.stderr
    committed = files(CONTENT)
    assert files(tmp_path / "content") == committed
    assert "导入：写出 11 个文件，保留 0 个已有文件，0 个错误" in result.stdout


def test_the_seed_import_reports_each_repair_with_file_and_row(tmp_path):
    out = import_(str(SEED), "--content", str(tmp_path / "content")).stdout
    lines = out.splitlines()

    def repaired(row: int, table: int, name: str) -> str:
        prefix = f"seed.txt:{row}: 表{table}（{name}）: 已修复："
        found = [line for line in lines if line.startswith(prefix)]
        assert len(found) == 1, (prefix, out)
        return found[0]

    # table 1: the 14-成本指标 rows carry an extra empty cell before their 绩效值
    for row, value in ((16, "260元/人/年"), (17, "300元/人/年"), (18, "200-1000元/人"), (19, "400-3000元/人")):
        assert f"绩效值“{value}”" in repaired(row, 1, "2025年全区安置帮教经费")
    # table 9: the 效益指标 block sits one column right, then its 二级 codes stand in the first column
    name9 = "依法行政和行政复议、法治政府建设工作及行政执法人员培训经费8万元"
    assert "一级指标“2-效益指标”，二级指标“21-经济效益”" in repaired(202, 9, name9)
    for row, code in ((203, "22-社会效益"), (205, "23-生态效益"), (206, "24-可持续影响")):
        assert f"二级指标“{code}”" in repaired(row, 9, name9)
    assert "表中未写年份" in repaired(103, 5, "基层服务专项计划县配经费（司法协理员）")
    assert len([line for line in lines if "已修复" in line]) == 9


def test_existing_files_are_kept_unless_forced(tmp_path):
    content = copy_content(tmp_path)
    project = next((content / SEED_DEPT).glob("01-*.md"))
    department = content / SEED_DEPT / "部门.yml"
    project.write_text(project.read_text(encoding="utf-8") + "\n<!-- 已手工修改 -->\n", encoding="utf-8")
    department.write_text(department.read_text(encoding="utf-8").replace("2025-01-20", "2025-03-01"), encoding="utf-8")
    edited = files(content)

    kept = import_(str(SEED), "--content", str(content))
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert files(content) == edited
    assert "写出：" not in kept.stdout
    for path in sorted((content / SEED_DEPT).glob("*.md")):
        assert f"已存在，未覆盖（加 --force 覆盖）：{path}" in kept.stdout
    assert f"已有部门信息文件，未改动：{department}" in kept.stdout
    assert "导入：写出 0 个文件，保留 10 个已有文件" in kept.stdout

    forced = import_(str(SEED), "--content", str(content), "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert project.read_bytes() == (CONTENT / project.relative_to(content)).read_bytes()
    assert f"写出：{project}" in forced.stdout
    assert "2025-03-01" in department.read_text(encoding="utf-8")  # the clerk's 编制日期 survives --force
    assert "导入：写出 10 个文件，保留 0 个已有文件" in forced.stdout
    assert sorted(p.name for p in (content / SEED_DEPT).iterdir()) == sorted(
        p.name for p in (CONTENT / SEED_DEPT).iterdir())


def test_a_table_without_a_year_needs_year(tmp_path):
    table = TITLE_ROWS + [["项目名称", "村级道路养护"], ["主管部门", "904-某镇人民政府", "实施单位", "904001-某镇本级"],
                          ["项目属性", "", "项目期限", "1年"], ["项目主管处室", "01-综合办", "项目年度金额", "8"],
                          ["年度总体绩效目标", "完成养护"], list(fields.INDICATOR_HEADS),
                          ["1-产出指标", "11-数量指标", "养护里程", "≥10公里"]]
    paste = tmp_path / "无年份.txt"
    paste.write_text(tsv(table), encoding="utf-8")
    content = tmp_path / "content"

    refused = import_(str(paste), "--content", str(content))
    assert refused.returncode == 1
    assert "无年份.txt:4: 表1（村级道路养护）: 错误：表中没有写明年份，无法判断年度：请用 --year 指定" in refused.stdout
    assert not content.exists() or not any(content.rglob("*.md"))

    done = import_(str(paste), "--content", str(content), "--year", "2027")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (content / "2027" / "904-某镇人民政府" / "01-村级道路养护.md").is_file()
    assert "年度: 2027" in (content / "2027" / "904-某镇人民政府" / "部门.yml").read_text(encoding="utf-8")


# ---------------------------------------------------------------- a workbook and a hostile paste, built

TITLE_ROWS = [["部门项目支出预算绩效目标表"], [], ["单位：万元"]]


def tsv(rows: list[list[str]]) -> str:
    return "\n".join("\t".join(r) for r in rows) + "\n"


def form(name: str, dept: str, amount, goal: str, indicators: list[list], **given) -> list[list]:
    """A table laid out as the budget system prints it: header pairs, then the indicator rows."""
    f = {"实施单位": f"{dept.split('-')[0]}001-本级", "项目属性": "", "项目期限": "1年", "项目主管处室": "01-综合办", **given}
    return TITLE_ROWS + [
        ["项目名称", name, "", ""],
        ["主管部门", dept, "实施单位", f["实施单位"]],
        ["项目属性", f["项目属性"], "项目期限", f["项目期限"]],
        ["项目主管处室", f["项目主管处室"], "项目年度金额", amount],
        ["年度总体绩效目标", goal, "", ""],
        list(fields.INDICATOR_HEADS),
    ] + indicators


XLSX_DEPT = "902-测试二局"
XLSX_TABLES = {  # sheet -> tables on it
    "第一页": [
        form("2026年测试二局培训经费", XLSX_DEPT, 12.5, "2026年完成全员培训。", [
            ["1-产出指标", "11-数量指标", "培训人数", 120],
            ["", "12-质量指标", "合格率", (0.95, "0%")],
            ["", "14-成本指标", "人均培训费", 1041.5],
            ["3-满意度指标", "31-服务对象满意度", "学员满意度", "≥90%"]]),
        form("2026年测试二局宣传经费", XLSX_DEPT, 3, "2026年开展宣传。", [
            ["1-产出指标", "13-时效指标", "完成时间", dt.datetime(2026, 12, 31)],
            ["2-效益指标", "22-社会效益", "知晓率提高", "明显"]], 项目期限=dt.datetime(2026, 12, 31)),
    ],
    "第二页": [
        form("2026年测试二局设备购置", XLSX_DEPT, 7.25, "2026年购置设备。", [
            ["1-产出指标", "11-数量指标", "购置台数", 4],
            ["", "14-成本指标", "单价", (0.8, "0.0")]]),
    ],
}
# How each cell must print: as Excel shows it.
XLSX_SHOWN = {12.5: "12.5", 3: "3", 7.25: "7.25", 120: "120", (0.95, "0%"): "95%", 1041.5: "1041.5", 4: "4",
              (0.8, "0.0"): "0.8", dt.datetime(2026, 12, 31): "2026-12-31"}


def shown(cell) -> str:
    try:
        return XLSX_SHOWN.get(cell, str(cell))
    except TypeError:
        return str(cell)


def workbook(path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, tables in XLSX_TABLES.items():
        sheet = book.create_sheet(title)
        row = 1
        for table in tables:
            for cells in table + [[]]:
                for col, cell in enumerate(cells, 1):
                    value, fmt = cell if isinstance(cell, tuple) else (cell, None)
                    target = sheet.cell(row=row, column=col, value=value if value != "" else None)
                    if fmt:
                        target.number_format = fmt
                row += 1
    book.save(path)


HOSTILE_DEPT = "903-红柳沟乡人民政府"
# 䶮喆堃镕 and 㐀 are outside GB 2312: they come from the full face, in tables and in the volume
ODD = "①②③℃㎡——……·〔2025〕≤≥×÷Ⅱαµ％＜＞《》「」〇㐀é™§№✓★䶮喆堃镕"
HOSTILE = ["{{ 7*7 }}", "<script>alert(1)</script>", "*x*", "a|b", "[a](http://example.com)",
           "![x](file:///etc/passwd)", "#不是标题", '"引号开头', ": 冒号开头", "- 横线开头", "no", "2025-01-01",
           "{% raw %}x{% endraw %}", "&amp; &lt;b&gt;", "\\# 反斜杠", "`代码`", "~~~", "| 竖线开头", "[b]: http://example.com"]


def hostile_tables() -> list[list[list[str]]]:
    long = [list(r) for r in long_rows(42)]
    for k, text in enumerate(HOSTILE):  # every odd text as a 三级指标 and as a 绩效值, inside a long table
        long[k][2] = f"{text}"
        long[k][3] = f"{HOSTILE[-1 - k]}"
    first = form("“以案定补”{{x}}", HOSTILE_DEPT, "12.5", "- 横线开头的目标：2025年完成{{ 7*7 }}项，见![x](file:///etc/passwd)",
                 long, 实施单位="<script>alert(1)</script>", 项目属性="no", 项目期限="2025-01-01",
                 项目主管处室="# 井号开头的处室")
    quirks = form('"引号开头的项目', HOSTILE_DEPT, "3", "#井号开头的目标" + ODD, [
        ["1-产出指标", "11-数量指标", "奇字" + ODD, "≥95％"],
        ["", "14-成本指标", "成本一", "", "260元/人/年"],  # an extra empty cell shifts the value right
        ["", "", "成本二", "", "300元/人/年"],
        ["", "2-效益指标", "21-经济效益", "整块右移一格", "有效"],  # the block's codes sit one column right
        ["", "", "", "右移的续行", "持续"],
        ["22-社会效益", "", "二级编码在第一列", "明显改善"],  # a 二级 code in the 一级 column
        ["3-满意度指标", "31-服务对象满意度", "群众满意度", "≥95%"],
    ], 实施单位=": 冒号开头的单位", 项目属性="- 横线开头", 项目期限="{{ 7*7 }}", 项目主管处室="a|b")
    third = form("[a](http://example.com) 2025年项目", HOSTILE_DEPT, "0.5", "`反引号开头`的目标", [
        ["1-产出指标", "11-数量指标", "*x*", "a|b"],
        ["3-满意度指标", "31-服务对象满意度", "满意度", "no"]], 项目期限="no", 项目主管处室="2025-01-01")
    return [first, quirks, third]


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The workbook and the hostile paste imported into one content folder and built once."""
    root = tmp_path_factory.mktemp("imported")
    content, out = root / "content", root / "dist"
    book = root / "测试二局.xlsx"
    workbook(book)
    paste = root / "红柳沟乡.txt"
    paste.write_text("".join(tsv(t) + "\n" for t in hostile_tables()), encoding="utf-8")
    results = {"xlsx": import_(str(book), "--content", str(content)),
               "paste": import_(str(paste), "--content", str(content))}
    results["build"] = run_build("--content", str(content), "--out", str(out), "--jobs", "2")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8")) if (out / "manifest.json").exists() else {}
    return content, out, results, manifest


def project_pdf_text(out: Path, manifest: dict, name: str) -> tuple[str, dict]:
    entry = next(f for f in manifest["files"] if f["kind"] == "project" and f["title"] == name)
    return "".join(pdf_pages(out / entry["path"])), entry


def test_a_workbook_imports_into_its_year_and_department(imported):
    content, _, results, _ = imported
    result = results["xlsx"]
    assert result.returncode == 0, result.stdout + result.stderr
    folder = content / "2026" / XLSX_DEPT
    assert sorted(p.name for p in folder.iterdir()) == [
        "01-2026年测试二局培训经费.md", "02-2026年测试二局宣传经费.md", "03-2026年测试二局设备购置.md", "部门.yml"]
    first = (folder / "01-2026年测试二局培训经费.md").read_text(encoding="utf-8")
    assert "项目年度金额: 12.5\n" in first and "| 合格率 | 95% |" in first and "| 1041.5 |" in first
    assert "项目期限: 2026-12-31\n" in (folder / "02-2026年测试二局宣传经费.md").read_text(encoding="utf-8")
    assert "：错误：" not in result.stdout and "0 个错误" in result.stdout and "年度: 2026" in (folder / "部门.yml").read_text(encoding="utf-8")


def test_every_workbook_cell_is_in_its_projects_pdf(imported):
    _, out, results, manifest = imported
    assert results["build"].returncode == 0, results["build"].stdout + results["build"].stderr
    for tables in XLSX_TABLES.values():
        for table in tables:
            name = table[3][1]
            text, entry = project_pdf_text(out, manifest, name)
            assert entry["path"].startswith(f"2026/{XLSX_DEPT}/")
            for cell in (c for row in table for c in row if c != ""):
                assert squash(shown(cell)) in squash(text), (name, cell)


def test_odd_characters_are_ones_the_font_can_print():
    drawable = fonts.coverage()
    assert drawable and all(ord(ch) in drawable for ch in ODD)


def test_a_hostile_paste_imports_its_quirks_placed_by_their_codes(imported):
    content, _, results, _ = imported
    result = results["paste"]
    assert result.returncode == 0, result.stdout + result.stderr
    folder = content / "2025" / HOSTILE_DEPT
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["01-“以案定补”{{x}}.md", "02-_引号开头的项目.md", "03-[a](http___example.com) 2025年项目.md", "部门.yml"]
    quirks = (folder / "02-_引号开头的项目.md").read_text(encoding="utf-8")
    for row in ("|  | 14-成本指标 | 成本一 | 260元/人/年 |", "|  |  | 成本二 | 300元/人/年 |",
                "| 2-效益指标 | 21-经济效益 | 整块右移一格 | 有效 |", "|  |  | 右移的续行 | 持续 |",
                "|  | 22-社会效益 | 二级编码在第一列 | 明显改善 |"):
        assert row in quirks
    assert len([line for line in result.stdout.splitlines() if "已修复：错位的行" in line]) == 5
    check = run_cli("check", "--content", str(content))
    assert check.returncode == 0, check.stdout


def test_every_hostile_cell_prints_literally_in_its_projects_pdf(imported):
    _, out, results, manifest = imported
    build = results["build"]
    assert build.returncode == 0, build.stdout + build.stderr
    assert "拒绝" not in build.stdout + build.stderr  # no fetch was attempted, so none refused
    for table in hostile_tables():
        name = table[3][1]
        text, entry = project_pdf_text(out, manifest, name)
        flat = squash(text)
        assert entry["path"].startswith(f"2025/{HOSTILE_DEPT}/")
        # the table's only source is its own file: nothing else was read into it
        (source,) = entry["sources"]
        assert source.startswith(f"content/2025/{HOSTILE_DEPT}/") and source.endswith(".md")
        for cell in (c for row in table for c in row if c):
            assert squash(cell) in flat, (name, cell)
        assert "root:" not in text and "alert(1)" not in flat.replace("<script>alert(1)</script>", "")
    text, _ = project_pdf_text(out, manifest, "“以案定补”{{x}}")
    assert squash("{{ 7*7 }}") in squash(text) and "49" not in text


@pytest.mark.slow
def test_every_imported_pdf_draws_alike_in_every_reader_with_sound_fonts(imported):
    """Rare characters (the full face), hostile text and a table over several pages, in tables and volumes."""
    _, out, results, manifest = imported
    assert results["build"].returncode == 0, results["build"].stdout + results["build"].stderr
    pdfs = [out / f["path"] for f in manifest["files"]]
    assert len(pdfs) == 8 and any(f["pages"] > 2 for f in manifest["files"] if f["kind"] == "project")
    assert any(n.endswith("+Noto-Serif-CJK-SC") for p in pdfs
               for n, _ in fontcheck.fonts(p)), "the full face was not used"
    problems = [line for pdf in pdfs for line in readers.compare(pdf) + fontcheck.problems(pdf)]
    assert problems == []


ROUND_TRIP = HOSTILE + ["#", "\\", "\\\\# 两个反斜杠", "\\x", "=== 等号", "---", "1. 序号", "> 引用", "<div>块</div>",
                        "    缩进", "'单引号'", "null", "~", "a #b", "a: b", "？问号", "@at", "%百分号", "!感叹号", "&和",
                        "*星号开头", "{花括号", "[方括号", "`反引号", "2025年1月1日", "12.50", "0x1F", "1e3", "是"]


@pytest.mark.parametrize("text", ROUND_TRIP)
def test_any_text_comes_back_unchanged_from_the_file_the_import_writes(text):
    """Whatever the clerk pasted into a field, the goal or a cell is what the content file gives back."""
    from render.source import importer, pasted
    from render.source.project import project_file

    t = pasted.Table("t.txt", 1, 1)
    t.fields = {k: "x" for k in fields.PROJECT_LABELS} | {"项目名称": text.strip(), "实施单位": text.strip(),
                                                   "项目年度金额": "1", "主管部门": "901-测试局", fields.GOAL: text.strip()}
    t.rows = [("1-产出指标", "11-数量指标", text.strip(), text.strip())]
    problems = []
    project = project_file("f.md", importer.project_markdown(t), "01-x", "2025", "901-测试局", scheme.default(),
                           problems)
    assert not [p for p in problems if p.severity == "error"], problems
    assert project.name == project.implementer == text.strip()
    assert project.goal == ((text.strip(),) if text.strip() else ())
    (indicator,) = project.levels[0].groups[0].indicators
    assert indicator.name == indicator.value == text.strip()


def test_files_saved_by_notepad_import_and_damaged_ones_are_named(tmp_path):
    """GBK (\u201cANSI\u201d) and UTF-16 (\u201cUnicode\u201d) pastes import; a damaged workbook or an old .xls is
    named with what to do, and the other files still import."""
    rows = form("2025年村级道路养护", "904-某镇人民政府", "8", "完成养护", [["1-产出指标", "11-数量指标", "养护里程", "≥10公里"]])
    (tmp_path / "记事本.txt").write_bytes(tsv(rows).encode("gbk"))
    (tmp_path / "统一码.txt").write_bytes(tsv(rows).replace("村级道路", "乡级道路").encode("utf-16"))
    (tmp_path / "坏的.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (tmp_path / "旧版.xls").write_bytes(b"\xd0\xcf\x11\xe0\x00\x00")
    names = ["记事本.txt", "统一码.txt", "坏的.xlsx", "旧版.xls"]
    result = import_(*(str(tmp_path / n) for n in names), "--content", str(tmp_path / "content"))
    assert result.returncode == 1
    assert "记事本.txt: 已修复：文件不是 UTF-8 编码，已按 GBK 读取" in result.stdout
    assert "坏的.xlsx: 错误：无法作为 .xlsx 工作簿打开" in result.stdout
    assert "旧版.xls: 错误：是旧版 .xls 工作簿：请在 Excel 中另存为 .xlsx 后再导入" in result.stdout
    folder = tmp_path / "content" / "2025" / "904-某镇人民政府"
    assert sorted(p.name for p in folder.iterdir()) == ["01-2025年村级道路养护.md", "02-2025年乡级道路养护.md", "部门.yml"]
    assert "养护里程 | ≥10公里" in (folder / "01-2025年村级道路养护.md").read_text(encoding="utf-8")
    assert "Traceback" not in result.stderr


def test_two_tables_of_one_project_are_refused_not_merged(tmp_path):
    rows = form("2025年村级道路养护", "904-某镇人民政府", "8", "完成养护", [["1-产出指标", "11-数量指标", "养护里程", "≥10公里"]])
    paste = tmp_path / "重复.txt"
    paste.write_text(tsv(rows) + tsv(rows), encoding="utf-8")
    result = import_(str(paste), "--content", str(tmp_path / "content"))
    assert result.returncode == 1
    assert "重复.txt:14: 表2（2025年村级道路养护）: 错误：与 重复.txt 表1 是同一年度、同一部门的同名项目，未导入" in result.stdout
    assert "已存在" not in result.stdout


def test_header_cells_dropped_or_shifted_by_the_copy_are_placed():
    from render.source import pasted

    rows = [["项目名称", "", "2025年测试项目"], ["主管部门", "901-测试局", "实施单位", "901001-本级"],
            ["项目属性", "项目期限", "1年"], ["项目主管处室", "01-综合办", "项目年度金额", "5"],
            ["年度总体绩效目标", "完成"], list(fields.INDICATOR_HEADS), ["1-产出指标", "11-数量指标", "名", "值"]]
    (table,), notes = pasted.parse_tables([("h.txt", n, r) for n, r in enumerate(rows, 1)])
    assert table.fields == {"项目名称": "2025年测试项目", "主管部门": "901-测试局", "实施单位": "901001-本级",
                            "项目属性": "", "项目期限": "1年", "项目主管处室": "01-综合办", "项目年度金额": "5",
                            fields.GOAL: "完成"}
    assert [(n.row, n.error) for n in notes] == [(1, False), (3, False)]
