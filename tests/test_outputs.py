"""Every output kept, every mismatch caught: variants live side by side, a department stays one consistent
set, and publishing is all or nothing (a full disk, an interruption, a second build, a damaged manifest)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
from conftest import (DEPT, ROOT, copy_content, department_file, hashes, pdf_pages, project_file, read_until_checked,
                      run_build, run_cli, squash)


def build(ws, *extra):
    return run_build("--content", str(ws / "content"), "--out", str(ws / "dist"), "--jobs", "2", *extra)


def manifest(out):
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.slow
def test_variants_keep_each_other(ws):
    out = ws / "dist"
    made = {}
    for options in ((), ("--simplex",), (), ("--draft",), ("--draft", "送审稿")):
        result = build(ws, *options)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "删除" not in result.stdout and "过期" not in result.stdout, result.stdout
        made.update(hashes(out))
    assert hashes(out) == made  # nothing any run made is gone or changed
    volumes = sorted(p for p in made if "目标表" in p)
    assert [p.split("/")[-1].split("目标表")[1] for p in volumes] == \
        [".pdf", "（单面）.pdf", "（征求意见稿）.pdf", "（送审稿）.pdf"]
    listed = {e["path"]: e["variant"] for e in manifest(out)["files"] if e["kind"] == "volume"}
    assert sorted(listed.values(), key=str) == [{"simplex": False, "draft": "", "right_tables": False},
                                                {"simplex": True, "draft": "", "right_tables": False}]
    drafts = {e["path"]: e["variant"] for e in manifest(out / "草稿")["files"]}
    assert {v["draft"] for v in drafts.values()} == {"征求意见稿", "送审稿"} and len(drafts) == 8
    assert run_cli("verify", "--out", str(out)).returncode == 0


@pytest.mark.slow
def test_a_variant_goes_stale_when_its_content_changes_and_goes_only_with_its_source(ws):
    out = ws / "dist"
    assert build(ws, "--simplex").returncode == 0
    project = next((ws / "content").rglob("02-*.md"))
    edit(project, "## 年度总体绩效目标\n\n", "## 年度总体绩效目标\n\n另加一句。")
    result = build(ws)
    assert result.returncode == 0, result.stdout
    single = next(p for p in hashes(out) if "（单面）" in p)
    assert f"源文件已改动，这个 PDF 已标为过期（运行 python3 build.py update --out {out} 即可更新）：{single}" in result.stdout
    assert [e["path"] for e in manifest(out)["files"] if e["stale"]] == [single]
    check = run_cli("verify", "--out", str(out))
    assert check.returncode == 1 and single in check.stdout and f"源文件 {project.relative_to(ws).as_posix()} 已改动" \
        in check.stdout
    assert build(ws, "--simplex").returncode == 0 and run_cli("verify", "--out", str(out)).returncode == 0

    shutil.rmtree(ws / "content" / DEPT)  # the department is gone: so are its volumes, both of them
    other = ws / "content" / "2025" / "019-平罗县民政局"
    department_file(other, "019", "平罗县民政局")
    project_file(other, "01-救助", "救助", "019-平罗县民政局", "1.00", [("1-产出指标", "11-数量指标", "人数", "≥1人")])
    result = build(ws)
    removed = sorted(line for line in result.stdout.splitlines() if line.startswith("已删除过期的 PDF"))
    assert len(removed) == 5 and f"已删除过期的 PDF（源文件 content/{DEPT}/部门.yml 已删除）：{single}" in removed
    assert not any(p.startswith(DEPT) for p in hashes(out)) and not (out / DEPT).exists()


@pytest.mark.slow
def test_one_project_built_brings_its_volume_along_or_marks_it_stale(ws):
    out = ws / "dist"
    first, second = sorted((ws / "content").rglob("0[12]-*.md"))
    edit(first, "## 年度总体绩效目标\n\n", "## 年度总体绩效目标\n\n第一处改动。")
    result = run_build(str(first), "--out", str(out), "--jobs", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    volume = next(p for p in hashes(out) if "目标表" in p)
    assert "第一处改动" in squash("".join(pdf_pages(out / volume)))
    assert run_cli("verify", "--out", str(out)).returncode == 0

    edit(first, "第一处改动。", "第二处改动。")
    edit(second, "## 年度总体绩效目标\n\n", "## 年度总体绩效目标\n\n另一个表的改动。")  # not built yet
    before = (out / volume).read_bytes()
    result = run_build(str(first), "--out", str(out), "--jobs", "2")
    assert f"{volume}: 装订册未更新：本部门还有别的项目表需要重新生成" in result.stdout
    assert (out / volume).read_bytes() == before
    check = run_cli("verify", "--out", str(out))
    assert check.returncode == 1
    assert {line.split(":")[0] for line in check.stdout.splitlines()[:-1]} == {volume, f"{DEPT}/{second.stem}.pdf"}
    # the command it names, exactly: run as said, it brings the volume up to date
    said = f"请生成整个部门文件夹：python3 build.py {first.parent} --out {out}"
    assert said in result.stdout, result.stdout
    assert run_build(*said.partition("python3 build.py ")[2].split(" "), "--jobs", "2").returncode == 0
    assert run_cli("verify", "--out", str(out)).returncode == 0


def test_verify_catches_outputs_made_from_different_versions_of_a_source(ws):
    out = ws / "dist"
    shutil.rmtree(ws / "content")  # nothing to compare with: the outputs must agree among themselves
    data = manifest(out)
    volume = next(e for e in data["files"] if e["kind"] == "volume")
    source = volume["sources"][2]
    volume["source_sha256"][source] = "0" * 64
    (out / "manifest.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    check = run_cli("verify", "--out", str(out))
    assert check.returncode == 1
    (line,) = [line for line in check.stdout.splitlines() if f"不是由同一版本的 {source} 生成的" in line]
    assert volume["path"] in line
    assert "找不到生成它的内容文件夹" in check.stdout


def test_verify_names_an_unlisted_workbook(ws):
    (ws / "dist" / DEPT / "旧的审核意见.xlsx").write_bytes(b"PK")
    check = run_cli("verify", "--out", str(ws / "dist"))
    assert check.returncode == 1 and f"{DEPT}/旧的审核意见.xlsx: 核对: 清单中没有这个文件" in check.stdout


needs_mount = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("mount"), reason="mounting a tmpfs needs root")


@contextmanager
def tmpfs(folder, megabytes: int):
    """A small disk of its own at `folder` for the test's length (a full one, or one made read-only)."""
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(folder)]).returncode:
        pytest.skip("this machine lets no tmpfs be mounted, even as root")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)])


