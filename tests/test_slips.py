"""Slips a clerk makes with files, not with what is in them: each message points at the file to change and
says what to type, and reading never rewrites a source nor waits on something that is not a file."""

from __future__ import annotations

import os
import threading

import pytest

from conftest import DEPT, copy_content, department_file, project_file, run_cli

FOLDER = f"content/{DEPT}"
F10 = "10-政府长聘人员经费.md"


def test_a_copy_left_with_a_used_number_is_the_one_told_to_rename(tmp_path):
    """The newcomer sorts before the file it copied: it is still the one blamed, with the next free number."""
    content = copy_content(tmp_path)
    old = content / DEPT / F10
    os.utime(old, ns=(old.stat().st_atime_ns, old.stat().st_mtime_ns - 10**9))
    (content / DEPT / "10-专项经费.md").write_text(
        old.read_text(encoding="utf-8").replace("政府长聘人员经费", "专项经费"), encoding="utf-8")
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 1, result.stdout
    assert [line for line in result.stdout.splitlines() if "文件名" in line] == [
        f"{FOLDER}/10-专项经费.md:1: 文件名: 序号 10 与“{F10}”重复：序号决定装订册中的顺序，请改名为“11-专项经费.md”"]
    # saved at the same moment (a copy that keeps its original's time): the later name is the newcomer
    stamp = old.stat().st_mtime_ns
    os.utime(content / DEPT / "10-专项经费.md", ns=(stamp, stamp))
    result = run_cli("check", "--content", str(content))
    assert f"{FOLDER}/{F10}:1: 文件名: 序号 10 与“10-专项经费.md”重复：序号决定装订册中的顺序，请改名为“11-政府长聘人员经费.md”" \
        in result.stdout.splitlines(), result.stdout


def test_a_fifo_named_like_a_project_is_called_what_it_is_and_never_opened(tmp_path):
    content = copy_content(tmp_path)
    os.mkfifo(content / DEPT / "11-管道.md")
    os.mkfifo(content / DEPT.split("/")[0] / "说明.md")
    done = []
    worker = threading.Thread(target=lambda: done.append(run_cli("check", "--content", str(content))), daemon=True)
    worker.start()
    worker.join(30)
    assert done, "check waited on the FIFO"
    lines = done[0].stdout.splitlines()
    assert f"{FOLDER}/11-管道.md: 文件: （警告）是命名管道（FIFO），不是普通文件，已忽略" in lines, lines
    assert "content/2025/说明.md: 文件: （警告）是命名管道（FIFO），不是普通文件，已忽略" in lines, lines
    assert done[0].returncode == 0


def test_a_fifo_as_the_department_file_is_named_as_such(tmp_path):
    content = copy_content(tmp_path)
    yml = content / DEPT / "部门.yml"
    yml.unlink()
    os.mkfifo(yml)
    done = []
    worker = threading.Thread(target=lambda: done.append(run_cli("check", "--content", str(content))), daemon=True)
    worker.start()
    worker.join(30)
    assert done, "check waited on the FIFO"
    assert f"{FOLDER}/部门.yml: 部门信息: 部门.yml 是命名管道（FIFO），应为普通文件" in done[0].stdout.splitlines()


def saved_as(path, encoding: str, bom: bytes = b"") -> None:
    """The file as Notepad saves it on Windows: CRLF, in the encoding chosen, perhaps with a BOM."""
    path.write_bytes(bom + path.read_text(encoding="utf-8").replace("\n", "\r\n").encode(encoding))


def test_gbk_bom_and_crlf_sources_are_read_as_they_are_and_the_clerk_told_how_to_save(tmp_path):
    content = tmp_path / "content"
    gbk, utf8 = content / "2025" / "901-甲局", content / "2025" / "902-乙局"
    rows = [("1-产出指标", "11-数量指标", "培训人次", "≥100人次")]
    for folder in (gbk, utf8):
        department_file(folder, folder.name[:3], folder.name[4:])
        project_file(folder, "01-培训", "培训", folder.name, "1", rows)
        project_file(folder, "02-宣传", "宣传", folder.name, "abc", rows)  # an error on line 8
    for path in gbk.iterdir():
        saved_as(path, "gbk")
    for path in utf8.iterdir():
        saved_as(path, "utf-8", b"\xef\xbb\xbf")
    before = {p: p.read_bytes() for p in content.rglob("*.*")}
    said = run_cli("check", "--content", str(content)).stdout.splitlines()
    advice = "请另存为 UTF-8：记事本“文件 → 另存为”，编码选“UTF-8”后保存（本程序不会改动这个文件）"
    for name in ("部门.yml", "01-培训.md", "02-宣传.md"):
        assert f"content/2025/901-甲局/{name}:1: 文件: （警告）不是 UTF-8 编码，已按 GBK（GB18030）读取；{advice}" in said
    for folder in ("901-甲局", "902-乙局"):
        assert f"content/2025/{folder}/02-宣传.md:8: 项目年度金额: “abc”不是数字（单位已是万元，只写数字，如 39.05）" in said
    assert not [line for line in said if line.startswith("content/2025/902-乙局") and "02-宣传" not in line], said

    for path in (gbk / "02-宣传.md", utf8 / "02-宣传.md"):
        path.unlink()
        del before[path]
    built = run_cli("--content", str(content), "--out", str(tmp_path / "dist"), "--jobs", "1")
    assert built.returncode == 0, built.stdout + built.stderr
    assert (tmp_path / "dist" / "2025" / "901-甲局" / "甲局2025年部门项目支出预算绩效目标表.pdf").is_file()
    assert {p: p.read_bytes() for p in content.rglob("*.*")} == before  # read, never rewritten


