"""Nothing a command starts is left in the temp folder once it has returned: not WeasyPrint's copies of the
fonts, not the fork server's socket."""

import shutil
import tempfile
from pathlib import Path

from conftest import copy_content, run_build


def test_builds_leave_the_temp_folder_empty(tmp_path):
    content = copy_content(tmp_path)
    for path in content.rglob("*.md"):  # two tables keep it quick
        if path.name[:2] not in ("01", "03"):
            path.unlink()
    # Short: a socket's path has at most 107 bytes, and multiprocessing's fork server's goes in here.
    temp = Path(tempfile.mkdtemp(prefix="t"))
    try:
        leaves_nothing(content, tmp_path, temp)
    finally:
        shutil.rmtree(temp)


def leaves_nothing(content, tmp_path, temp):
    env = {"TMPDIR": str(temp)}

    def build(out, *extra):
        result = run_build("--content", str(content), "--out", str(tmp_path / out), *extra, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        return sorted(p.relative_to(temp).as_posix() for p in temp.rglob("*"))

    assert build("dist", "--jobs", "2") == []  # cold
    path = next(content.rglob("03-*.md"))
    path.write_text(path.read_text(encoding="utf-8").replace("维护社会和谐稳定。", "维护社会和谐稳定，年内回访。"),
                    encoding="utf-8")
    assert build("dist", "--jobs", "2") == []  # an edit
    assert build("inline", "--jobs", "1") == []
