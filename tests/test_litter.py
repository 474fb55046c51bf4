"""Nothing a command starts is left in the temp folder once it has returned: not WeasyPrint's copies of the
fonts, not the fork server's files once it has left."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from conftest import ROOT, copy_content, run_build


def test_builds_leave_the_temp_folder_empty(tmp_path):
    content = copy_content(tmp_path)
    for path in content.rglob("*.md"):  # two tables keep it quick
        if path.name[:2] not in ("01", "03"):
            path.unlink()
    # Short: a socket's path has at most 107 bytes, and the server's and multiprocessing's go in here.
    temp = Path(tempfile.mkdtemp(prefix="t"))
    try:
        leaves_nothing(content, tmp_path, temp)
    finally:
        shutil.rmtree(temp)


def leaves_nothing(content, tmp_path, temp):
    env = {"TMPDIR": str(temp), "XDG_RUNTIME_DIR": ""}  # the server's folder goes to the temp folder too

    def build(out, *extra):
        result = run_build("--content", str(content), "--out", str(tmp_path / out), *extra, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        return sorted(p.relative_to(temp).as_posix() for p in temp.rglob("*"))

    server_files = build("dist", "--jobs", "2")  # cold: a server is left for the next build, and only that
    assert server_files and all(p.startswith(f"mubiaobiao-{os.getuid()}") for p in server_files), server_files
    path = next(content.rglob("03-*.md"))
    path.write_text(path.read_text(encoding="utf-8").replace("维护社会和谐稳定。", "维护社会和谐稳定，年内回访。"),
                    encoding="utf-8")
    assert build("dist", "--jobs", "2") == server_files  # an edit, from the server's workers
    assert build("no-server", "--jobs", "2", "--no-server") == server_files
    assert build("inline", "--jobs", "1") == server_files
    subprocess.run([sys.executable, "-c", "from render import server; server.stop()"], cwd=ROOT, check=True,
                   env={**os.environ, **env})
    assert list(temp.iterdir()) == []