def test_a_utf8_file_with_one_bad_byte_is_not_read_as_gbk(tmp_path):
    content = copy_content(tmp_path)
    path = content / DEPT / F10
    lines = path.read_bytes().split(b"\n")
    lines[3] += b"\xff"
    path.write_bytes(b"\n".join(lines))
    said = run_cli("check", "--content", str(content)).stdout.splitlines()
    assert (f"{FOLDER}/{F10}:4: 文件: 这一行有不是 UTF-8 编码的字符（文件可能混有别的编码或已损坏）：请检查这一行，"
            "并另存为 UTF-8：记事本“文件 → 另存为”，编码选“UTF-8”后保存（本程序不会改动这个文件）") in said, said


F01 = "01-2025年全区安置帮教经费.md"
ROW_20 = "|  | 12-质量指标 | 刑满释放人员安置帮教率 | ≥95% |"


def edited(tmp_path, *edits: tuple[str, str]) -> list[str]:
    """`check` of the seed with F01's text edited: the lines it says about F01."""
    content = copy_content(tmp_path)
    path = content / DEPT / F01
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return [line for line in run_cli("check", "--content", str(content)).stdout.splitlines()
            if line.startswith(f"{FOLDER}/{F01}") and "（警告）" not in line]


@pytest.mark.parametrize(("edits", "said"), [
    ([("\n主管部门:", "\n\t主管部门:")], ["3: 文件开头的表头: 格式有误：行首有 Tab：请删去行首的 Tab（缩进只能用空格）"]),
    ([("项目名称: ", "项目名称:\t")], ["2: 文件开头的表头: 格式有误：冒号“:”后面是 Tab：请把它换成一个空格，写作“栏目名: 内容”"]),
    ([("项目期限: 1年", "项目期限: 1年\t")], ["6: 文件开头的表头: 格式有误：行尾有 Tab：请删去行尾的 Tab"]),
    ([("\n主管部门:", "\n  主管部门:")], ["3: 文件开头的表头: 格式有误：行首有空格：请删去行首的空格，每栏顶格写作“栏目名: 内容”"]),
    ([("## 年度总体绩效目标", "##年度总体绩效目标")], ["11: 栏目: “##”后面要有一个空格：写成“## 年度总体绩效目标”"]),
    ([("## 绩效指标", "###绩效指标")], ["15: 栏目: 栏目标题以两个“#”开头，后面一个空格，不是“###”：写成“## 绩效指标”"]),
    # without the delimiter line the rows keep their own lines: the short one below is still line 20
    ([("| --- | --- | --- | --- |\n", ""), (ROW_20, "|  | 12-质量指标 | 刑满释放人员安置帮教率 |")],
     ["17: 绩效指标: 表格缺少第二行的分隔行“| --- | --- | --- | --- |”，请在表头下一行加上",
      "19: 绩效指标: 本行有 3 格，应为 4 格：| 一级指标 | 二级指标 | 三级指标 | 绩效值 |（空着的格也要用“|”隔开）"]),
    ([("| --- | --- | --- | --- |\n", "| --- | --- |\n")],
     ["18: 绩效指标: 表格第二行的分隔行应与表头格数相同，写成“| --- | --- | --- | --- |”"]),
], ids=["leading_tab", "tab_after_colon", "trailing_tab", "leading_spaces", "no_space_after_hashes",
        "three_hashes", "no_delimiter_row", "short_delimiter_row"])
def test_a_slip_in_the_file_is_named_with_what_to_type_instead(tmp_path, edits, said):
    assert edited(tmp_path, *edits) == [f"{FOLDER}/{F01}:{s}" for s in said]


def test_full_width_colons_are_one_message_each_and_hide_nothing_else(tmp_path):
    """YAML stops at the first `栏目名：内容`: the clerk fixed it, ran again, and only then heard of the rest."""
    said = edited(tmp_path, ("项目名称: ", "项目名称："), ("项目期限: 1年", "项目期限：1年"), ("项目年度金额: 26", "项目年度金额: 二十六"))
    assert said[:2] == [f"{FOLDER}/{F01}:2: 项目名称: 栏目名后应为英文冒号“:”，不是中文冒号“：”",
                        f"{FOLDER}/{F01}:6: 项目期限: 栏目名后应为英文冒号“:”，不是中文冒号“：”"]
    assert len(said) == 3 and said[2].startswith(f"{FOLDER}/{F01}:8: 项目年度金额: "), said
    assert not any("YAML" in line for line in said)


def test_a_level_written_without_its_code_is_one_message_and_its_level2_is_named(tmp_path):
    """`| 产出指标 | 数量指标 |`: four errors were said, three of them 第一行须写明一级指标 on the rows after it."""
    said = edited(tmp_path, ("| 1-产出指标 | 11-数量指标 |", "| 产出指标 | 数量指标 |"))
    assert len(said) == 2, said
    assert said[0].startswith(f"{FOLDER}/{F01}:19: 一级指标: “产出指标”不是已知的一级指标")
    assert said[1].startswith(f"{FOLDER}/{F01}:19: 二级指标: “数量指标”不是已知的二级指标")
    assert not any("第一行须写明一级指标" in line for line in said)
