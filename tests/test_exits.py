"""Every command's exit code for what can go wrong with it, a mistyped word answered with the word meant,
and -q showing only what needs doing."""

from __future__ import annotations

import re

from conftest import CONTENT, DEPT, copy_content, department_file, project_file, run_cli

F10 = f"{DEPT}/10-政府长聘人员经费.md"


def test_every_command_exits_with_the_code_of_its_case(tmp_path):
    missing = str(tmp_path / "没有这个文件夹")
    broken = copy_content(tmp_path / "broken")
    path = broken / F10
    path.write_text(path.read_text(encoding="utf-8").replace("项目年度金额: 82.38", "项目年度金额: abc"),
                    encoding="utf-8")
    (tmp_path / "empty").mkdir()
    table = {
        ("check", "内容文件夹不存在"): (["check", "--content", missing], 2),
        ("check", "路径不存在"): (["check", missing], 2),
        ("check", "内容有错误"): (["check", "--content", str(broken)], 1),
        ("check", "只查一个好的项目"): (["check", str(broken / DEPT / "01-2025年全区安置帮教经费.md")], 0),
        ("check", "参数打错"): (["check", "--contnet", str(CONTENT)], 2),
        ("build", "内容文件夹不存在"): (["--content", missing, "--out", str(tmp_path / "dist")], 2),
        ("build", "命令打错，后面还有文件"): (["imprt", "file.txt"], 2),
        ("review", "路径不存在"): (["review", missing], 2),
        ("review", "内容有错误"): (["review", str(broken)], 1),
        ("verify", "输出文件夹不存在"): (["verify", "--out", missing], 2),
        ("verify", "没有清单"): (["verify", "--out", str(tmp_path / "empty")], 1),
        ("import", "文件不存在"): (["import", missing + ".txt", "--content", str(tmp_path / "new")], 2),
    }
    found = {case: run_cli(*args).returncode for case, (args, _) in table.items()}
    assert found == {case: code for case, (_, code) in table.items()}


def test_a_mistyped_command_before_its_file_is_named_with_the_command_meant():
    result = run_cli("imprt", "file.txt")
    assert result.stderr.splitlines()[-1] == ("build.py：错误：不认识的命令“imprt”：可用的有 build、watch、check、import、"
                                             "verify、review、archive、update、serve、user；是否应为 import？（或一个项目文件、部门文件夹的路径）")
    assert "import？" in run_cli("-q", "--jobs", "2", "imprt", "file.txt").stderr


def test_a_mistyped_option_is_named_with_the_option_meant():
    result = run_cli("check", "--contnet", str(CONTENT))
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == ("build.py check：错误：不认识的参数：--contnet；是否应为 --content？"
                                             "（加 -h 查看可用的参数）")
    assert "是否应为 --out？" in run_cli("--oot", "x").stderr
    assert "是否应为" not in run_cli("check", "--xyz").stderr


def test_verify_of_a_folder_that_is_not_there_says_so_in_chinese(tmp_path):
    result = run_cli("verify", "--out", str(tmp_path / "dist"))
    assert result.stdout.splitlines()[0] == f"{tmp_path / 'dist'}: 输出文件夹: 找不到这个文件夹（请用 --out 指定输出文件夹）"
    (tmp_path / "dist").mkdir()
    said = run_cli("verify", "--out", str(tmp_path / "dist")).stdout
    assert "manifest.json: 清单: 无法核对：清单不存在（这个文件夹还没有生成过）" in said and "Errno" not in said


def test_check_of_one_project_says_only_what_concerns_it(tmp_path):
    content = copy_content(tmp_path)
    result = run_cli("check", str(content / F10))
    assert result.returncode == 0
    assert result.stdout.splitlines() == [f"content/{F10}:25: 三级指标: （警告）是空的", f"content/{F10}:25: 绩效值: （警告）是空的",
                                          "检查：0 个错误，2 个警告"]
    whole = run_cli("check", str(content / DEPT)).stdout.splitlines()
    assert whole[-1] == "检查：0 个错误，4 个警告"
    third = run_cli("check", str(next((content / DEPT).glob("03-*.md")))).stdout
    assert third == "检查通过：1 个部门，1 个项目，没有发现问题\n"


def test_quiet_shows_the_count_only_when_the_run_fails(tmp_path):
    warned = run_cli("check", "-q", "--content", str(CONTENT)).stdout.splitlines()
    assert len(warned) == 4 and all("（警告）" in line for line in warned), warned
    strict = run_cli("check", "-q", "--strict", "--content", str(CONTENT)).stdout.splitlines()
    assert strict[-1] == "检查：0 个错误，4 个警告"
    folder = tmp_path / "content" / "2025" / "901-测试局"
    department_file(folder, "901", "测试局")
    project_file(folder, "01-甲项目", "甲项目", "901-测试局", "1", [("1-产出指标", "11-数量指标", "培训", "")])
    built = run_cli("-q", "--content", str(tmp_path / "content"), "--out", str(tmp_path / "dist"), "--jobs", "1")
    assert built.returncode == 0
    assert built.stdout == "content/2025/901-测试局/01-甲项目.md:19: 绩效值: （警告）是空的\n"


def test_quiet_review_shows_only_what_must_be_changed():
    loud = run_cli("review", str(CONTENT)).stdout.splitlines()
    quiet = [line for line in run_cli("review", "-q", str(CONTENT)).stdout.splitlines() if "（警告）" not in line]
    heads = [n for n, line in enumerate(quiet) if line.startswith("== ")]
    assert heads and heads[0] == 0
    for at, end in zip(heads, heads[1:] + [len(quiet)], strict=True):
        must = int(re.search(r"需修改 (\d+)", quiet[at])[1])
        assert end - at - 1 == must, quiet[at:end]
    findings = [line for line in quiet if not line.startswith("== ")]
    assert set(findings) < set(loud) and "审核：" not in "".join(quiet)
