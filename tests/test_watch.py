"""`build.py watch`: a saved edit reaches its PDF and the volume; Ctrl-C leaves no process and no file behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

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


def read_until(proc: subprocess.Popen, text: str, timeout: float = 120) -> list[str]:
    lines, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if text in line:
            return lines
    raise AssertionError(f"no line with {text!r} in time: {lines}")


def test_a_saved_edit_is_rebuilt_and_ctrl_c_leaves_nothing(tmp_path):
    content, out, scratch = copy_content(tmp_path), tmp_path / "dist", tmp_path / "tmp"
    scratch.mkdir()
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
        rest = proc.communicate(timeout=60)[0]
    assert proc.returncode == 0, rest
    assert "已停止监视" in rest and "Traceback" not in rest
    time.sleep(0.5)
    assert not [pid for pid in workers if alive(pid)]
    assert sorted(p.name for p in scratch.iterdir()) == []
    table = next((out / DEPT).glob("01-*.pdf"))
    volume = next(p for p in (out / DEPT).glob("*.pdf") if not p.name[:2].isdigit())
    assert "目标1（已改）" in squash("".join(pdf_pages(table)))
    assert "目标1（已改）" in squash("".join(pdf_pages(volume)))
