"""The fork server kept between builds: the next build uses it, a server for other code is replaced, a build
never waits for it to end, and nothing is left where the user's private folder is not private."""

import os
import sys
import time
from multiprocessing.connection import Client

import pytest

from conftest import copy_content, pdf_pages, run_build, squash
from render import server


def alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not alive(pid)


@pytest.fixture
def content(tmp_path):
    content = copy_content(tmp_path)
    for path in content.rglob("*.md"):  # two tables keep it quick
        if path.name[:2] not in ("01", "02"):
            path.unlink()
    return content


def build(content, out, *extra, env=None):
    result = run_build("--content", str(content), "--out", str(out), "--jobs", "2", *extra, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def edit(content, text):
    path = next(content.rglob("01-*.md"))
    path.write_text(path.read_text(encoding="utf-8").replace("## 年度总体绩效目标\n\n", f"## 年度总体绩效目标\n\n{text}"),
                    encoding="utf-8")


def test_a_build_leaves_a_server_that_the_next_build_uses(content, tmp_path):
    server.stop()
    build(content, tmp_path / "dist")  # returns although its output is captured and the server stays
    first = server.server_pid()
    assert alive(first)
    edit(content, "补充说明甲。")
    build(content, tmp_path / "dist")
    assert server.server_pid() == first
    assert "补充说明甲" in squash("".join(pdf_pages(next((tmp_path / "dist").rglob("01-*.pdf")))))


def test_a_server_for_other_code_leaves_and_the_next_build_starts_its_own(content, tmp_path):
    build(content, tmp_path / "dist")
    old = server.server_pid()
    with Client(str(server.address()), family="AF_UNIX") as conn:
        conn.send({"identity": "code from yesterday", "env": {}, "cwd": "/"})
        assert conn.recv() == ("stale",)
    assert gone(old)
    edit(content, "补充说明乙。")
    build(content, tmp_path / "dist")
    assert alive(server.server_pid()) and server.server_pid() != old
    assert "补充说明乙" in squash("".join(pdf_pages(next((tmp_path / "dist").rglob("01-*.pdf")))))


def test_stop_and_no_server(content, tmp_path):
    build(content, tmp_path / "dist")
    pid = server.server_pid()
    server.stop()
    assert gone(pid) and server.server_pid() is None
    build(content, tmp_path / "other", "--no-server")
    assert server.server_pid() is None


def test_no_server_where_the_folder_is_not_private(content, tmp_path):
    server.stop()
    shared = tmp_path / "run"
    (shared / "mubiaobiao").mkdir(parents=True)
    (shared / "mubiaobiao").chmod(0o755)
    build(content, tmp_path / "dist", env={"XDG_RUNTIME_DIR": str(shared)})
    assert list((shared / "mubiaobiao").iterdir()) == []
    assert server.server_pid() is None
    assert len(list((tmp_path / "dist" / "2025").rglob("*.pdf"))) == 3


def test_a_worker_that_dies_fails_its_job_and_not_the_others():
    """A crash in one table (a segfault in a C library, say) is that table's error; the others go on."""
    workers = server.workers(server.connect(2), 2)
    assert workers is not None
    try:
        crash = workers.submit(os._exit, 3)
        later = [workers.submit(len, "表" * n) for n in range(4)]
        assert isinstance(crash.exception(timeout=60), server.RenderError)
        assert [f.result(timeout=60) for f in later] == [0, 1, 2, 3]
        alone = workers.submit(os._exit, 3)
        assert isinstance(alone.exception(timeout=60), server.RenderError)
        assert isinstance(workers.submit(len, "x").exception(timeout=60), server.RenderError)
    finally:
        workers.shutdown()


def test_a_server_that_cannot_start_is_not_waited_for(monkeypatch):
    """The build then starts its own fork server at once, not after START seconds."""
    server.stop()
    monkeypatch.setattr(server, "_spawn", lambda path: os.posix_spawn(sys.executable, [sys.executable, "-c", "pass"],
                                                                      os.environ))
    started = time.monotonic()
    assert server.connect(2) is None
    assert time.monotonic() - started < server.START / 2
