"""A failed or mistaken build never deletes or replaces a good PDF: what it could not make again stays, marked
stale in the manifest, and `verify` names it; another content folder is refused; a deleted source is removed."""

import json
import shutil

from conftest import copy_content, run_build, run_cli


def pdfs(out):
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.pdf"))
            if ".cache" not in p.parts}


def manifest(out):
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def stale(out):
    return sorted(f["path"] for f in manifest(out)["files"] if f["stale"])


def build(ws, content=None, *extra):
    return run_build("--content", str(content or ws / "content"), "--out", str(ws / "dist"), "--jobs", "2", *extra)


def test_a_folder_that_does_not_exist_touches_nothing(ws):
    before, listed = pdfs(ws / "dist"), (ws / "dist" / "manifest.json").read_bytes()
    result = build(ws, "/nonexistent")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "/nonexistent: 内容目录: 找不到这个文件夹" in result.stdout
    assert "删除" not in result.stdout
    assert pdfs(ws / "dist") == before and (ws / "dist" / "manifest.json").read_bytes() == listed
    assert len(before) == 4


def test_a_missing_department_file_keeps_every_pdf_marked_stale(ws):
    before = pdfs(ws / "dist")
    next((ws / "content").rglob("部门.yml")).unlink()
    result = build(ws)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "缺少部门信息文件" in result.stdout and "删除" not in result.stdout
    assert pdfs(ws / "dist") == before
    assert stale(ws / "dist") == sorted(before)
    for rel in before:
        assert f"未能重建，保留上次生成的 PDF（已标为过期）：{rel}" in result.stdout
    check = run_cli("verify", "--out", str(ws / "dist"))
    assert check.returncode == 1
    assert [line.split(":")[0] for line in check.stdout.splitlines() if "已过期" in line] == sorted(before)


def test_a_project_with_an_error_keeps_its_pdf_and_the_volume_and_the_others_build(ws):
    before = pdfs(ws / "dist")
    path = next((ws / "content").rglob("02-*.md"))
    path.write_text(path.read_text(encoding="utf-8").replace("项目年度金额: ", "项目年度金额: 约"), encoding="utf-8")
    edited = next((ws / "content").rglob("03-*.md"))
    edited.write_text(edited.read_text(encoding="utf-8").replace("## 年度总体绩效目标\n\n", "## 年度总体绩效目标\n\n另加一句。"),
                      encoding="utf-8")
    result = build(ws)
    assert result.returncode == 1, result.stdout + result.stderr
    after = pdfs(ws / "dist")
    kept = sorted(rel for rel in before if rel.split("/")[-1][:2] in ("02", "01") or "部门项目" in rel)
    assert {rel: after[rel] for rel in kept} == {rel: before[rel] for rel in kept}
    rebuilt = next(rel for rel in before if "/03-" in rel)
    assert after[rebuilt] != before[rebuilt]  # the sound edit is built all the same
    assert stale(ws / "dist") == sorted(rel for rel in kept if "/01-" not in rel)
    verdict = run_cli("verify", "--out", str(ws / "dist")).stdout
    assert sorted(line.split(":")[0] for line in verdict.splitlines() if "已过期" in line) == stale(ws / "dist")

    path.write_text(path.read_text(encoding="utf-8").replace("项目年度金额: 约", "项目年度金额: "), encoding="utf-8")
    assert build(ws).returncode == 0
    assert stale(ws / "dist") == []
    assert pdfs(ws / "dist")[kept[0]] == before[kept[0]]
    assert run_cli("verify", "--out", str(ws / "dist")).returncode == 0


def test_another_content_folder_into_the_same_output_is_refused(ws, tmp_path):
    before, listed = pdfs(ws / "dist"), (ws / "dist" / "manifest.json").read_bytes()
    other = copy_content(tmp_path / "other")
    result = build(ws, other)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"这个输出文件夹里的 PDF 是由内容文件夹 {(ws / 'content').resolve()} 生成的" in result.stdout
    assert "--out" in result.stdout
    assert pdfs(ws / "dist") == before and (ws / "dist" / "manifest.json").read_bytes() == listed


def test_moving_content_and_output_together_is_the_same_build(ws, tmp_path):
    moved = tmp_path / "moved"
    shutil.move(ws, moved)
    result = build(moved)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "重建 0" in result.stdout


def test_a_deleted_source_removes_its_pdf_only_when_the_rest_is_sound(ws):
    path = next((ws / "content").rglob("02-*.md"))
    path.unlink()
    broken = next((ws / "content").rglob("03-*.md"))
    sound = broken.read_text(encoding="utf-8")
    broken.write_text(sound.replace("项目年度金额: ", "项目年度金额: 约"), encoding="utf-8")
    result = build(ws)
    assert result.returncode == 1 and "删除" not in result.stdout
    assert any("/02-" in rel for rel in stale(ws / "dist"))
    broken.write_text(sound, encoding="utf-8")
    result = build(ws)
    assert result.returncode == 0, result.stdout + result.stderr
    gone = [line for line in result.stdout.splitlines() if line.startswith("已删除过期的 PDF（源文件 ")]
    assert gone == [f"已删除过期的 PDF（源文件 {path.relative_to(ws).as_posix()} 已删除）："
                    f"2025/018-平罗县司法局/{path.stem}.pdf"]
    assert not list((ws / "dist").rglob("02-*.pdf")) and stale(ws / "dist") == []
    assert run_cli("verify", "--out", str(ws / "dist")).returncode == 0
