"""The world as it is: a content folder named with “..”, a reproducible-build date out of range, a reader
that stops reading, Ctrl-C at any moment: each ends in a clear message, never a program fault."""

from __future__ import annotations

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
