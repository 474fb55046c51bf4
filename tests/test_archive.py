"""Archive grade: PDF/A-3b identification, output intent, metadata, embedded sources, byte-identical rebuilds,
and `verify` catching a flipped byte."""

import hashlib
import json
import os
import shutil
import subprocess
import sys

import pikepdf
import pytest
from conftest import ROOT, copy_content, run_build, run_cli

from render.commands.verify import associated_files


def pdfs(manifest):
    return [f for f in manifest["files"] if f["path"].endswith(".pdf")]


def test_every_pdf_identifies_as_pdfa3b_with_output_intent_and_metadata(built, manifest):
    for f in pdfs(manifest):
        with pikepdf.open(built / f["path"]) as pdf:
            meta = pdf.open_metadata()
            assert meta.pdfa_status == "3B", f["path"]
            intents = pdf.Root.OutputIntents
            assert len(intents) == 1 and intents[0].S == "/GTS_PDFA1" and "/DestOutputProfile" in intents[0]
            assert str(pdf.Root.Lang) == "zh-CN"
            info = pdf.docinfo
            assert str(info.Title) == f["title"]
            assert str(info.Subject) == "部门项目支出预算绩效目标表"
            assert str(info.Creator).startswith("mubiaobiao ")
            assert str(info.CreationDate).startswith("D:20250120")
            assert "2025" in str(info.Keywords) and "018" in str(info.Keywords)
        check = subprocess.run(["qpdf", "--check", str(built / f["path"])], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_project_author_is_department_and_implementer(built, manifest):
    f = next(f for f in manifest["files"] if f["kind"] == "project")
    with pikepdf.open(built / f["path"]) as pdf:
        assert str(pdf.docinfo.Author) == "018-平罗县司法局 / 018001-平罗县司法局本级"


def test_attachments_are_the_sources_byte_for_byte(built, manifest):
    for f in pdfs(manifest):
        attached = associated_files(built / f["path"])
        assert sorted(attached) == sorted(os.path.basename(s) for s in f["sources"])
        for source in f["sources"]:
            assert attached[os.path.basename(source)] == (ROOT / source).read_bytes()
            assert hashlib.sha256((ROOT / source).read_bytes()).hexdigest() == f["source_sha256"][source]
        with pikepdf.open(built / f["path"]) as pdf:
            assert all(spec.AFRelationship == "/Source" for spec in pdf.Root.AF)


def test_manifest_records_the_versions_that_made_each_file(manifest):
    for f in manifest["files"]:
        assert set(f["versions"]) >= {"tool", "weasyprint", "pango", "harfbuzz", "fonts-noto-cjk"}
        assert f["versions"]["weasyprint"].startswith("70")


def test_two_clones_built_at_different_times_give_identical_pdfs(built, manifest, tmp_path):
    """A second checkout elsewhere, files with other mtimes, another day's clock: the same bytes."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    os.utime(clone / "build.py", (2_000_000_000, 2_000_000_000))
    # the working tree may hold uncommitted changes: build what this test run sees
    shutil.rmtree(clone / "content")
    copy_content(clone)
    for path in (clone / "content").rglob("*"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    for sub in ("render", "templates", "styles"):
        shutil.rmtree(clone / sub)
        shutil.copytree(ROOT / sub, clone / sub)
    out = tmp_path / "dist"
    # another time zone and a later clock: the build reads neither
    result = subprocess.run([sys.executable, str(clone / "build.py"), "--out", str(out), "--jobs", "1"], cwd=clone,
                            capture_output=True, text=True, env={**os.environ, "TZ": "America/New_York"})
    assert result.returncode == 0, result.stdout + result.stderr
    again = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {f["path"]: f["sha256"] for f in again["files"]} == {f["path"]: f["sha256"] for f in manifest["files"]}


def test_workers_started_by_spawn_give_the_same_bytes(built, manifest, tmp_path):
    """Windows and macOS start workers by spawn, not from a fork server: the same PDFs, byte for byte."""
    from conftest import CONTENT

    out = tmp_path / "dist"
    result = run_build("--content", str(CONTENT), "--out", str(out), "--jobs", "2", env={"MUBIAOBIAO_START": "spawn"})
    assert result.returncode == 0, result.stdout + result.stderr
    again = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {f["path"]: f["sha256"] for f in again["files"]} == {f["path"]: f["sha256"] for f in manifest["files"]}


def test_source_date_epoch_sets_the_dates(tmp_path):
    content = copy_content(tmp_path)
    for path in content.rglob("*.md"):
        if not path.name.startswith("03-"):
            path.unlink()
    out = tmp_path / "dist"
    result = run_build("--content", str(content), "--out", str(out), "--jobs", "1",
                       env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert result.returncode == 0, result.stdout + result.stderr
    pdf_path = next(out.rglob("03-*.pdf"))
    with pikepdf.open(pdf_path) as pdf:
        assert str(pdf.docinfo.CreationDate).startswith("D:20231114")


@pytest.fixture()
def dist_copy(built, tmp_path):
    out = tmp_path / "dist"
    shutil.copytree(built, out)
    return out


def test_verify_passes_on_an_intact_dist(dist_copy):
    result = run_cli("verify", "--out", str(dist_copy))
    assert result.returncode == 0, result.stdout
    assert "核对通过" in result.stdout


def test_verify_names_the_pdf_with_a_flipped_byte(dist_copy):
    victim = next(dist_copy.rglob("05-*.pdf"))
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x01
    victim.write_bytes(bytes(data))
    stray = dist_copy / "2025" / "stray.pdf"
    stray.write_bytes(b"%PDF-1.7\n")
    result = run_cli("verify", "--out", str(dist_copy))
    assert result.returncode == 1
    assert victim.relative_to(dist_copy).as_posix() in result.stdout
    assert "stray.pdf" in result.stdout
    assert "03-" not in result.stdout  # the intact files are not accused
