"""Bounds on what a project file may hold, refused by `check` before anything is laid out: a runaway file
costs a second, not a worker's memory."""

from conftest import department_file, long_rows, project_file, run_cli

from render.source import limits

DEPT = "901-测试局"


def _content(tmp_path):
    folder = tmp_path / "content" / "2025" / DEPT
    department_file(folder, "901", "测试局")
    return folder


def _check(tmp_path):
    return run_cli("check", "--content", str(tmp_path / "content"))


def test_a_hundred_thousand_rows_are_refused_by_the_files_size(tmp_path):
    folder = _content(tmp_path)
    path = project_file(folder, "01-巨表", "巨表", DEPT, "1", long_rows(3))
    row = "|  |  | 对刑满释放人员进行衔接帮教率 | ≥95% |\n"
    with path.open("a", encoding="utf-8") as f:
        f.write(row * 100_000)
    result = _check(tmp_path)
    assert result.returncode == 1
    assert "01-巨表.md:1: 文件: 文件过大（" in result.stdout
    assert f"最多 {limits.FILE_SIZE_TEXT}" in result.stdout
    assert all(len(line) < 200 for line in result.stdout.splitlines())


def test_rows_past_the_limit_are_refused_without_parsing_them(tmp_path):
    folder = _content(tmp_path)
    # short rows: 90,000 of them still fit under the size limit
    path = project_file(folder, "01-巨表", "巨表", DEPT, "1", long_rows(3))
    with path.open("a", encoding="utf-8") as f:
        f.write("||||1|\n" * 90_000)
    assert path.stat().st_size < limits.MAX_FILE_BYTES
    result = _check(tmp_path)
    assert result.returncode == 1
    first_over = 18 + limits.MAX_ROWS + 1  # the table's rows start on line 19
    assert f"01-巨表.md:{first_over}: 绩效指标: 指标表有 90003 行，超过上限 {limits.MAX_ROWS} 行" in result.stdout


def test_the_row_limit_is_exact(tmp_path):
    folder = _content(tmp_path)
    project_file(folder, "01-满", "满表", DEPT, "1", long_rows(limits.MAX_ROWS))
    result = _check(tmp_path)
    assert result.returncode == 0, result.stdout
    project_file(folder, "02-超", "超表", DEPT, "1", long_rows(limits.MAX_ROWS + 1))
    result = _check(tmp_path)
    assert result.returncode == 1
    assert f"02-超.md:{18 + limits.MAX_ROWS + 1}: 绩效指标: 指标表有 {limits.MAX_ROWS + 1} 行" in result.stdout
    assert "01-满.md" not in result.stdout


def test_a_cell_past_the_limit_is_named_with_its_field_and_quoted_short(tmp_path):
    folder = _content(tmp_path)
    long = "开展法治宣传进社区活动" * 200  # 2,200 characters
    rows = [("1-产出指标", "11-数量指标", long, "≥1次"), ("", "", "短指标", long)]
    path = project_file(folder, "01-长格", "长格", DEPT, "1", rows, goal=long)
    path.write_text(path.read_text(encoding="utf-8").replace("项目期限: 1年", f"项目期限: {long}"), encoding="utf-8")
    result = _check(tmp_path)
    assert result.returncode == 1
    said = f"内容过长（{len(long)} 字，以“{long[:limits.EXCERPT]}…”开头）：每格最多 {limits.MAX_CELL_CHARS} 字"
    for where in ("01-长格.md:6: 项目期限: ", "01-长格.md:13: 年度总体绩效目标: ", "01-长格.md:19: 三级指标: ",
                  "01-长格.md:20: 绩效值: "):
        assert where + said in result.stdout, where
    assert "（警告）内容过长" not in result.stdout  # the error says it: no warning about the same cell
    assert all(len(line) < 200 for line in result.stdout.splitlines())


def test_an_amount_of_more_digits_than_any_budget_is_refused(tmp_path):
    folder = _content(tmp_path)
    project_file(folder, "01-巨额", "巨额", DEPT, "1" * (limits.EXCERPT + 5), long_rows(3))
    project_file(folder, "02-大额", "大额", DEPT, "9" * limits.MAX_AMOUNT_DIGITS + ".5", long_rows(3))
    result = _check(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr  # was a crash: Decimal keeps 28 digits
    assert (f"01-巨额.md:8: 项目年度金额: “{'1' * limits.EXCERPT}…”超过 {limits.MAX_AMOUNT_DIGITS} 位整数"
            in result.stdout)
    assert "02-大额.md" not in result.stdout


def test_the_content_readme_states_the_limits_as_the_code_holds_them():
    from render.resources import ROOT

    readme = (ROOT / "content" / "README.md").read_text(encoding="utf-8")
    for said in (f"一个文件最多 {limits.FILE_SIZE_TEXT}", f"指标表最多 {limits.MAX_ROWS} 行",
                 f"最多 {limits.MAX_CELL_CHARS} 字", f"合计最多 {limits.MAX_TABLE_CHARS} 字", f"项目年度金额最多 {limits.MAX_AMOUNT_DIGITS} 位整数"):
        assert said in readme, said


def test_a_table_too_long_to_lay_out_in_reasonable_time_is_named_by_check(tmp_path):
    """200 rows of 800-character cells are within every per-cell bound; laid out, some 600 pages (issue 37)."""
    folder = tmp_path / "content" / "2025" / DEPT
    department_file(folder, DEPT.split("-")[0], DEPT.split("-")[1])
    rows = [(a, b, f"{k}" + "很长的指标名称" * 114, f"{k}" + "绩效值说明" * 160) for k, (a, b, *_) in enumerate(long_rows(20))]
    project_file(folder, "01-长", "长表", DEPT, "1", rows)
    result = run_cli("check", "--content", str(tmp_path / "content"))
    assert result.returncode == 1
    written = sum(len(r[2]) + len(r[3]) for r in rows)
    assert (f"01-长.md:17: 绩效指标: 指标表的三级指标和绩效值共 {written} 字，超过上限 {limits.MAX_TABLE_CHARS} 字"
            f"（印出来约 {written // 500} 页）") in result.stdout, result.stdout
