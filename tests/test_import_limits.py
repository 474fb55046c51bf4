"""What `import` refuses before it costs the machine: a file too big on disk, a workbook that inflates a
thousandfold, too many rows, cells or characters, and what it says instead (the file, the limit, short
excerpts, at most 100 problems a file); a comma-separated file named as such; values that a spreadsheet
would run as formulas warned about; folder names that check accepts."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from test_import import form, tsv

from render.source import limits

ROWS = [["1-产出指标", "11-数量指标", "养护里程", "≥10公里"], ["3-满意度指标", "31-服务对象满意度", "群众满意度", "≥90%"]]


def import_(*args: str):
    return run_cli("import", *args, "--date", "2025-01-20")


def out_lines(done, name: str) -> list[str]:
    return [line for line in done.stdout.splitlines() if line.startswith(name)]


# ---- an .xlsx whose one shared string inflates to a gigabyte ----

PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.'
    'xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
    'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="表" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
    'org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>',
    "xl/worksheets/sheet1.xml": '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
    'openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    '</sheetData></worksheet>',
}


def bomb(path: Path, chars: int) -> None:
    """A valid workbook whose A1 is one shared string of `chars` letters: deflated a thousandfold."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, text in PARTS.items():
            z.writestr(name, text)
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
                    b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>')
            chunk = b"A" * limits.MB
            for _ in range(chars // limits.MB):
                f.write(chunk)
            f.write(b"A" * (chars % limits.MB) + b"</t></si></sst>")


def test_a_small_bomb_is_a_workbook_the_import_reads(tmp_path):
    """The bomb below is a real workbook: at 60 characters its cell is read, and quoted as an excerpt."""
    bomb(tmp_path / "小.xlsx", 60)
    done = import_(str(tmp_path / "小.xlsx"), "--content", str(tmp_path / "content"))
    assert f"小.xlsx[表]:1: 表1: 错误：不认识的栏目“{'A' * 40}…”，未导入" in done.stdout, done.stdout


@pytest.mark.slow
def test_a_zip_bomb_is_refused_from_its_directory_in_little_memory(tmp_path):
    """How long it takes is benchmarks/limits.py's to say."""
    book = tmp_path / "炸弹.xlsx"
    bomb(book, 1024 * limits.MB)
    assert book.stat().st_size < 2 * limits.MB  # about 1 MB on disk, 1 GB inflated
    # Measured in a process of its own: RUSAGE_CHILDREN is the peak of the children a process has waited for.
    measure = ("import resource, subprocess, sys\n"
               "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode)\n"
               "print(done.stdout + done.stderr)\n")
    done = subprocess.run([sys.executable, "-c", measure, sys.executable, str(ROOT / "build.py"), "import", str(book),
                           "--content", str(tmp_path / "content")], capture_output=True, text=True, timeout=120)
    head, _, output = done.stdout.partition("\n")
    peak_kib, code = head.split()
    assert int(code) == 1, output
    assert f"炸弹.xlsx: 错误：工作簿解压后有 1024 MB，超过 {limits.size(limits.XLSX_BYTES)} 的上限" in output, output
    assert "AAAA" not in output and len(output) < 1000
    assert int(peak_kib) < 200 * 1024, peak_kib
    assert not (tmp_path / "content").exists()


# ---- bounds on text ----

def test_a_file_over_the_size_limit_is_refused_unread(tmp_path):
    big = tmp_path / "大.txt"
    with big.open("wb") as f:
        f.truncate(limits.FILE_BYTES + 1)
    done = import_(str(big), "--content", str(tmp_path / "content"))
    assert done.returncode == 1
    assert out_lines(done, "大.txt") == ["大.txt: 错误：文件有 20.0 MB，超过导入文件 20 MB 的上限：请只复制要导入的表格，或分成几个文件导入"]


def test_too_many_rows_are_one_refusal_not_thousands_of_errors(tmp_path):
    paste = tmp_path / "长.txt"
    paste.write_text("不认识\t1\n" * (limits.ROWS + 1), encoding="utf-8")
    done = import_(str(paste), "--content", str(tmp_path / "content"))
    assert out_lines(done, "长.txt") == [f"长.txt: 错误：有内容的行超过 {limits.ROWS} 行的上限（第 {limits.ROWS + 1} 行）："
                                         "请分成几个文件导入"]


def test_too_many_cells_in_one_line_are_refused_before_it_is_split(tmp_path):
    paste = tmp_path / "宽.txt"
    paste.write_text("项目名称" + "\tx" * limits.CELLS + "\n", encoding="utf-8")
    done = import_(str(paste), "--content", str(tmp_path / "content"))
    assert out_lines(done, "宽.txt") == [f"宽.txt: 错误：格子超过 {limits.CELLS} 个的上限（第 1 行）："
                                         "请只复制要导入的表格，或分成几个文件导入"]


def test_a_cell_too_long_is_refused_and_quoted_short(tmp_path):
    paste = tmp_path / "长格.txt"
    rows = form("2025年村级道路养护", "904-某镇人民政府", "8", "很长" * limits.CELL_CHARS, ROWS)
    paste.write_text(tsv(rows), encoding="utf-8")
    done = import_(str(paste), "--content", str(tmp_path / "content"))
    assert out_lines(done, "长格.txt") == [
        f"长格.txt: 错误：第 8 行第 2 格有 {2 * limits.CELL_CHARS} 个字符，超过每格 {limits.CELL_CHARS} 字的上限"
        f"（“{'很长' * 20}…”）：请核对是否复制了多余的内容"]


def test_a_file_of_many_mistakes_lists_the_first_hundred_and_counts_the_rest(tmp_path):
    paste = tmp_path / "乱.txt"
    rows = form("2025年村级道路养护", "904-某镇人民政府", "8", "完成", ROWS)
    paste.write_text(tsv(rows[:8] + [[f"不认识的栏目{k}" * 10] for k in range(300)] + rows[8:]), encoding="utf-8")
    done = import_(str(paste), "--content", str(tmp_path / "content"))
    listed = out_lines(done, "乱.txt")
    assert len(listed) == limits.PROBLEMS + 1 and done.returncode == 1
    assert listed[0] == f"乱.txt:9: 表1（2025年村级道路养护）: 错误：不认识的栏目“{('不认识的栏目0' * 10)[:40]}…”，未导入"
    assert listed[-1] == "乱.txt: 另有 200 个问题未列出（共 300 个，只列出前 100 个）：请先按以上各条修改，再重新运行"
    assert "300 个错误" in done.stdout.splitlines()[-1]


# ---- what the clerk gave: CSV, formulas, names ----

def test_a_comma_separated_file_is_named_as_such_once(tmp_path):
    paste = tmp_path / "逗号.csv"
    rows = form("2025年村级道路养护", "904-某镇人民政府", "8", "完成", ROWS)
    paste.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    done = import_(str(paste), "--content", str(tmp_path / "content"))
    assert done.returncode == 1
    assert out_lines(done, "逗号.csv") == [
        "逗号.csv: 错误：文件看起来是逗号分隔的（CSV），不是制表符分隔的：请在 Excel 中另存为 .xlsx 工作簿，"
        "或在 Excel 中选中表格复制，粘贴到记事本里保存为 .txt，再导入"]


def test_values_that_a_spreadsheet_would_run_are_imported_as_text_with_a_warning(tmp_path):
    paste = tmp_path / "公式.txt"
    link = '=HYPERLINK("http://127.0.0.1:9/x","点此")'
    rows = form(link, "904-某镇人民政府", "8", "2025年完成", [
        ["1-产出指标", "11-数量指标", "@SUM(1,2)", "+1+2"], ["", "12-质量指标", "降低比例", "-5%"],
        ["3-满意度指标", "31-服务对象满意度", "群众满意度", "≥90%"]], 项目主管处室="=cmd|' /C calc'!A0")
    paste.write_text(tsv(rows), encoding="utf-8")
    done = import_(str(paste), "--content", str(tmp_path / "content"))
    assert done.returncode == 0, done.stdout
    warned = [line for line in done.stdout.splitlines() if "（警告）" in line]
    tail = "开头，在 Excel、WPS 中会被当作公式：已按文字导入，请核对原表是否就是这样写的"
    table = f"表1（{link}）"
    assert warned == [f"公式.txt:4: {table} 项目名称: （警告）“{link}”以“=”{tail}",
                      f"公式.txt:7: {table} 项目主管处室: （警告）“=cmd|' /C calc'!A0”以“=”{tail}",
                      f"公式.txt:10: {table} 三级指标: （警告）“@SUM(1,2)”以“@”{tail}",
                      f"公式.txt:10: {table} 绩效值: （警告）“+1+2”以“+”{tail}"]  # -5% is a number
    assert "1 个错误" not in done.stdout and "4 个警告" in done.stdout.splitlines()[-1]
    [project] = (tmp_path / "content" / "2025" / "904-某镇人民政府").glob("01-*.md")
    assert f"项目名称: '{link}'" in project.read_text(encoding="utf-8") or link in project.read_text(encoding="utf-8")
    assert run_cli("check", "--content", str(tmp_path / "content")).returncode == 0


def test_what_import_writes_check_accepts_and_a_name_no_folder_can_have_is_refused(tmp_path):
    paste = tmp_path / "名称.txt"
    tables = [form("../../../逃出去", "905-某乡人民政府", "8", "2025年完成", ROWS),
              form("a/b\\c:d*e?f\"g<h>i|j", "905-某乡人民政府", "8", "2025年完成", ROWS),
              form(" .点开头的项目. ", "906-某局（综合）· 办公室-二科", "8", "2025年完成", ROWS),
              form("逃出的项目", "018-../../../escape", "8", "2025年完成", ROWS),
              form("点的项目", "019-..", "8", "2025年完成", ROWS)]
    paste.write_text("".join(tsv(t) + "\n" for t in tables), encoding="utf-8")
    content = tmp_path / "content"
    done = import_(str(paste), "--content", str(content))
    refused = [line for line in done.stdout.splitlines() if "不能用作文件夹名" in line]
    assert len(refused) == 2 and refused[0].startswith("名称.txt:40: 表4（逃出的项目）: 错误：主管部门“018-../../../escape”的部门"
                                                       "名称不能用作文件夹名")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_dir()) == [
        "content", "content/2025", "content/2025/905-某乡人民政府", "content/2025/906-某局（综合）· 办公室-二科"]
    check = run_cli("check", "--content", str(content))
    assert check.returncode == 0, check.stdout
    assert "3 个项目" in check.stdout


