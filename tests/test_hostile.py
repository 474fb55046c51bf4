"""The world as it is: a content folder named with “..”, a reproducible-build date out of range, a reader
that stops reading, Ctrl-C at any moment: each ends in a clear message, never a program fault."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time

import pytest
from conftest import CONTENT, ROOT, run_build, run_cli


def test_paths_shown_and_recorded_have_no_dotdot_inside(tmp_path):
    import shutil

    shutil.copytree(CONTENT, tmp_path / "c099")
    (tmp_path / "p").mkdir()
    result = run_build("check", "--content", "../c099", cwd=tmp_path / "p")
    lines = result.stdout.splitlines()
    # relative to where it was run, as typed (issue 35): not c099/…, relative to nothing typed
    assert lines[0].startswith("../c099/2025/018-平罗县司法局/") and not any("/../" in line for line in lines), lines
    result = run_build("review", "../c099", "--out", "../dist", cwd=tmp_path / "p")
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = (tmp_path / "dist" / "manifest.json").read_text(encoding="utf-8")
    assert "c099/2025/018-平罗县司法局/部门.yml" in manifest and "/../" not in manifest


@pytest.mark.parametrize("epoch", ["99999999999999", "-5", "明天"])
def test_a_source_date_epoch_that_is_no_date_is_refused(tmp_path, monkeypatch, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    said = f"SOURCE_DATE_EPOCH: 环境变量: “{epoch}”不是有效的时间：应为 1970 年以来的秒数"
    result = run_cli("--content", str(CONTENT), "--out", str(tmp_path / "dist"))
    lines = result.stdout.splitlines()  # after the line naming the folders, before anything else
    assert result.returncode == 2 and lines[0].startswith("内容文件夹 ") and lines[1].startswith(said), result.stdout
    assert not (tmp_path / "dist").exists()
    result = run_cli("review", str(CONTENT), "--out", str(tmp_path / "dist"))
    assert result.returncode == 2 and said in result.stdout, result.stdout + result.stderr


def test_a_reader_that_stops_reading_ends_the_command_quietly():
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "review", str(CONTENT)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()  # as `| head -1` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 130 and err == ""


@pytest.mark.parametrize("after", [0.25, 0.45, 0.7])
def test_ctrl_c_at_any_moment_prints_one_line(tmp_path, after):
    from conftest import copy_content

    content = copy_content(tmp_path)
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--content", str(content), "--out",
                             str(tmp_path / "dist"), "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    time.sleep(after)
    import os

    os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: the whole group
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # a hung build fails the test, and is not left behind
        proc.communicate()
        raise
    time.sleep(0.5)  # a worker's traceback would come after the command's line
    if proc.returncode == 130:
        assert err == "已中断：已写出的文件完整，未写完的没有留下。\n", err
    else:
        assert proc.returncode == 0 and err == "", err


# ---- issue 37, items 8 and 12: 审核.yml read only from inside, and every text a PDF prints checked ----

def test_a_review_file_linked_from_outside_is_refused_not_printed(tmp_path):
    from conftest import DEPT, copy_content

    content = copy_content(tmp_path)
    (tmp_path / "外").mkdir()
    (tmp_path / "外" / "审核.yml").write_text("审核人: 外人甲\n", encoding="utf-8")
    (content / DEPT / "审核.yml").symlink_to(tmp_path / "外" / "审核.yml")
    said = f"{DEPT}/审核.yml:1: 文件: 是指向内容文件夹以外的链接，已拒绝读取"
    result = run_cli("review", str(content))
    assert result.returncode == 1 and said in result.stdout and "外人甲" not in result.stdout, result.stdout


@pytest.mark.parametrize(("file", "line", "field", "value", "shown"), [
    ("部门.yml", 7, "编制单位", "平罗县司法局😀", "“😀”(U+1F600"),
    ("部门.yml", 5, "册名", "平罗县\U00020000司法局", "“\U00020000”(U+20000"),
    ("部门.yml", 5, "册名", '"平罗县\\a司法局"', "(U+0007 控制字符)"),
    ("审核.yml", 1, "审核人", "张三😀", "“😀”(U+1F600"),
])
def test_text_the_volume_or_opinion_prints_is_checked_like_a_project_file(tmp_path, file, line, field, value, shown):
    from conftest import DEPT, copy_content

    content = copy_content(tmp_path)
    path = content / DEPT / file
    text = path.read_text(encoding="utf-8") if path.exists() else f"{field}: x\n"
    path.write_text(re.sub(rf"(?m)^{field}: .*$", lambda _: f"{field}: {value}", text), encoding="utf-8")
    # `review` reads 审核.yml (the tables' commands never do), `check` the rest
    result = run_cli("review", str(content)) if file == "审核.yml" else run_cli("check", "--content", str(content))
    assert result.returncode == 1, result.stdout
    assert f"{DEPT}/{file}:{line}: {field}: 含有字体 Noto Serif CJK SC 无法显示的字符：" in result.stdout, result.stdout
    assert shown in result.stdout


def test_a_department_without_projects_promises_no_volume(tmp_path):
    from conftest import department_file

    department_file(tmp_path / "content" / "2025" / "901-测试局", "901", "测试局")
    result = run_cli("check", "--content", str(tmp_path / "content"))
    assert "2025/901-测试局: 部门文件夹: （警告）没有项目文件（*.md）：这个部门不生成装订册" in result.stdout, result.stdout
    result = run_cli("--content", str(tmp_path / "content"), "--out", str(tmp_path / "dist"))
    assert result.returncode == 0 and not list((tmp_path / "dist").rglob("*.pdf")), result.stdout


def laid_out(tmp_path, rows: list[tuple[str, str, str, str]], monkeypatch) -> tuple[list[str], list[str]]:
    """A project of `rows` paginated as a build does: the text of each page, and the HTML of every layout."""
    from conftest import department_file, project_file
    from pypdf import PdfReader

    from render.produce.plan import source_base
    from render.produce.tasks import environment
    from render.source import load
    from render.typeset import layout, paginate

    folder = tmp_path / "content" / "2025" / "901-测试局"
    department_file(folder, "901", "测试局")
    project_file(folder, "01-甲", "甲", "901-测试局", "1", rows)
    content, problems = load.load(tmp_path / "content", source_base(tmp_path / "content"))
    assert not [p for p in problems if p.severity == "error"], problems
    htmls, real = [], layout.document
    monkeypatch.setattr(layout, "document", lambda html, *a, **k: htmls.append(html) or real(html, *a, **k))
    doc = paginate.project(environment(), content.departments[0].projects[0])
    (tmp_path / "甲.pdf").write_bytes(layout.write(doc))
    return [re.sub(r"\s+", "", page.extract_text() or "") for page in PdfReader(tmp_path / "甲.pdf").pages], htmls


def test_a_long_table_is_laid_out_whole_twice_not_once_per_page(tmp_path, monkeypatch):
    """Issue 37 item 7: each page break laid the whole table out again (40 rows of 800 characters: 118 s);
    now the whole is laid out twice and a few rows from each cut between."""
    from conftest import long_rows

    rows = [(a, b, f"{c}，" + "并按月报送进度" * 6, d) for a, b, c, d, *_ in long_rows(60)]
    pages, htmls = laid_out(tmp_path, rows, monkeypatch)
    assert len(pages) >= 5 and all(page.startswith("续表甲") for page in pages[1:]), pages
    assert sum('class="form-title"' in html for html in htmls) == 2, len(htmls)


def test_a_cell_of_the_longest_allowed_leaves_no_page_of_only_the_continuation_head(tmp_path, monkeypatch):
    from conftest import long_rows

    rows = [(a, b, f"{k}" + "很长的指标名称" * 284, f"{k}" + "绩效值说明" * 398) for k, (a, b, *_) in enumerate(long_rows(2))]
    pages, _ = laid_out(tmp_path, rows, monkeypatch)
    bare = [n for n, page in enumerate(pages, 1) if re.fullmatch(r"续表甲(—\d+—)?单位：万元(—\d+—)?", page)]
    assert len(pages) > 4 and not bare, (bare, [p[:30] for p in pages])
