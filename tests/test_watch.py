"""`build.py watch`: a saved edit reaches its PDF and the volume; Ctrl-C leaves no process and no file behind."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import DEPT, ROOT, copy_content, pdf_pages, squash


def descendants(pid: int) -> set[int]:
    """Every process below `pid`, read from /proc (the workers are the fork server's children)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] if Path(f"/proc/{pid}").exists() else "X"
    return state != "Z"


_queues: dict[int, queue.Queue] = {}


def read_until(proc: subprocess.Popen, text: str, timeout: float = 60) -> list[str]:
    """The lines `proc` prints up to one with `text`; a watch that goes deaf fails the test, not hangs it."""
    if proc.pid not in _queues:
        _queues[proc.pid] = lines_of = queue.Queue()
        threading.Thread(target=lambda: [lines_of.put(line) for line in proc.stdout] + [lines_of.put("")],
                         daemon=True).start()
    lines, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = _queues[proc.pid].get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if text in line:
            return lines
    raise AssertionError(f"no line with {text!r} in time: {lines}")


def rest_of(proc: subprocess.Popen) -> str:
    """What `proc` printed after the last `read_until`, once it has ended."""
    proc.wait(timeout=60)
    lines_of = _queues.get(proc.pid)
    if lines_of is None:
        return proc.stdout.read()
    time.sleep(0.2)
    return "".join(iter(lambda: lines_of.get(timeout=5), ""))


@pytest.mark.slow
def test_a_saved_edit_is_rebuilt_and_ctrl_c_leaves_nothing(tmp_path):
    content, out, scratch = copy_content(tmp_path), tmp_path / "dist", tmp_path / ("临时" * 40)
    scratch.mkdir()  # a long temp path: the fork server's socket must still fit (107 bytes)
    assert len(str(scratch)) >= 100
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "watch", "--content", str(content),
                             "--out", str(out), "--jobs", "2"], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env={**os.environ, "TMPDIR": str(scratch)})
    try:
        first = read_until(proc, "正在监视")
        assert any("首次生成" in line and "等 11 个" in line for line in first), first
        source = next((content / DEPT).glob("01-*.md"))
        text = source.read_text(encoding="utf-8")
        source.write_text(text.replace("目标1：", "目标1（已改）："), encoding="utf-8")
        rebuilt = read_until(proc, source.name)[-1]
        assert "01-2025年全区安置帮教经费.pdf" in rebuilt and "部门项目支出预算绩效目标表.pdf" in rebuilt, rebuilt
        workers = descendants(proc.pid)
        assert workers, "the workers stay between builds"
    finally:
        proc.send_signal(signal.SIGINT)
        rest = rest_of(proc)
    assert proc.returncode == 130, rest
    assert "已停止监视" in rest and "Traceback" not in rest
    time.sleep(0.5)
    assert not [pid for pid in workers if alive(pid)]
    assert sorted(p.name for p in scratch.iterdir()) == []
    table = next((out / DEPT).glob("01-*.pdf"))
    volume = next(p for p in (out / DEPT).glob("*.pdf") if not p.name[:2].isdigit())
    assert "目标1（已改）" in squash("".join(pdf_pages(table)))
    assert "目标1（已改）" in squash("".join(pdf_pages(volume)))


@pytest.mark.slow
def test_watch_follows_the_folder_through_deletion_restoration_and_renames(tmp_path):
    import shutil

    content, out = copy_content(tmp_path), tmp_path / "dist"
    for path in content.rglob("*.md"):
        if path.name[:2] not in ("01", "02"):
            path.unlink()
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "watch", "--content", str(content),
                             "--out", str(out), "--jobs", "2"], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        read_until(proc, "正在监视")
        project = next((content / DEPT).glob("02-*.md"))
        kept = project.read_bytes()
        project.unlink()
        assert f"已删除 {project.stem}.pdf（源文件已删除）" in read_until(proc, "已删除")[-1]
        project.write_bytes(kept)
        read_until(proc, f"{project.stem}.pdf（1 页）")

        shutil.move(content, tmp_path / "away")
        read_until(proc, "已不存在")
        shutil.move(tmp_path / "away", content)
        read_until(proc, "用时")
        source = next((content / DEPT).glob("01-*.md"))
        source.write_text(source.read_text(encoding="utf-8").replace("目标1：", "目标1（恢复后）："), encoding="utf-8")
        assert "01-2025年全区安置帮教经费.pdf" in read_until(proc, source.name)[-1]

        department = content / DEPT
        department.rename(department.with_name("018-平罗县司法局（改）"))
        assert "有错误" in read_until(proc, "用时")[-1]  # a department folder must be named 编码-名称: check says so
    finally:
        proc.send_signal(signal.SIGINT)
        rest = rest_of(proc)
    assert proc.returncode == 130, rest
    assert "目标1（恢复后）" in squash("".join(pdf_pages(next((out / DEPT).glob("01-*.pdf")))))
