"""`build.py update`: one command brings every output an output folder holds up to date with the options its
manifest records, and every message asking for a rebuild names it (issue 35)."""

from __future__ import annotations

from conftest import department_file, project_file, run_build

ROWS = [("1-产出指标", "11-数量指标", "培训", "≥1次"), ("1-产出指标", "12-质量指标", "合格率", "≥95%")]


def _content(tmp_path):
    folder = tmp_path / "content" / "2025" / "901-测试局"
    department_file(folder, "901", "测试局")
    project = project_file(folder, "01-培训项目", "培训项目", "901-测试局", "1", ROWS)
    return tmp_path / "content", project


def test_update_brings_every_variant_and_the_review_up_to_date(tmp_path):
    content, project = _content(tmp_path)
    out = tmp_path / "印刷"
    common = ("--content", str(content), "--out", str(out), "--jobs", "1", "-q")
    for options in ((), ("--simplex",), ("--draft",)):
        assert run_build(*common, *options).returncode == 0
    assert run_build("review", str(content / "2025" / "901-测试局"), "--out", str(out), "-q").returncode == 0
    project.write_text(project.read_text(encoding="utf-8").replace("培训", "专题培训"), encoding="utf-8")
    rebuilt = run_build(*common)
    update = f"python3 build.py update --out {out}"
    assert f"已标为过期（运行 {update} 即可更新）" in rebuilt.stdout, rebuilt.stdout
    stale = run_build("verify", "--out", str(out))
    assert stale.returncode == 1
    # the single-sided volume (stale), and the review made from the old text: each says what to run
    asks = [line for line in stale.stdout.splitlines() if ": 核对: " in line]
    assert len(asks) >= 3 and all(update in line for line in asks), stale.stdout
    done = run_build("update", "--out", str(out), "--jobs", "1")
    assert done.returncode == 0, done.stdout + done.stderr
    for said in ("更新：（默认选项）", "更新：--simplex", "更新：--draft 征求意见稿", "审核意见.pdf"):
        assert said in done.stdout, done.stdout
    assert done.stdout.count("（警告）") == len(set(line for line in done.stdout.splitlines() if "（警告）" in line))
    assert run_build("verify", "--out", str(out)).returncode == 0
    assert run_build("verify", "--out", str(out / "草稿")).returncode == 0  # the drafts' own manifest too

def test_update_of_a_folder_never_built_says_what_to_run(tmp_path):
    result = run_build("update", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "请先运行 python3 build.py 生成" in result.stdout + result.stderr


def test_another_variants_stale_volume_is_said_once_then_counted(tmp_path):
    """The 单面 volume's 已标为过期 line came again on every build and every `watch` start."""
    content, project = _content(tmp_path)
    out = tmp_path / "dist"
    common = ("--content", str(content), "--out", str(out), "--jobs", "1")
    for options in ((), ("--simplex",)):
        assert run_build(*common, *options).returncode == 0
    project.write_text(project.read_text(encoding="utf-8").replace("培训", "专题培训"), encoding="utf-8")
    first, again = run_build(*common).stdout, run_build(*common).stdout
    assert first.count("已标为过期") == 1 and "已标为过期" not in again, again
    assert again.splitlines()[-1].endswith(f"1 个 PDF 已过期（运行 python3 build.py update --out {out} 即可更新）")


def test_update_of_drafts_alone(tmp_path):
    content, project = _content(tmp_path)
    out = tmp_path / "dist"
    assert run_build("--content", str(content), "--out", str(out), "--draft", "送审稿", "--jobs", "1").returncode == 0
    project.write_text(project.read_text(encoding="utf-8").replace("培训", "专题培训"), encoding="utf-8")
    done = run_build("update", "--out", str(out), "--jobs", "1")
    assert done.returncode == 0 and "更新：--draft 送审稿" in done.stdout, done.stdout + done.stderr
    assert "  草稿/2025/901-测试局/01-培训项目（送审稿）.pdf（1 页）" in done.stdout.splitlines()
    assert not (out / "manifest.json").exists()
