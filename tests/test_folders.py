"""Which folders a command uses: relative ones from where it is run (as mkdocs and typst take theirs), said at
the start when they are not ./content and ./dist, never the checkout's own when the person stands elsewhere."""

from __future__ import annotations

import shutil

from conftest import department_file, project_file, run_build


def _small(where):
    folder = where / "2025" / "901-测试局"
    department_file(folder, "901", "测试局")
    project_file(folder, "01-培训项目", "培训项目", "901-测试局", "1", [("1-产出指标", "11-数量指标", "培训", "≥1次")])
    return where


def test_a_folder_without_content_is_told_where_it_looked(tmp_path):
    for command in ((), ("check",)):
        result = run_build(*command, cwd=tmp_path)
        assert result.returncode == 2, result.stdout
        assert f"content: 内容目录: 找不到这个文件夹（相对路径从运行命令的当前文件夹 {tmp_path} 算起）" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_the_folders_are_those_where_the_command_is_run(tmp_path):
    _small(tmp_path / "content")
    result = run_build("--jobs", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "dist" / "manifest.json").is_file() and "内容文件夹" not in result.stdout
    assert run_build("verify", cwd=tmp_path).returncode == 0
    shutil.rmtree(tmp_path / "dist")
    (tmp_path / "p").mkdir()
    other = run_build("--content", "../content", "--out", "../印刷", "--jobs", "1", cwd=tmp_path / "p")
    assert other.returncode == 0, other.stdout + other.stderr
    assert other.stdout.splitlines()[0] == f"内容文件夹 {tmp_path / 'content'}，输出文件夹 {tmp_path / '印刷'}"
    assert (tmp_path / "印刷" / "manifest.json").is_file() and not (tmp_path / "dist").exists()


def test_problems_name_files_as_found_from_where_the_command_runs(tmp_path):
    """`--content ../c2` printed `c2/2025/…`, relative to nothing the person typed."""
    _small(tmp_path / "c2")
    project = tmp_path / "c2" / "2025" / "901-测试局" / "01-培训项目.md"
    project.write_text(project.read_text(encoding="utf-8").replace("项目年度金额: 1", "项目年度金额: 一万"), encoding="utf-8")
    absolute = run_build("check", "--content", str(tmp_path / "c2"), cwd=tmp_path / "c2")
    assert absolute.stdout.startswith("c2/2025/"), absolute.stdout  # typed in full: named as the manifest names it
    (tmp_path / "p").mkdir()
    away = run_build("check", "--content", "../c2", cwd=tmp_path / "p")
    assert away.stdout.startswith("../c2/2025/901-测试局/01-培训项目.md:8: 项目年度金额: "), away.stdout
    reviewed = run_build("review", "../c2", cwd=tmp_path / "p")
    assert reviewed.stdout.startswith("../c2/2025/901-测试局/01-培训项目.md:8: 项目年度金额: "), reviewed.stdout
    beside = run_build("check", "--content", "c2", cwd=tmp_path)
    assert beside.stdout.startswith("c2/2025/901-测试局/01-培训项目.md:8: 项目年度金额: "), beside.stdout


def test_drafts_are_listed_in_their_folder(tmp_path):
    _small(tmp_path / "content")
    made = run_build("--draft", "--jobs", "1", cwd=tmp_path)
    assert made.returncode == 0, made.stdout + made.stderr
    assert "  草稿/2025/901-测试局/01-培训项目（征求意见稿）.pdf（1 页）" in made.stdout.splitlines(), made.stdout
    assert (tmp_path / "dist" / "草稿" / "2025" / "901-测试局" / "01-培训项目（征求意见稿）.pdf").is_file()


def test_a_chosen_department_is_read_alone(tmp_path):
    """`build.py PATH` and the site's pages read the department PATH lies in, not the whole county: the
    other's files, sound or not, are neither read nor judged; without PATH both are."""
    from conftest import copy_content

    from render.source import load

    content = copy_content(tmp_path)
    other = content / "2025" / "019-平罗县民政局"
    department_file(other, "019", "平罗县民政局")
    project_file(other, "01-救助", "救助", "019-平罗县民政局", "不是金额", [("1-产出指标", "11-数量指标", "人数", "≥3人")])
    mine = content / "2025" / "018-平罗县司法局"
    for within in (mine, next(mine.glob("03-*.md"))):
        loaded, problems = load.load(content, tmp_path, within)
        assert [d.folder for d in loaded.departments] == ["content/2025/018-平罗县司法局"]
        assert not [p for p in problems if "019-" in p.path]
    loaded, problems = load.load(content, tmp_path)
    assert len(loaded.departments) == 2 and [p for p in problems if "019-" in p.path and p.severity == "error"]
