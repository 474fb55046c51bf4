"""Turn a machine without the font, and -q, into what check says: a setup problem exiting 2; problems only."""

import json

from conftest import CONTENT, department_file, project_file

from render.commands.cli import main
from render.problems import Exit
from render.typeset import fonts


def test_check_without_the_font_exits_as_setup_and_says_so(monkeypatch, capsys):
    fonts.font_file.cache_clear()  # an earlier test in this process found the real face
    fonts.coverage.cache_clear()
    monkeypatch.setattr(fonts, "FONT_FAMILY", "No Such Family SC")
    try:
        assert main(["check", "--content", str(CONTENT)]) == Exit.CANNOT
        assert "fonts-noto-cjk" in capsys.readouterr().out
        assert main(["check", "--content", str(CONTENT), "--json"]) == Exit.CANNOT
        found = json.loads(capsys.readouterr().out)
        assert found["exit"] == Exit.CANNOT
        assert any(p["kind"] == "setup" and p["severity"] == "error" for p in found["problems"])
    finally:
        monkeypatch.undo()
        fonts.font_file.cache_clear()
        fonts.coverage.cache_clear()  # else what the missing face covers (nothing) would stay for later tests


def test_quiet_check_shows_problems_only(tmp_path, capsys):
    assert main(["check", "--content", str(CONTENT), "-q"]) == Exit.OK
    warned = capsys.readouterr().out
    # the seed's warnings still shown under -q; their count only when they fail the run (--strict)
    assert "（警告）" in warned and "检查：" not in warned
    folder = tmp_path / "content" / "2025" / "901-测试局"
    department_file(folder, "901", "测试局")
    project_file(folder, "01-正常项目", "正常项目", "901-测试局", "1", [("1-产出指标", "11-数量指标", "培训", "1次")])
    for quiet in (["check", "--content", str(tmp_path / "content"), "-q"],
                  ["-q", "check", "--content", str(tmp_path / "content")]):
        assert main(quiet) == Exit.OK
        assert capsys.readouterr().out == ""
    assert main(["check", "--content", str(tmp_path / "content")]) == Exit.OK
    assert "检查通过" in capsys.readouterr().out
