"""Text too long for one page is printed all the same, with a warning that says what the page will do."""

from conftest import department_file, pdf_pages, project_file, run_build, run_cli, squash


def test_a_cell_taller_than_a_page_warns_and_still_prints_every_character(tmp_path):
    folder = tmp_path / "content" / "2025" / "901-测试局"
    department_file(folder, "901", "测试局")
    # 840 characters: some 53 lines in the 三级 column this table gets, taller than a page (45 lines)
    long_name = "开展法治宣传进社区活动并回访" * 60
    rows = [("1-产出指标", "11-数量指标", long_name, "≥1次"), ("", "", "短指标", "1次")]
    project_file(folder, "01-超长", "超长行的项目", "901-测试局", "1", rows, goal="完成目标。" * 300)
    content = str(tmp_path / "content")
    check = run_cli("check", "--content", content)
    assert check.returncode == 0
    assert "01-超长.md:19: 三级指标: （警告）内容过长（840 字）" in check.stdout
    assert "01-超长.md:13: 年度总体绩效目标: （警告）内容过长（1500 字）" in check.stdout
    assert run_cli("check", "--content", content, "--strict").returncode == 1
    out = tmp_path / "dist"
    result = run_build("--content", content, "--out", str(out), "--jobs", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    text = squash("".join(pdf_pages(next(out.rglob("01-*.pdf")))))
    # the row is split across pages, with page furniture between its parts: count what only it holds
    assert text.count("访") == 60 and text.count("。") == 300 and "短指标" in text


def test_the_seed_has_nothing_too_long():
    from conftest import CONTENT

    result = run_cli("check", "--content", str(CONTENT))
    assert "内容过长" not in result.stdout
