"""The command line speaks the clerk's language, says what every exit code means, and builds just the
project or department it is given, leaving the rest of the output folder as it was."""

from __future__ import annotations

import hashlib
import json
import re
import shutil

import pytest

from conftest import CONTENT, ROOT, pdf_pages, squash
from render.commands.cli import COMMANDS, main
from render.problems import MEANING, Exit

ENGLISH = re.compile(r"usage:|options:|positional arguments|show this help|invalid choice|unrecognized|"
                     r"required|expected|--\w+ [A-Z]+\b")  # the last: an English metavar, --out OUT


@pytest.mark.parametrize("args", [["--help"], *([c, "--help"] for c in COMMANDS)], ids=lambda a: a[0])
def test_help_is_in_chinese(args, capsys):
    with pytest.raises(SystemExit) as done:
        main(args)
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("用法：") and "显示本帮助并退出" in text
    assert not ENGLISH.search(text), ENGLISH.search(text)


@pytest.mark.parametrize(("args", "said"), [
    (["bild"], "不认识的命令“bild”：可用的有 build、watch、check、import、verify、review、archive、update、serve、user；是否应为 build？"),
    (["--jobs", "x"], "参数 --jobs 的值“x”不是整数"),
    (["check", "--bogus"], "不认识的参数：--bogus"),
    (["import"], "缺少参数：文件"),
    (["verify", "--out"], "参数 --out 后面需要写一个值"),
])
def test_a_wrong_command_line_is_said_in_chinese_and_exits_2(args, said, capsys):
    try:
        code = main(args)
    except SystemExit as e:
        code = e.code
    assert code == Exit.CANNOT
    err = capsys.readouterr().err
    assert said in err and not ENGLISH.search(err.replace("build", "")), err


def test_version_names_what_shapes_the_pdfs(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("mubiaobiao ") and "WeasyPrint" in out and "HarfBuzz" in out


def test_readme_and_help_list_every_exit_code(capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## 退出状态", 1)[1].split("\n## ", 1)[0]
    with pytest.raises(SystemExit):
        main(["--help"])
    help_text = capsys.readouterr().out
    for code in Exit:
        assert code in MEANING, code
        assert re.search(rf"^\| `{int(code)}` \| {re.escape(MEANING[code])} \|$", section, re.M), code
        assert f"{int(code):<4}{MEANING[code]}" in help_text


def test_check_json_lists_every_problem(tmp_path, capsys):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    assert main(["check", "--json", "--content", str(content)]) == Exit.OK
    report = json.loads(capsys.readouterr().out)
    assert (report["departments"], report["projects"], report["errors"], report["exit"]) == (1, 10, 0, 0)
    assert report["warnings"] == len(report["problems"]) == 4
    assert {p["severity"] for p in report["problems"]} == {"warning"}
    assert all(p["path"].endswith(".md") and p["line"] > 0 and p["field"] and p["kind"] == "content"
               for p in report["problems"])
    assert main(["check", "--json", "--strict", "--content", str(content)]) == Exit.PROBLEMS
    assert json.loads(capsys.readouterr().out)["exit"] == 1


def test_a_department_folder_given_as_content_is_refused_and_nothing_written(tmp_path, capsys):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    department = next(content.glob("2025/*"))
    assert main(["--content", str(department), "--out", str(tmp_path / "dist"), "--jobs", "1"]) == Exit.CANNOT
    out = capsys.readouterr().out
    assert "这是一个部门文件夹，不是内容文件夹" in out and f"python3 build.py {department}" in out
    assert not (tmp_path / "dist").exists()
    assert main(["check", "--content", str(department.parent)]) == Exit.CANNOT


def digests(out) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in out.glob("2025/*/*.pdf")}


def test_building_one_project_or_one_department_leaves_the_rest_as_it_was(tmp_path, capsys):
    content, out = tmp_path / "content", tmp_path / "dist"
    shutil.copytree(CONTENT, content)
    assert main(["--content", str(content), "--out", str(out), "--jobs", "1", "-q"]) == Exit.OK
    assert "完成：" not in capsys.readouterr().out  # -q: no closing line when all is well
    before = digests(out)
    listed = {e["path"] for e in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]}
    project = next(content.glob("2025/*/03-*.md"))
    project.write_text(project.read_text(encoding="utf-8").replace("维护社会和谐稳定。", "维护社会和谐稳定，年内回访。"),
                       encoding="utf-8")

    assert main([str(project), "--out", str(out), "--jobs", "1"]) == Exit.OK
    said = capsys.readouterr().out
    after = digests(out)
    changed = {k for k in after if after[k] != before[k]}
    volume = next(k for k in after if not k.split("/")[-1][:2].isdigit())
    # the table, and the volume that carries it: the department stays one consistent set
    assert changed == {f"2025/{project.parent.name}/{project.stem}.pdf", volume}, said
    assert set(after) == set(before)
    assert "重建 2" in said
    assert "年内回访" in squash("".join(pdf_pages(out / volume)))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {e["path"] for e in manifest["files"]} == listed and not any(e.get("stale") for e in manifest["files"])
    assert main(["verify", "--out", str(out)]) == Exit.OK

    assert main([str(project.parent), "--out", str(out), "--jobs", "1", "-v"]) == Exit.OK
    said = capsys.readouterr().out
    assert digests(out) == after and "重建 0" in said
    assert "未改动，沿用" in said  # -v names the tables reused
    assert main(["verify", "--out", str(out)]) == Exit.OK


