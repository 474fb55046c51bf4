"""The machine's problems reach the clerk in Chinese, naming the path and what to do, never as Python; earlier
PDFs stay as they were; `python3 build.py` runs in .venv/; a worker that dies fails only its own table."""

import errno
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, copy_content, run_build

from render.produce import workers as warm
from render.system import system_message
from render.problems import RenderError

PYTHON_WORDS = re.compile(r"Errno|Error|Exception|Traceback|\[WinError")


def pdfs(out):
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.pdf"))
            if ".cache" not in p.parts}


def clerk_reads(result, path) -> str:
    """The one message, checked: non-zero, Chinese, naming `path`, no Python in it."""
    assert result.returncode == 4, result.stdout + result.stderr
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("错误：") and str(path) in message, message
    assert not PYTHON_WORDS.search(result.stdout + result.stderr), result.stdout + result.stderr
    return message


@pytest.fixture
def small(tmp_path):
    content = copy_content(tmp_path)
    for path in content.rglob("*.md"):
        if path.name[:2] != "01":
            path.unlink()
    return content


def test_a_file_where_the_output_folder_must_be(small, tmp_path):
    blocker = tmp_path / "dist"
    blocker.write_text("报表\n", encoding="utf-8")
    result = run_build("--content", str(small), "--out", str(blocker / "2025"), "--jobs", "1")
    assert "文件占了文件夹的位置" in clerk_reads(result, blocker)
    assert blocker.read_text(encoding="utf-8") == "报表\n"


def test_a_path_too_long(small, tmp_path):
    out = tmp_path / ("长" * 100)  # 300 bytes: more than a file name may have
    assert "路径太长" in clerk_reads(run_build("--content", str(small), "--out", str(out), "--jobs", "1"), out)