def test_readme_states_the_limits_the_code_has():
    readme = (ROOT / "README.md").read_text(encoding="utf-8").split("## 限制", 1)[1].split("\n## ", 1)[0]
    stated = [row.split(" | ")[1] for row in readme.splitlines() if row.startswith("| ") and " | " in row][1:]
    assert stated == [limits.size(limits.FILE_BYTES), limits.size(limits.XLSX_BYTES), f"{limits.ROWS} 行",
                      f"{limits.CELLS} 个", f"{limits.CELL_CHARS} 字", f"{limits.PROBLEMS} 条", f"{limits.EXCERPT} 字",
                      limits.size(limits.RULES_BYTES), limits.size(limits.PACKAGE_BYTES), f"{limits.PACKAGE_ENTRIES} 个",
                      f"{limits.PACKAGE_RECORDS} 件", limits.size(limits.PACKAGE_TEXT_BYTES), limits.size(limits.PACKAGE_PDF_BYTES),
                      limits.size(limits.PACKAGE_UPLOAD_BYTES),
                      f"{limits.PROBLEMS} 条",
                      limits.FILE_SIZE_TEXT, f"{limits.MAX_ROWS} 行",
                      f"{limits.MAX_CELL_CHARS} 字", f"{limits.MAX_TABLE_CHARS} 字", f"{limits.MAX_AMOUNT_DIGITS} 位"]
    assert limits.FILE_SIZE_TEXT == limits.size(limits.MAX_FILE_BYTES)