def test_a_path_outside_the_layout_is_refused(tmp_path, capsys):
    stray = tmp_path / "notes.md"
    stray.write_text("x", encoding="utf-8")
    assert main([str(stray), "--out", str(tmp_path / "dist")]) == Exit.CANNOT
    assert "应为 <内容文件夹>/<年度>/<编码-部门名称>/<项目>.md" in capsys.readouterr().err
    assert not (tmp_path / "dist").exists()


def test_one_project_is_told_of_its_departments_file_and_of_nothing_else(tmp_path, capsys):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    department = next(content.glob("2025/*"))
    yml = department / "部门.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("编制日期: 2025-01-20", "编制日期: 去年"), encoding="utf-8")
    project = next(department.glob("03-*.md"))
    code = main([str(project), "--out", str(tmp_path / "dist"), "--jobs", "1"])
    out = capsys.readouterr().out
    assert code == Exit.PROBLEMS
    assert "部门.yml:" in out and "编制日期" in out  # why the table could not be built
    assert "01-2025" not in out  # another project's warning is not this build's business


def test_the_argparse_catalog_matches_argparse_and_leaves_it_as_it_was():
    """Every message of the catalog is one argparse says (a Python that rewords one shows here, by name),
    with the same placeholders; argparse is itself again once a parser of ours is done."""
    import argparse
    import inspect

    from render.commands.arguments import catalog

    source = inspect.getsource(argparse)
    messages = catalog().messages
    assert len(messages) >= 15
    for msgid, msgstr in messages.items():
        assert repr(msgid)[1:-1] in source or msgid in source, f"argparse no longer says {msgid!r}"
        named = sorted(re.findall(r"%\((\w+)\)", msgid))
        assert sorted(re.findall(r"%\((\w+)\)", msgstr)) == named, msgid
        assert len(re.findall(r"%[sr]", msgid)) == len(re.findall(r"%[sr]", msgstr)), msgid
    before = argparse._
    from render.commands.cli import parser

    parser().parse_known_args(["check"])
    assert argparse._ is before


def test_every_command_has_its_run():
    from render.commands.cli import COMMANDS
    from render.commands.runs import RUNS

    assert set(RUNS) == set(COMMANDS)


def test_the_argparse_internals_the_chinese_parser_relies_on_are_there():
    """render/commands/arguments.py reaches past argparse's public API at four points; Python names the one
    that moved: messages looked up through the module's `_` and `ngettext` at each message (so swapping them
    translates), HelpFormatter._format_action (the commands' list without its metavar line), and a parser's
    _option_string_actions (the options a mistyped one is matched against)."""
    import argparse
    import inspect

    source = inspect.getsource(argparse)
    assert "from gettext import gettext as _, ngettext" in source and "_('usage: ')" in source, "argparse._"
    assert "ngettext('expected %s argument'" in source, "argparse.ngettext"
    assert "_format_action" in vars(argparse.HelpFormatter), "HelpFormatter._format_action"
    parser = argparse.ArgumentParser()
    parser.add_argument("--content")
    assert "--content" in parser._option_string_actions, "ArgumentParser._option_string_actions"


def test_messages_and_readmes_name_a_python_that_exists():
    """Debian 12 has no `python`: every message and README says `python3 build.py` (render.COMMAND)."""
    from render import COMMAND

    assert COMMAND == "python3 build.py"
    said = [p for p in (*ROOT.glob("render/**/*.py"), *ROOT.glob("**/README.md"), ROOT / "build.py",
                        ROOT / "setup_backend" / "shipped.py", ROOT / "rules" / "审核规则.yml")
            if ".venv" not in p.parts and re.search(r"(?<![\w/.])python build\.py", p.read_text(encoding="utf-8"))]
    assert said == []


def test_a_mistyped_command_and_its_mistyped_option_are_both_named(capsys):
    with pytest.raises(SystemExit) as done:
        main(["archve", "--chek", "x"])
    assert done.value.code == Exit.CANNOT
    err = capsys.readouterr().err
    assert "不认识的命令“archve”" in err and "是否应为 archive？" in err
    assert "archive 不认识的参数：--chek；是否应为 --check？" in err