@needs_mount
def test_a_full_disk_during_a_rebuild_leaves_the_previous_set_whole(ws, tmp_path):
    with tmpfs(tmp_path / "disk", 4) as disk:
        shutil.copytree(ws, disk / "ws")
        out = disk / "ws" / "dist"
        before = hashes(out)
        listed = (out / "manifest.json").read_bytes()
        free = shutil.disk_usage(disk).free
        (disk / "filler").write_bytes(b"\0" * (free - 200_000))  # room for one table, not for the set
        for path in (disk / "ws" / "content").rglob("0*.md"):
            edit(path, "## 年度总体绩效目标\n\n", "## 年度总体绩效目标\n\n改动。")
        result = build(disk / "ws")
        assert result.returncode == 4, result.stdout + result.stderr
        assert "磁盘已满" in result.stderr and "（" not in result.stdout.replace("（警告）", "")  # no file listed
        assert hashes(out) == before and (out / "manifest.json").read_bytes() == listed
        assert not (out / ".cache" / "staging").exists(), result.stdout + result.stderr
        (disk / "filler").unlink()
        for path in (disk / "ws" / "content").rglob("0*.md"):
            edit(path, "## 年度总体绩效目标\n\n改动。", "## 年度总体绩效目标\n\n")
        assert run_cli("verify", "--out", str(out)).returncode == 0


