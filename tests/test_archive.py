"""Archive grade: PDF/A-3a and PDF/UA-1 identification, output intent, metadata, embedded sources, byte-identical rebuilds,
and `verify` catching a flipped byte."""

import hashlib
import json
import os
import shutil
import subprocess
import sys

import re

import pikepdf
import pytest
from conftest import CONTENT, DEPT, ROOT, copy_content, run_build, run_cli
from pypdf import PdfReader

from render.typeset.finish import tag_for
from render.archive.pdf import associated_files


def pdfs(manifest):
    return [f for f in manifest["files"] if f["path"].endswith(".pdf")]


def test_every_pdf_identifies_as_pdfa3_with_output_intent_and_metadata(built, manifest):
    for f in pdfs(manifest):
        with pikepdf.open(built / f["path"]) as pdf:
            meta = pdf.open_metadata()
            assert meta.pdfa_status == "3A", f["path"]
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


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.fixture(scope="module")
def every_kind(built, draft_built, simplex_built, seed_review) -> dict[str, object]:
    """Every kind of PDF the tool writes, by kind: tables, the double- and single-sided volumes, the drafts,
    审核意见.pdf."""
    drafts = sorted((draft_built[0] / "草稿" / DEPT).glob("*.pdf"))
    return {
        "tables": sorted((built / DEPT).glob("[0-9]*.pdf")),
        "volume": next(p for p in (built / DEPT).glob("*.pdf") if not p.name[0].isdigit()),
        "simplex": next((simplex_built / DEPT).glob("*（单面）.pdf")),
        "drafts": drafts,
        "review": seed_review / DEPT / "审核意见.pdf",
    }


def all_pdfs(kinds: dict[str, object]) -> list:
    return [p for v in kinds.values() for p in (v if isinstance(v, list) else [v])]


def test_every_kind_of_pdf_passes_pdfa_3b_3a_pdfua_1_and_the_structure_check(every_kind):
    from page import ValidationProfile, validate_pdf
    from render.archive import pdf, structure

    for path in all_pdfs(every_kind):
        assert pdf.claimed(path) == ("3b", "3a", "ua1"), path.name
        assert pdf.pdfa_failures(path) == [], path.name
        assert validate_pdf(path, profile=ValidationProfile.PDF_A_3B).rules.total > 100, path.name
        assert structure.check(path) == [], path.name


def test_each_attached_file_is_listed_once_with_an_ascii_f_and_its_own_name_in_uf(every_kind):
    for path in all_pdfs(every_kind):
        with pikepdf.open(path) as pdf:
            af = [spec.objgen for spec in pdf.Root.AF]
            assert len(af) == len(set(af)), path.name
            plain = [bytes(spec.F) for spec in pdf.Root.AF]
            assert all(re.fullmatch(rb"[A-Za-z0-9._-]+", f) for f in plain) and len(set(plain)) == len(plain), plain
            names = [str(spec.UF) for spec in pdf.Root.AF]
            # the name tree lists the same files, keyed by their own names
            assert sorted(pdf.attachments) == sorted(names), path.name
        raw = path.read_bytes()
        for name in names:
            assert name.encode() not in raw  # no UTF-8 name anywhere: every text string is UTF-16 with its BOM
        assert sorted(associated_files(path)) == sorted(names)
    # 审核意见 carries the department's files and the rules it judged by, each once
    assert len(associated_files(every_kind["review"])) == len(list((CONTENT / DEPT).glob("*.md"))) + 2


def font_programs(path):
    """(subset tag, decoded program) for every embedded font program."""
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                program = obj.get("/FontFile3") or obj.get("/FontFile2")
                yield str(obj.FontName)[1:7], program.read_bytes()


def test_every_subset_tag_is_made_from_its_program_so_no_tag_names_two(every_kind):
    """Across the department's files, merged by an archive (qpdf) or cached by a printer: ISO 32000-1 9.6.4."""
    programs: dict[str, bytes] = {}
    for path in all_pdfs(every_kind):
        for tag, program in font_programs(path):
            assert tag == tag_for(program), path.name
            assert programs.setdefault(tag, program) == program, (path.name, tag)
    assert len(programs) > 10


def test_xmp_metadata_is_stored_uncompressed(every_kind):
    for path in all_pdfs(every_kind):
        with pikepdf.open(path) as pdf:
            assert "/Filter" not in pdf.Root.Metadata.stream_dict, path.name
            packet = pdf.Root.Metadata.read_raw_bytes()
        assert packet.startswith(b"<?xpacket begin=") and packet in path.read_bytes(), path.name


def printed(text: str) -> str | None:
    found = re.findall(r"— (\d+) —", text)
    return found[-1] if found else None


def test_page_labels_are_the_printed_numbers(every_kind):
    """Typing 3 in a viewer opens the page printed — 3 —; the front matter is labelled i, ii, ….)"""
    for path in all_pdfs(every_kind):
        reader = PdfReader(path)
        labels = reader.page_labels
        numbers = [printed(page.extract_text() or "") for page in reader.pages]
        for label, number in zip(labels, numbers, strict=True):
            assert number is None or label == number, (path.name, labels, numbers)
        if "部门项目支出预算绩效目标表" in path.name:  # a volume, double- or single-sided, final or draft
            body = numbers.index("1")
            assert labels[:body] == ["i", "ii", "iii", "iv"][:body] and labels[body:body + 3] == ["1", "2", "3"]
            assert labels[numbers.index("3")] == "3"
        else:
            assert labels == [str(n) for n in range(1, len(labels) + 1)], path.name


def test_the_readers_name_a_pdf_they_cannot_open_and_a_page_count_that_differs(built, tmp_path, monkeypatch):
    """`archive --check`'s readers (Poppler's two and MuPDF, run side by side): each that fails is named once,
    with what it said; a reader that is not there is named too."""
    from render.archive import pdf

    sound = next((built / DEPT).glob("01-*.pdf"))
    assert pdf.reader_failures(sound, 1) == []
    assert pdf.reader_failures(sound, 2) == ["Poppler 读出的页数与元数据的 2 页不符"]
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(sound.read_bytes()[:4000])
    found = pdf.reader_failures(broken, 1)
    assert [f.split("（")[0] for f in found] == ["Poppler", "MuPDF"] and all("打开时出错" in f for f in found), found
    monkeypatch.setenv("PATH", str(tmp_path))
    assert pdf.reader_failures(sound, 1) == ["Poppler（pdfinfo）无法打开：FileNotFoundError",
                                              "MuPDF（mutool）无法打开：FileNotFoundError"]
