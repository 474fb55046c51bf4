"""Rebuilds reuse what did not change, and give the very bytes a cold build gives; no old figure survives."""

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import copy_content, pdf_pages, run_build, run_cli, squash


def shas(out):
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {f["path"]: f["sha256"] for f in manifest["files"]}


def closing(result) -> tuple[int, int]:
    m = re.search(r"重建 (\d+)，复用 (\d+)", result.stdout)
    assert m, result.stdout
    return int(m.group(1)), int(m.group(2))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, built):
    root = tmp_path_factory.mktemp("inc")
    content = copy_content(root)
    for path in content.rglob("*.md"):  # four tables keep it quick
        if path.name[:2] not in ("01", "03", "05", "09"):
            path.unlink()
    return root, content


def build(content, out, *extra):
    result = run_build("--content", str(content), "--out", str(out), *extra)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_noop_rebuild_reuses_everything_and_changes_nothing(workspace):
    root, content = workspace
    out = root / "dist"
    assert closing(build(content, out, "--jobs", "2")) == (5, 0)
    before = shas(out)
    assert closing(build(content, out)) == (0, 5)
    assert shas(out) == before


@pytest.mark.slow
def test_an_edited_goal_rebuilds_its_table_and_volume_only_and_matches_a_cold_build(workspace, tmp_path):
    root, content = workspace
    out = root / "dist"
    build(content, out)
    path = next(content.rglob("03-*.md"))
    path.write_text(path.read_text(encoding="utf-8").replace("维护社会和谐稳定。", "维护社会和谐稳定，年内完成回访。"),
                    encoding="utf-8")
    assert closing(build(content, out)) == (2, 3)
    cold = tmp_path / "cold"
    build(content, cold, "--jobs", "1")
    assert shas(out) == shas(cold)
    assert "年内完成回访" in squash("".join(pdf_pages(next(out.rglob("03-*.pdf")))))


def test_a_changed_amount_never_leaves_the_old_figure(workspace):
    root, content = workspace
    out = root / "dist"
    build(content, out)
    volume = next(p for p in out.rglob("*.pdf") if "部门项目" in p.name)
    assert "79.05" in squash("".join(pdf_pages(volume)))  # 26 + 6 + 39.05 + 8
    path = next(content.rglob("03-*.md"))
    text = path.read_text(encoding="utf-8")
    old = re.search(r"项目年度金额: (.+)", text).group(1)
    path.write_text(text.replace(f"项目年度金额: {old}", "项目年度金额: 7.5"), encoding="utf-8")
    build(content, out)
    total = squash("".join(pdf_pages(volume)))
    assert "7.50" in total
    project = squash("".join(pdf_pages(next(out.rglob("03-*.pdf")))))
    assert "项目年度金额7.5" in project
    before_total = 26 + 6 + 39.05 + 8
    after_total = before_total - float(old) + 7.5
    assert f"{after_total:.2f}" in total and f"{before_total:.2f}" not in total


def test_a_pdf_changed_by_hand_is_rebuilt(workspace):
    root, content = workspace
    out = root / "dist"
    build(content, out)
    victim = next(out.rglob("05-*.pdf"))
    victim.write_bytes(victim.read_bytes()[:-10])
    assert closing(build(content, out))[0] >= 1
    assert run_cli("verify", "--out", str(out)).returncode == 0


def test_removing_the_output_folder_is_a_cold_build(workspace):
    root, content = workspace
    out = root / "dist"
    build(content, out)
    shutil.rmtree(out)
    assert closing(build(content, out)) == (5, 0)


def test_loading_again_parses_only_the_files_that_changed(tmp_path, monkeypatch):
    """`watch` loads the content on every save: only a changed file is parsed again, and every file's
    problems are said again each time."""
    from conftest import copy_content

    from render.source import load, project

    content = copy_content(tmp_path)
    first, problems = load.load(content, tmp_path)
    parsed = []
    monkeypatch.setattr(project, "parse_markdown", lambda rel, text: parsed.append(rel) or original(rel, text))
    original = __import__("render.source.parse", fromlist=["parse_markdown"]).parse_markdown
    path = sorted(content.rglob("01-*.md"))[0]
    path.write_text(path.read_text(encoding="utf-8").replace("项目年度金额: 26\n", "项目年度金额: 27\n", 1), encoding="utf-8")
    again, problems_again = load.load(content, tmp_path)
    assert [Path(rel).name for rel in parsed] == [path.name]
    assert again.departments[0].projects[0].amount == 27 and first.departments[0].projects[0].amount == 26
    assert again.departments[0].projects[1:] == first.departments[0].projects[1:]
    assert {str(p) for p in problems_again} == {str(p) for p in problems}  # warnings said every time


def test_a_change_the_pages_do_not_show_lays_nothing_out_again(ws):
    """The cache keys on what the layout reads (render/typeset/reads.py): a comment and an archive field
    added to 部门.yml change no page, so the frame is taken from the cache and no table is rebuilt; the
    volume is bound again, since it carries the 部门.yml."""
    content, out = ws / "content", ws / "dist"
    index = out / ".cache" / "index.json"
    frames = {k: v["key"] for k, v in json.loads(index.read_text(encoding="utf-8")).items() if k.startswith("frame:")}
    department = next(content.rglob("部门.yml"))
    department.write_text(department.read_text(encoding="utf-8") + "# 档案室填写\n全宗号: X001\n", encoding="utf-8")
    result = run_cli("--content", str(content), "--out", str(out), "--jobs", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    written = [line.strip() for line in result.stdout.splitlines() if line.startswith("  ")]
    assert len(written) == 1 and "目标表.pdf" in written[0], result.stdout
    after = {k: v["key"] for k, v in json.loads(index.read_text(encoding="utf-8")).items() if k.startswith("frame:")}
    assert after == frames and len(frames) == 1
    assert run_cli("verify", "--out", str(out)).returncode == 0