def stage_changed(out, tables):
    """A set that adds a byte to each of these tables, staged and not yet committed."""
    from render.produce import commit

    staged = commit.Transaction(out)
    for table in tables:
        staged.write(table.relative_to(out).as_posix(), table.read_bytes() + b"%")
    return staged


def test_a_set_committed_but_not_in_place_is_finished_by_the_next_command(ws, monkeypatch):
    from render.produce import commit

    out = ws / "dist"
    table = next((out / DEPT).glob("01-*.pdf"))
    staged = stage_changed(out, [table])
    monkeypatch.setattr(commit, "apply", lambda out: None)  # killed right after the journal was written
    staged.commit()
    monkeypatch.undo()
    assert (out / ".cache" / commit.JOURNAL).is_file()
    check = run_cli("verify", "--out", str(out))
    assert "已完成上次被中断的写出" in check.stdout
    assert table.read_bytes().endswith(b"%") and not (out / ".cache" / commit.JOURNAL).exists()


@pytest.mark.parametrize("damaged", ["[]", '{"files": "abc"}', '{"files": [1, 2]}', "{"])
@pytest.mark.slow
def test_a_manifest_or_cache_of_another_shape_is_set_aside_and_rebuilt(ws, damaged):
    out = ws / "dist"
    (out / "manifest.json").write_text(damaged, encoding="utf-8")
    (out / ".cache" / "index.json").write_text(damaged, encoding="utf-8")
    check = run_cli("verify", "--out", str(out))
    assert check.returncode == 1 and "manifest.json: 清单: 无法核对：清单" in check.stdout
    result = build(ws)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "清单不是本程序写的，已改名为 manifest.json.无法读取-1" in result.stdout
    assert (out / "manifest.json.无法读取-1").read_text(encoding="utf-8") == damaged
    assert run_cli("verify", "--out", str(out)).returncode == 0


def test_a_read_only_pdf_is_reported_not_replaced(ws):
    out = ws / "dist"
    table = next((out / DEPT).glob("01-*.pdf"))
    table.chmod(0o444)
    before = table.read_bytes()
    edit(next((ws / "content").rglob("01-*.md")), "## 年度总体绩效目标\n\n", "## 年度总体绩效目标\n\n改动。")
    result = build(ws)
    assert result.returncode == 1
    assert f"{DEPT}/{table.name}: 输出文件: 这个 PDF 是只读的，未替换（已标为过期）" in result.stdout
    assert table.read_bytes() == before and table.stat().st_mode & 0o777 == 0o444


def test_a_second_build_into_the_same_folder_waits_for_the_first(ws):
    from render.produce import files

    out = ws / "dist"
    with files.locked(out):
        second = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--content", str(ws / "content"), "--out",
                                   str(out), "--jobs", "1"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  cwd=ws)  # its ./content and ./dist: no line naming them comes first
        first_line = second.stdout.readline()
        time.sleep(0.3)
        assert second.poll() is None  # still waiting
    rest, _ = second.communicate(timeout=120)
    assert f"输出文件夹 {out} 正由另一个命令（进程 {os.getpid()}）写入，等它结束后继续" in first_line
    assert second.returncode == 0, first_line + rest


@pytest.mark.slow
def test_an_interrupted_build_lists_only_files_it_wrote(tmp_path):
    content = copy_content(tmp_path)
    out = tmp_path / "dist"
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--content", str(content), "--out", str(out),
                             "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    said = read_until_checked(proc)  # its PDFs being laid out
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    listed = [line.strip().rsplit("（", 1)[0] for line in (said + stdout).splitlines() if line.startswith("  ")]
    assert proc.returncode == 130 and "Traceback" not in stderr and stderr.startswith("已中断"), stderr
    assert not listed and not (out / "manifest.json").exists()


