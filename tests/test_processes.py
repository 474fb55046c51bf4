"""No process of a command is left running once it has returned: not the fork server, not a worker, not a
helper of a helper; and nothing it made is left in the temp folder."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import ROOT, SEED, copy_content


def session_members(sid: int) -> list[str]:
    """The processes still in session `sid`, as `pid command`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            # after the command name, which may hold spaces and parentheses: state ppid pgrp session …
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[3]) == sid and fields[0] != "Z":
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                found.append(f"{entry.name} {command}")
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
    return found


def run_alone(args: list[str], temp: Path) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Run a command in a session of its own; once it has returned, what of that session still runs."""
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True, env={**os.environ, "TMPDIR": str(temp)})
    out, _ = proc.communicate(timeout=600)
    time.sleep(0.2)  # a child the command failed to wait for would still be exiting
    left = session_members(proc.pid)
    for line in left:  # never let one outlive the test either
        try:
            os.kill(int(line.split()[0]), signal.SIGKILL)
        except OSError:
            pass
    return subprocess.CompletedProcess(args, proc.returncode, out), left


@pytest.fixture
def temp():
    # Short: a socket's path has at most 107 bytes, and multiprocessing's fork server's goes in here.
    folder = Path(tempfile.mkdtemp(prefix="t"))
    yield folder
    shutil.rmtree(folder)


def test_the_scan_finds_a_process_left_behind(temp):
    """The check below can fail: a command that leaves a child running is caught."""
    result, left = run_alone(["sh", "-c", "sleep 30 >/dev/null 2>&1 &"], temp)
    assert result.returncode == 0
    assert any("sleep 30" in line for line in left)


@pytest.mark.slow
def test_build_check_import_verify_and_review_leave_no_process_and_no_temp_file(tmp_path, temp):
    content = copy_content(tmp_path)
    for path in content.rglob("*.md"):  # three tables keep it quick; two workers still start
        if path.name[:2] not in ("01", "03", "05"):
            path.unlink()
    out = tmp_path / "dist"
    build = [sys.executable, str(ROOT / "build.py")]
    project = next(content.rglob("03-*.md"))
    commands = [
        ("cold build", build + ["--content", str(content), "--out", str(out), "--jobs", "2"]),
        ("no-op build", build + ["--content", str(content), "--out", str(out), "--jobs", "2"]),
        ("edit", None),
        ("build after an edit", build + ["--content", str(content), "--out", str(out), "--jobs", "2"]),
        ("check", build + ["check", "--content", str(content)]),
        ("import", build + ["import", str(SEED), "--content", str(tmp_path / "imported"), "--year", "2025"]),
        ("verify", build + ["verify", "--out", str(out)]),
        ("review", build + ["review", str(content), "--out", str(out)]),
    ]
    for what, args in commands:
        if args is None:
            text = project.read_text(encoding="utf-8")
            project.write_text(text.replace("维护社会和谐稳定。", "维护社会和谐稳定，年内回访。"), encoding="utf-8")
            continue
        result, left = run_alone(args, temp)
        assert result.returncode == 0, f"{what}: {result.stdout}"
        assert left == [], f"{what} left running: {left}"
        assert sorted(p.name for p in temp.rglob("*")) == [], f"{what} left in the temp folder"


@pytest.mark.parametrize(("how", "after"), [(signal.SIGKILL, 0.5), (signal.SIGTERM, 0.5),
                                            (signal.SIGKILL, 0.15)])  # while the fork server starts
def test_killing_the_command_ends_its_workers_and_removes_its_temp_files(tmp_path, temp, how, after):
    content = copy_content(tmp_path)
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--content", str(content), "--out",
                             str(tmp_path / "dist"), "--jobs", "2"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env={**os.environ, "TMPDIR": str(temp)})
    time.sleep(after)
    os.kill(proc.pid, how)  # the command alone, as a task manager does: not its group
    _, err = proc.communicate(timeout=60)
    deadline = time.monotonic() + 3
    while session_members(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = session_members(proc.pid)
    for line in left:
        os.kill(int(line.split()[0]), signal.SIGKILL)
    assert left == [], f"left running 3 s after the command was killed: {left}"
    assert sorted(p.name for p in temp.rglob("*")) == [], "left in the temp folder"
    assert "Traceback" not in err, err
    if how == signal.SIGTERM:
        assert proc.returncode == 130 and err.startswith("已中断"), err


def test_a_long_temp_path_builds(tmp_path):
    content = copy_content(tmp_path)
    for path in content.rglob("*.md"):
        if path.name[:2] not in ("01", "02"):
            path.unlink()
    long = tmp_path / ("临时" * 40)
    long.mkdir()
    assert len(str(long)) >= 100
    result, left = run_alone([sys.executable, str(ROOT / "build.py"), "--content", str(content), "--out",
                              str(tmp_path / "dist"), "--jobs", "2"], long)
    assert result.returncode == 0, result.stdout
    assert left == [] and list(long.iterdir()) == []


def test_the_fonts_copies_live_in_a_folder_of_the_process_and_go_with_forget_fonts():
    """WeasyPrint copies the @font-face files (10 MB) into the temp folder and removes them only in its
    configuration's __del__: layout gives it a folder of its own, which forget_fonts removes."""
    from render.typeset import layout

    layout.forget_fonts()
    layout.stylesheet()
    folder = Path(layout.fonts_folder())
    copies = [p for p in folder.rglob("*") if p.is_file()]
    assert copies and sum(p.stat().st_size for p in copies) > 1_000_000, "WeasyPrint no longer copies the fonts here"
    assert tempfile.gettempdir() != str(folder), "the process's temp folder is its own again after the parse"
    layout.forget_fonts()
    assert not folder.exists()
    layout.stylesheet()  # and a later layout gets a new one
    assert Path(layout.fonts_folder()).is_dir() and Path(layout.fonts_folder()) != folder


@pytest.mark.slow
def test_the_workers_run_this_programs_code_from_whatever_folder_it_is_run(tmp_path):
    """Python 3.11's fork server is a `python -c`: left to itself it imports `render` from the folder the
    command is run in before this program's (render/produce/workers.py, _own_code)."""
    content = copy_content(tmp_path)
    here = tmp_path / "elsewhere"
    (here / "render" / "produce").mkdir(parents=True)
    ran = tmp_path / "ran"
    (here / "render" / "__init__.py").write_text(f"open({str(ran)!r}, 'w').close()\n", encoding="utf-8")
    (here / "render" / "produce" / "__init__.py").write_text("", encoding="utf-8")
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "--content", str(content), "--out",
                             str(tmp_path / "dist"), "--jobs", "2"], cwd=here, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not ran.exists(), "a worker imported the render package of the folder the build was run from"