def test_check_quotes_a_long_value_as_an_excerpt(tmp_path):
    from conftest import department_file, project_file

    folder = tmp_path / "content" / "2025" / "901-测试局"
    department_file(folder, "901", "测试局")
    long = "很长的" * 5000
    project_file(folder, "01-甲", "甲", "901-测试局", "1" + long, [(f"9-{long}", "11-数量指标", "名", "值")])
    done = run_cli("check", "--content", str(tmp_path / "content"))
    assert done.returncode == 1
    quoted = [line for line in done.stdout.splitlines() if "很长的" in line]  # each field: too long, and why not
    assert len(quoted) == 4 and all(f"“{('1' + long)[:40]}…”" in q or f"“{('9-' + long)[:40]}…”" in q for q in quoted)
    assert max(len(line) for line in done.stdout.splitlines()) < 300


def test_a_file_the_system_will_not_let_us_read_is_named_in_chinese(tmp_path, monkeypatch):
    from render.source import rows

    def refused(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(rows, "read", refused)
    paste = tmp_path / "锁.txt"
    paste.write_text("x\n", encoding="utf-8")
    done = import_(str(paste), "--content", str(tmp_path / "content"))
    [line] = out_lines(done, "锁.txt")
    assert line.startswith(f"锁.txt: 错误：无法读取：{paste}：没有权限读写这里。") and "Permission" not in done.stdout