def test_a_new_kind_of_output_is_one_entry_in_the_registry(ws, monkeypatch):
    """An archive package or a summary workbook to come: declared once, verify lists, checks and finds it."""
    import hashlib

    from render.produce import outputs

    monkeypatch.setitem(outputs.KINDS, "summary", outputs.OutputKind("summary", "summary", (".csv",), ()))
    out = ws / "dist"
    stray = out / DEPT / "汇总.csv"
    stray.write_text("项目,金额\n", encoding="utf-8")
    check = run_cli("verify", "--out", str(out))
    assert check.returncode == 1 and f"{DEPT}/汇总.csv: 核对: 清单中没有这个文件" in check.stdout
    data = manifest(out)
    data["files"].append({"path": f"{DEPT}/汇总.csv", "kind": "summary", "title": "汇总", "pages": 0,
                          "sha256": hashlib.sha256(b"other").hexdigest(), "sources": [], "source_sha256": {},
                          "versions": {}, "stale": False, "variant": {}})
    (out / "manifest.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    check = run_cli("verify", "--out", str(out))
    assert check.returncode == 1 and f"{DEPT}/汇总.csv: 核对: 内容与清单记录的 sha256 不符" in check.stdout
    result = build(ws)  # a build carries what another command made, and leaves it alone
    assert result.returncode == 0 and stray.is_file() and f"{DEPT}/汇总.csv" in {e["path"] for e in manifest(out)["files"]}


@needs_mount
def test_verify_reads_an_output_folder_on_read_only_media(ws, tmp_path):
    """An archive's copy on a disc or a read-only share: verify needs no lock there, and says the same."""
    with tmpfs(tmp_path / "disc", 8) as disc:
        shutil.copytree(ws, disc / "ws")
        shutil.rmtree(disc / "ws" / "dist" / ".cache")
        subprocess.run(["mount", "-o", "remount,ro", str(disc)], check=True)
        check = run_cli("verify", "--out", str(disc / "ws" / "dist"))
        assert check.returncode == 0 and "核对通过" in check.stdout, check.stdout + check.stderr


def test_a_set_interrupted_between_its_renames_is_finished_not_lost(ws, monkeypatch):
    """Ctrl-C after the journal, between two renames: what is still staged stays for the next command."""
    from render.produce import commit

    out = ws / "dist"
    tables = sorted((out / DEPT).glob("0*.pdf"))
    staged = stage_changed(out, tables)
    moved = []

    def interrupted(src, dst):
        if moved:
            raise KeyboardInterrupt
        moved.append(dst)
        os.rename(src, dst)

    monkeypatch.setattr(commit.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        try:
            staged.commit()
        except BaseException:
            staged.abort()  # as publish does
            raise
    monkeypatch.undo()
    assert (out / ".cache" / commit.JOURNAL).is_file() and any((out / ".cache" / "staging").iterdir())
    assert commit.apply(out)
    assert all(t.read_bytes().endswith(b"%") for t in tables)


@pytest.mark.slow
def test_a_build_of_the_tables_alone_marks_stale_only_the_volumes_whose_tables_changed(ws):
    """The site's saves of several departments are answered by one build of the tables alone: the changed
    tables are made, the volume of their department is marked stale for the binder, another department's
    volume stays as it was, listed and current."""
    from render.produce.plan import Options
    from render.produce.run import build

    content, out = ws / "content", ws / "dist"
    other = content / "2025" / "019-平罗县民政局"
    department_file(other, "019", "平罗县民政局")
    project_file(other, "01-救助", "救助", "019-平罗县民政局", "3", [("1-产出指标", "11-数量指标", "人数", "≥3人")])
    assert run_build("--content", str(content), "--out", str(out), "--jobs", "1").returncode == 0
    first = sorted((content / DEPT).glob("01-*.md"))[0]
    edit(first, "## 年度总体绩效目标\n\n", "## 年度总体绩效目标\n\n先印表。")
    done = build(Options(content, out, 1, tables_only=True), say=lambda *a, **k: None)
    assert [path for path, _ in done.written] == [f"{DEPT}/{first.stem}.pdf"]
    stale = {e["path"] for e in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
             if e.get("stale")}
    assert len(stale) == 1 and stale.pop().startswith(DEPT + "/") and "先印表" in squash("".join(pdf_pages(out / done.written[0][0])))
    checked = run_cli("verify", "--out", str(out))
    assert checked.returncode == 1 and "019" not in checked.stdout, checked.stdout
