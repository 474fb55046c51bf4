"""`archive --check` of packages from outside, made to hurt: programs under harmless names, links, pipes and
devices, numbers and bombs that would take the machine's memory, entities, names no file system takes. Each ends
in a report and exit 1, in little memory, never in a hang, a traceback or exit 3/4."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOT, run_cli, spoiled, PACKAGE

from render.archive import intake
from render.source import limits

NAME = PACKAGE
PIECES = "电子档案/2025/018-平罗县司法局"


@pytest.fixture
def packed(three_packed) -> Path:
    return three_packed


def relist(folder: Path) -> None:
    """说明文件.txt lists every file as it now is: what a forger does so that the digests agree."""
    readme = folder / "说明文件.txt"
    head = readme.read_text(encoding="utf-8").split("文件清单（SHA-256  字节数  路径）：")[0]
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.stat().st_size}  {p.relative_to(folder).as_posix()}"
             for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink() and p != readme]
    readme.write_text(head + "文件清单（SHA-256  字节数  路径）：\r\n" + "\r\n".join(lines) + "\r\n", encoding="utf-8")


# A check in a process of its own: bounded in address space, so that a regression fails the test with a
# MemoryError instead of taking the machine's memory; its peak measured; a hang ends at the timeout.
MEASURE = ("import resource, subprocess, sys\n"
           "done = subprocess.run(sys.argv[1:], capture_output=True, text=True,\n"
           "    preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30)))\n"
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode)\n"
           "print(done.stdout + done.stderr)\n")


def checked(package: Path, *extra: str, timeout: int = 120) -> tuple[int, str, int]:
    """Exit code, output and peak memory (KiB) of `build.py archive --check PACKAGE`."""
    proc = subprocess.Popen([sys.executable, "-c", MEASURE, sys.executable, str(ROOT / "build.py"), "archive", "--check",
                             str(package), *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        stdout, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:  # a hung check fails the test, and is not left behind
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    head, _, output = stdout.partition("\n")
    peak, code = head.split()
    return int(code), output, int(peak)


# ---- item 2: 安全性 by an allow-list and by content ----

def test_programs_under_any_name_listed_or_not_fail_security(packed, tmp_path):
    folder = spoiled(packed, tmp_path)
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("setup.exe", b"MZ\x90\x00" + b"\x00" * 60)
    planted = {"其他/说明.hta": b"<html><script>new ActiveXObject('WScript.Shell')</script></html>",
               "其他/a.wsf": b"<job><script language='VBScript'>CreateObject(\"WScript.Shell\")</script></job>",
               "其他/快捷方式.lnk": b"L\x00\x00\x00\x01\x14\x02\x00" + b"\x00" * 60,
               "其他/设置.reg": "Windows Registry Editor Version 5.00\r\n".encode("utf-16"),
               "其他/表.docm": b"PK\x03\x04" + b"\x00" * 40, "其他/run.py": b"import os\nos.system('id')\n",
               f"{PIECES}/0001/附件.zip": inner.read_bytes(), f"{PIECES}/0002/说明.xml.exe": b"<a/>"}
    for rel, data in planted.items():
        (folder / rel).write_bytes(data)
    relist(folder)  # listed in 说明文件.txt, as the package had them
    found = [str(f) for f in intake.check(folder).findings]
    for rel in planted:
        assert any(f.startswith(f"{rel}: 安全性·") for f in found), (rel, found)


def test_a_record_carrying_a_program_its_metadata_declares_fails_security(packed, tmp_path):
    folder = spoiled(packed, tmp_path)
    pdf = next((folder / PIECES / "0001").glob("*.pdf"))
    program = b"MZ\x90\x00" + b"\x00" * 200
    with pikepdf.open(pdf, allow_overwriting_input=True) as doc:
        spec = pikepdf.AttachedFileSpec(doc, program, mime_type="application/octet-stream")
        doc.attachments["setup.exe"] = spec
        doc.Root.AF.append(doc.Root.Names.EmbeddedFiles.Names[-1])
        doc.save(pdf)
    sidecar = folder / PIECES / "0001" / "元数据.xml"
    data = pdf.read_bytes()
    text = sidecar.read_text(encoding="utf-8")
    text = re.sub(r"(<计算机文件大小>)\d+", rf"\g<1>{len(data)}", text)
    text = re.sub(r"(<数字摘要>\s*<算法>SHA-256</算法>\s*<值>)[0-9a-f]+", rf"\g<1>{hashlib.sha256(data).hexdigest()}",
                  text, count=1)
    declared = (f"<文件><名称>setup.exe</名称><数字摘要><算法>SHA-256</算法><值>{hashlib.sha256(program).hexdigest()}"
                "</值></数字摘要></文件></内嵌源文件>")
    sidecar.write_text(text.replace("</内嵌源文件>", declared), encoding="utf-8")
    relist(folder)
    found = [str(f) for f in intake.check(folder).findings]
    rel = pdf.relative_to(folder).as_posix()
    assert f"{rel}: 安全性·活动内容: 内嵌文件不是源文本（是程序或二进制文件）" in found, found


def test_links_in_a_folder_or_a_zip_are_findings_never_followed(packed, tmp_path):
    folder = spoiled(packed, tmp_path)
    (folder / "其他" / "etc").symlink_to("/etc")
    found = [str(f) for f in intake.check(folder).findings]
    assert "其他/etc: 安全性·文件类型: 不是普通文件（链接、管道或设备文件）：未读取" in found
    assert not any("passwd" in f for f in found)
    bad = tmp_path / "link.zip"
    with zipfile.ZipFile(packed / f"{NAME}.zip") as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        link = zipfile.ZipInfo(f"{NAME}/其他/link")
        link.create_system, link.external_attr = 3, 0o120777 << 16
        dst.writestr(link, b"/etc/passwd")
    found = [str(f) for f in intake.check(bad).findings]
    assert "其他/link: 安全性·文件类型: 不是普通文件（链接或设备文件）：未读取" in found


# ---- item 3: what is not a regular file is never opened ----

def test_pipes_devices_and_links_in_place_of_files_end_in_a_report(packed, tmp_path):
    folder = spoiled(packed, tmp_path)
    for rel in ("说明文件.txt", f"{PIECES}/0002/元数据.xml"):
        (folder / rel).unlink()
        os.mkfifo(folder / rel)  # reading it waits for a writer for ever
    (folder / "文件目录.xml").unlink()
    (folder / "文件目录.xml").symlink_to("/dev/zero")
    pdfs = [next((folder / PIECES / n).glob("*.pdf")) for n in ("0003", "0004")]
    for pdf, target in zip(pdfs, ("/dev/null", tmp_path / "不在了.pdf"), strict=True):
        pdf.unlink()
        pdf.symlink_to(target)
    code, output, _ = checked(folder, timeout=60)
    assert code == 1, output
    for rel in ("说明文件.txt", f"{PIECES}/0002/元数据.xml", "文件目录.xml", *(p.relative_to(folder).as_posix() for p in pdfs)):
        assert f"{rel}: 安全性·文件类型: 不是普通文件（链接、管道或设备文件）：未读取" in output, output
    assert "Traceback" not in output
    os.mkfifo(tmp_path / "包.zip")
    code, output, _ = checked(tmp_path / "包.zip", timeout=60)
    assert code == 1 and "（移交包）: 安全性·文件类型: 不是文件夹或 zip 文件（管道或设备文件）：未读取" in output, output


# ---- item 4: one number ----

def test_a_huge_piece_number_costs_nothing(packed, tmp_path):
    folder = spoiled(packed, tmp_path)
    catalogue = folder / "文件目录.xml"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace("<顺序号>1</顺序号>", "<顺序号>99999999999</顺序号>"),
                         encoding="utf-8")
    relist(folder)
    code, output, peak = checked(folder)
    assert code == 1 and "文件目录.xml: 完整性·件号连续: 件号不连续：缺 0001" in output, output
    assert peak < 200 * 1024, peak


# ---- item 5: bombs under the size bound ----

def test_a_zip_bomb_under_the_bound_is_read_in_chunks_in_little_memory(packed, tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(packed / f"{NAME}.zip") as src, zipfile.ZipFile(bomb, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        member = zipfile.ZipInfo(f"{NAME}/{PIECES}/0001/炸弹.pdf")
        member.compress_type = zipfile.ZIP_DEFLATED
        with dst.open(member, "w", force_zip64=True) as f:
            f.write(b"%PDF-1.7\n")
            for _ in range(256):
                f.write(bytes(limits.MB))
    assert bomb.stat().st_size < 2 * limits.MB  # 256 MB inflated
    code, output, peak = checked(bomb)
    assert code == 1 and f"{PIECES}/0001/炸弹.pdf: 完整性·文件齐全" in output, output
    assert peak < 200 * 1024, peak
    assert not list(Path(os.environ.get("TMPDIR", "/tmp")).glob("mubiaobiao-intake-*-*/**/炸弹*"))


def test_sparse_files_in_a_folder_are_bounded_and_streamed(packed, tmp_path):
    folder = spoiled(packed, tmp_path)
    with open(folder / PIECES / "0001" / "大.pdf", "wb") as f:
        f.write(b"%PDF-1.7\n")
        f.truncate(256 * limits.MB)  # sparse: no disk, 256 MB to read
    code, output, peak = checked(folder)
    assert code == 1 and f"{PIECES}/0001/大.pdf: 完整性·文件齐全" in output, output
    assert peak < 200 * 1024, peak
    record = next((folder / PIECES / "0003").glob("*.pdf"))
    with open(record, "r+b") as f:  # a listed record: hashed in chunks, never handed to the readers whole
        f.truncate(256 * limits.MB)
    code, output, peak = checked(folder)
    rel = record.relative_to(folder).as_posix()
    assert code == 1 and f"{rel}: 安全性·文件大小: {256 * limits.MB:,} 字节，超过 {limits.size(limits.PACKAGE_PDF_BYTES)}" in output, output
    assert peak < 200 * 1024, peak
    with open(folder / PIECES / "0002" / "巨.pdf", "wb") as f:
        f.truncate(limits.PACKAGE_BYTES + 1)
    code, output, peak = checked(folder)
    assert code == 1 and f"{PIECES}/0002/巨.pdf: 安全性·载体: 文件合计超过 {limits.size(limits.PACKAGE_BYTES)}" in output, output
    assert peak < 200 * 1024, peak


# ---- item 6: bounded entries and findings ----

def test_a_catalogue_naming_one_record_thousands_of_times_is_checked_once(packed, tmp_path):
    folder = spoiled(packed, tmp_path)
    catalogue = folder / "文件目录.xml"
    text = catalogue.read_text(encoding="utf-8")
    entry = re.search(r"<条目>.*?</条目>", text, re.S).group(0)
    records = len(list((folder / PIECES).iterdir()))
    copies = "".join(entry.replace("<顺序号>1<", f"<顺序号>{n}<") for n in range(records + 1, 1500))
    catalogue.write_text(text.replace("</文件目录>", copies + "</文件目录>"), encoding="utf-8")
    relist(folder)
    code, output, _ = checked(folder, timeout=100)  # checked once each, not 1,500 times (some 300 s)
    assert code == 1 and "文件目录.xml: 完整性·文件齐全: 第 1000 件列出的文件已由另一件列出" in output, output
    assert f"另有 {1500 - records - 1 - limits.PROBLEMS} 个问题未列出" in output and len(output.splitlines()) < 300, output[-2000:]
    text = catalogue.read_text(encoding="utf-8")
    catalogue.write_text(text.replace("</文件目录>", copies + "</文件目录>"), encoding="utf-8")
    found = [str(f) for f in intake.check(folder).findings]
    assert f"文件目录.xml: 完整性·件数: 列出 {records + 2 * (1499 - records):,} 件，超过 {limits.PACKAGE_RECORDS:,} 件：不像一个部门一年的移交包，未逐件检测" in found


def test_a_zip_or_folder_of_too_many_entries_is_refused_before_reading(tmp_path):
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as z:
        for n in range(limits.PACKAGE_ENTRIES + 1):
            z.writestr(f"{NAME}/其他/{n}.txt", b"")
    found = [str(f) for f in intake.check(many).findings]
    assert found == [f"（移交包）: 安全性·载体: zip 中有 {limits.PACKAGE_ENTRIES + 1:,} 个成员，超过 "
                     f"{limits.PACKAGE_ENTRIES:,} 个：不像移交包，未检测"]
    folder = tmp_path / NAME / "其他"  # a folder is bounded alike, before its files are read
    folder.mkdir(parents=True)
    for n in range(limits.PACKAGE_ENTRIES + 1):
        (folder / f"{n}.txt").touch()
    found = [str(f) for f in intake.check(tmp_path / NAME).findings]
    assert found == [f"（移交包）: 安全性·载体: 超过 {limits.PACKAGE_ENTRIES:,} 个文件和文件夹：不像移交包，未检测"]


# ---- items 9, 10, 11: whatever the package, a report and exit 1 ----

def test_a_doctype_fails_authenticity_with_a_report(packed, tmp_path):
    folder = spoiled(packed, tmp_path)
    catalogue = folder / "文件目录.xml"
    text = catalogue.read_text(encoding="utf-8")
    text = text.replace("?>", '?>\n<!DOCTYPE 文件目录 [<!ENTITY 县 "平罗县">]>', 1).replace("平罗县司法局", "&县;司法局", 1)
    catalogue.write_text(text, encoding="utf-8")
    relist(folder)
    result = run_cli("archive", "--check", str(folder))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "文件目录.xml: 真实性·元数据格式: 含有文档类型定义（<!DOCTYPE>）" in result.stdout


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_names_no_file_system_takes_are_findings_not_a_system_error(packed, tmp_path):
    bad = tmp_path / "names.zip"
    with zipfile.ZipFile(packed / f"{NAME}.zip") as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr(f"{NAME}/其他/同名", b"a")
        dst.writestr(f"{NAME}/其他/同名/里面.txt", b"b")
        dst.writestr(f"{NAME}/其他/{'长' * 300}.txt", b"c")
        dst.writestr(f"{NAME}/说明文件.txt", b"the second of one name: unzip shows the first")
    result = run_cli("archive", "--check", str(bad))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "其他/同名: 安全性·载体: zip 中有同名的文件和文件夹：无法解压" in result.stdout
    assert f"{NAME}/其他/{'长' * 40}" in result.stdout and "安全性·载体: 路径过长" in result.stdout
    assert "说明文件.txt: 安全性·载体: zip 中有两个同名成员" in result.stdout


def test_on_read_only_media_the_report_is_printed_and_written_where_out_says(packed, tmp_path, monkeypatch):
    folder = spoiled(packed, tmp_path)
    (folder / "其他" / "命名规则.txt").write_text("改过", encoding="utf-8")
    from render.produce import files

    real = files.write_atomic

    def read_only(path, data, durable=True):
        if path.parent == tmp_path:
            raise OSError(30, "Read-only file system", str(path))
        real(path, data, durable)

    monkeypatch.setattr(files, "write_atomic", read_only)
    result = run_cli("archive", "--check", str(folder))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "其他/命名规则.txt: 真实性·数字摘要" in result.stdout and "结论：未通过：真实性" in result.stdout
    assert f"检测报告未能写入 {tmp_path / NAME}-检测报告.txt（Read-only file system）" in result.stdout
    result = run_cli("archive", "--check", str(folder / "电子档案" / ".."), "--out", str(tmp_path / "报告"))
    assert result.returncode == 1
    assert "结论：未通过：真实性" in (tmp_path / "报告" / f"{NAME}-检测报告.txt").read_text(encoding="utf-8")
    assert not (folder / "..-检测报告.txt").exists()


# ---- items 13, 14, 15: `archive` writes where it should, keeps what a person put there, leaves no litter ----

def test_the_out_guard_resolves_dotdot_and_links(three_tables, tmp_path):
    # whatever is written, the session's build stays as it is
    built = shutil.copytree(three_tables / "dist", tmp_path / "dist")
    (tmp_path / "移交").mkdir()
    (tmp_path / "链接").symlink_to(built)
    for out in (f"{tmp_path}/移交/../dist/pk",
                str(tmp_path / "链接" / "pk")):
        result = run_cli("archive", str(built), "--out", out)
        assert result.returncode == 2 and "移交包不能写进输出文件夹" in result.stdout, (out, result.stdout)
    assert not (built / "pk").exists()


def dead_pid() -> int:
    done = subprocess.Popen(["true"])
    done.wait()
    return done.pid


def test_archive_removes_the_staging_folders_of_killed_runs(three_tables, tmp_path):
    built = three_tables / "dist"
    target = tmp_path / "移交"
    stale, live = target / f".{NAME}.{dead_pid()}.tmp", target / f".{NAME}.{os.getppid()}.tmp"
    for folder in (stale, live):
        (folder / "其他").mkdir(parents=True)
    mine = target / f".笔记.{dead_pid()}.tmp"
    mine.write_text("a person's own", encoding="utf-8")
    result = run_cli("archive", str(built), "--out", str(target))
    assert result.returncode == 0, result.stdout
    assert not stale.exists() and live.exists()  # a killed run's, and not one of a process still running
    assert mine.exists()


def test_a_second_archive_keeps_what_a_person_added(three_tables, tmp_path):
    built = three_tables / "dist"
    target = tmp_path / "移交"
    assert run_cli("archive", str(built), "--out", str(target)).returncode == 0
    (target / NAME / "交接笔记.txt").write_text("周三交接", encoding="utf-8")
    (target / NAME / "扫描件").mkdir()
    result = run_cli("archive", str(built), "--out", str(target))
    assert result.returncode == 2, result.stdout
    assert "文件夹中有不是移交包的文件，替换会删除它们：交接笔记.txt、扫描件/" in result.stdout
    assert (target / NAME / "交接笔记.txt").read_text(encoding="utf-8") == "周三交接" and (target / NAME / "扫描件").is_dir()


def test_a_check_removes_the_temp_folders_of_killed_checks(packed, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    from render.archive.carrier import TEMP_PREFIX

    stale, live = tmp_path / f"{TEMP_PREFIX.format(dead_pid())}x", tmp_path / f"{TEMP_PREFIX.format(os.getppid())}x"
    elsewhere = tmp_path / f"mubiaobiao-intake-{dead_pid()}@另一台-x"  # its pid is not this machine's to judge
    elsewhere.mkdir()
    for folder in (stale, live):
        folder.mkdir()
        (folder / "record.pdf").write_bytes(b"%PDF-")
    assert intake.check(packed / f"{NAME}.zip").passed()
    assert not stale.exists() and live.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, elsewhere.name])  # its own are gone


# ---- item 16: metadata checked against each other and the PDF; the folder's own digest ----

def test_metadata_that_lies_about_its_unit_and_its_program_fails_authenticity(packed, tmp_path):
    folder = spoiled(packed, tmp_path)
    sidecar = folder / PIECES / "0002" / "元数据.xml"
    text = sidecar.read_text(encoding="utf-8").replace("<立档单位名称>平罗县司法局", "<立档单位名称>平罗县财政局")
    sidecar.write_text(re.sub(r"<文档创建程序>[^<]*", "<文档创建程序>Microsoft Word 2003", text), encoding="utf-8")
    catalogue = folder / "文件目录.xml"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace('立档单位名称="平罗县司法局"', '立档单位名称="平罗县公安局"'),
                         encoding="utf-8")
    relist(folder)
    found = [str(f) for f in intake.check(folder).findings]
    pdf = next((folder / PIECES / "0002").glob("*.pdf")).relative_to(folder).as_posix()
    rel = sidecar.relative_to(folder).as_posix()
    assert f"{rel}: 真实性·元数据与目录: 立档单位名称“平罗县财政局”与文件目录.xml的“平罗县公安局”不符" in found, found
    assert f"{PIECES}/0001/元数据.xml: 真实性·元数据与目录: 立档单位名称“平罗县司法局”与文件目录.xml的“平罗县公安局”不符" in found
    assert any(f.startswith(f"{pdf}: 真实性·元数据与文件: 元数据的立档单位名称“平罗县财政局”与 PDF 的责任者“018-平罗县司法局") for f in found)
    with pikepdf.open(folder / pdf) as doc:
        producer = str(doc.docinfo["/Producer"])
    assert f"{pdf}: 真实性·元数据与文件: 元数据的文档创建程序未列出 PDF 所记的生成程序“{producer}”" in found


def test_the_report_of_a_folder_gives_the_digest_of_the_whole(packed):
    folder = packed / NAME
    listing = "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.stat().st_size}  {p.relative_to(folder).as_posix()}\n"
                      for p in sorted(folder.rglob("*"), key=lambda p: p.relative_to(folder).as_posix()) if p.is_file())
    whole = hashlib.sha256(listing.encode("utf-8")).hexdigest()
    result = run_cli("archive", "--check", str(folder), "--out", str(packed / "报告"))
    assert result.returncode == 0 and f"移交包（文件夹）的摘要：{whole}" in result.stdout, result.stdout


# ---- item 17: the smaller ways ----

def test_reports_are_named_by_the_package_and_the_folder_and_zip_keep_their_own(packed, tmp_path, monkeypatch):
    shutil.copytree(packed / NAME, tmp_path / NAME)
    shutil.copy(packed / f"{NAME}.zip", tmp_path)
    monkeypatch.chdir(tmp_path / NAME)
    assert run_cli("archive", "--check", ".").returncode == 0
    assert run_cli("archive", "--check", str(tmp_path / f"{NAME}.zip")).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([NAME, f"{NAME}.zip", f"{NAME}-检测报告.txt",
                                                                  f"{NAME}.zip-检测报告.txt"])
    assert "移交包的 SHA-256" in (tmp_path / f"{NAME}.zip-检测报告.txt").read_text(encoding="utf-8")
    assert "移交包（文件夹）的摘要" in (tmp_path / f"{NAME}-检测报告.txt").read_text(encoding="utf-8")


def test_the_command_the_package_suggests_is_quoted_for_a_shell(built, manifest):
    import shlex
    from dataclasses import replace

    from conftest import CONTENT

    from render import COMMAND
    from render.archive import package, records
    from render.produce.plan import source_base
    from render.source import load

    content, _ = load.load(CONTENT, source_base(CONTENT))
    p = records.packages(built, manifest, content.departments[:1], built)[0]
    p = replace(p, department=replace(p.department, name="司法局$(touch x)'局"))
    line = next(line for line in package.readme(p, {}).decode("utf-8").splitlines() if "--check" in line)
    command = line.split("接收时可运行 ")[1].split(" 复核")[0]
    assert shlex.split(command) == [*shlex.split(COMMAND), "archive", "--check", f"{p.name}.zip"]
    assert "$(touch x)'局-2025年电子档案移交包.zip" in p.name + ".zip" and "'" in command.split("--check ")[1][:1]


def test_an_embedded_file_that_inflates_past_a_source_is_refused_unread(packed, tmp_path):
    import zlib

    folder = spoiled(packed, tmp_path)
    pdf = next((folder / PIECES / "0002").glob("*.pdf"))
    with pikepdf.open(pdf, allow_overwriting_input=True) as doc:
        bomb = pikepdf.Stream(doc, zlib.compress(bytes(64 * limits.MB), 9))  # 64 KB deflated
        bomb.Filter, bomb.Type = pikepdf.Name.FlateDecode, pikepdf.Name.EmbeddedFile
        doc.Root.Bomb = doc.make_indirect(bomb)
        doc.save(pdf)
    rel = pdf.relative_to(folder).as_posix()
    assert pdf.stat().st_size < 2 * limits.MB
    found = [str(f) for f in intake.check(folder).findings]
    assert f"{rel}: 安全性·活动内容: 内嵌文件解压后超过 {limits.size(limits.PACKAGE_TEXT_BYTES)}，不是源文件" in found, found