def mounted(where: Path, *options: str) -> bool:
    """A tmpfs of 1 MiB at `where`, if this test runs as root where mounting works."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("mount"):
        return False
    where.mkdir()
    return subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(("size=1m",) + options), "tmpfs", str(where)],
                          capture_output=True).returncode == 0


@pytest.fixture
def disk(tmp_path):
    where = tmp_path / "disk"
    if not mounted(where):
        pytest.skip("needs root and mount for a 1 MiB disk (the messages are checked by test_every_system_error…)")
    yield where
    subprocess.run(["umount", str(where)], check=True)


@pytest.mark.slow
def test_a_full_disk_keeps_the_earlier_pdfs(small, disk):
    out = disk / "dist"
    assert run_build("--content", str(small), "--out", str(out), "--jobs", "1").returncode == 0
    before = pdfs(out)
    for path in copy_content(disk.parent / "all").rglob("*.md"):  # nine more tables and a thicker volume
        shutil.copy(path, small / path.relative_to(disk.parent / "all" / "content"))
    result = run_build("--content", str(small), "--out", str(out), "--jobs", "2")
    message = clerk_reads(result, out)
    assert "磁盘已满" in message
    after = pdfs(out)
    assert {rel: after[rel] for rel in before} == before
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_a_read_only_output_folder_keeps_the_earlier_pdfs(small, disk):
    out = disk / "dist"
    assert run_build("--content", str(small), "--out", str(out), "--jobs", "1").returncode == 0
    before = pdfs(out)
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    path = next(small.rglob("01-*.md"))
    path.write_text(path.read_text(encoding="utf-8").replace("## 年度总体绩效目标\n\n", "## 年度总体绩效目标\n\n另加。"),
                    encoding="utf-8")
    message = clerk_reads(run_build("--content", str(small), "--out", str(out), "--jobs", "1"), out)
    assert "只读" in message
    assert pdfs(out) == before


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes where chmod forbids it")
def test_an_output_folder_without_write_permission(small, tmp_path):
    out = tmp_path / "dist"
    assert run_build("--content", str(small), "--out", str(out), "--jobs", "1").returncode == 0
    before = pdfs(out)
    for folder in [out, *out.rglob("*")]:
        if folder.is_dir():
            folder.chmod(0o555)
    try:
        path = next(small.rglob("01-*.md"))
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        message = clerk_reads(run_build("--content", str(small), "--out", str(out), "--jobs", "1"), out)
        assert "没有权限" in message
        assert pdfs(out) == before
    finally:
        for folder in [out, *out.rglob("*")]:
            if folder.is_dir():
                folder.chmod(0o755)


@pytest.mark.parametrize("code, says", [
    (errno.EACCES, "没有权限"), (errno.EPERM, "没有权限"), (errno.EROFS, "只读"), (errno.ENOSPC, "磁盘已满"),
    (errno.ENAMETOOLONG, "路径太长"), (errno.EBUSY, "文件被占用"), (errno.ETXTBSY, "文件被占用"),
    (errno.EIO, "EIO"),
])
def test_every_system_error_names_the_path_and_what_to_do(code, says):
    message = system_message(OSError(code, os.strerror(code), "/srv/档案/dist/表.pdf"))
    assert message.startswith("/srv/档案/dist/表.pdf：") and says in message
    assert not PYTHON_WORDS.search(message) and os.strerror(code) not in message


def test_an_error_without_a_number_says_the_systems_own_words():
    message = system_message(OSError("AF_UNIX path too long"))
    assert "AF_UNIX path too long" in message and not PYTHON_WORDS.search(message)


def test_a_file_open_in_another_program_on_windows():
    locked = OSError(errno.EACCES, "The process cannot access the file", "D:\\档案\\表.pdf")
    locked.winerror = 32
    assert system_message(locked) == "D:\\档案\\表.pdf：文件被占用（可能正在另一个程序中打开，如 PDF 阅读器）。请关闭打开它的程序后重新运行。"


def test_a_disk_full_while_writing_names_the_pdf_not_its_temp_file(tmp_path, monkeypatch):
    from render.produce.commit import Transaction

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    staged = Transaction(tmp_path)
    with pytest.raises(OSError) as raised:
        staged.write("2025/表.pdf", b"%PDF")
    assert system_message(raised.value).startswith(f"{tmp_path / '2025/表.pdf'}：磁盘已满")
    staged.abort()
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == []


def test_debug_keeps_the_traceback(small, tmp_path):
    out = tmp_path / ("长" * 100)
    result = run_build("--debug", "--content", str(small), "--out", str(out), "--jobs", "1")
    assert result.returncode == 4 and "Traceback" in result.stderr and "路径太长" in result.stderr


def system_python() -> str | None:
    for candidate in ("/usr/bin/python3", shutil.which("python3")):
        if candidate and Path(candidate).is_file() and not Path(candidate).resolve().is_relative_to(ROOT):
            return candidate
    return None


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "python").is_file() or not system_python(),
                    reason="needs .venv/ (make build) and a python3 outside it")
def test_the_system_python_runs_the_build_in_the_venv(small, tmp_path):
    out = tmp_path / "dist"
    python = system_python()
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "MUBIAOBIAO_IN_VENV")}
    built = subprocess.run([python, "build.py", "--content", str(small), "--out", str(out), "--jobs", "1"],
                           cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    assert len(pdfs(out)) == 2
    # the arguments and the exit code come through: a check that finds an error says 1
    path = next(small.rglob("01-*.md"))
    path.write_text(path.read_text(encoding="utf-8").replace("项目年度金额: ", "项目年度金额: 约"), encoding="utf-8")
    checked = subprocess.run([python, str(ROOT / "build.py"), "check", "--content", str(small)], cwd=tmp_path,
                             capture_output=True, text=True, env=env, timeout=300)
    assert checked.returncode == 1 and "项目年度金额" in checked.stdout, checked.stdout + checked.stderr


def test_a_worker_that_dies_fails_its_job_and_not_the_others():
    """A dead worker breaks a process pool: the jobs it took down run again, each alone."""
    warm.start()
    pool = warm.Sturdy(2)
    try:
        crash = pool.submit(os._exit, 3)
        later = [pool.submit(len, "表" * n) for n in range(4)]
        assert isinstance(crash.exception(timeout=60), RenderError)
        assert [f.result(timeout=60) for f in later] == [0, 1, 2, 3]
        alone = pool.submit(os._exit, 3)
        assert isinstance(alone.exception(timeout=60), RenderError)
        assert pool.submit(len, "x").result(timeout=60) == 1
    finally:
        pool.shutdown()
