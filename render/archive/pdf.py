"""Turn a PDF into what an archive records of it (title, author, date, pages, the files it carries) and what
an intake check finds wrong with it: not PDF/A-3b (nor 3a, UA-1 where claimed), not opened by Poppler or MuPDF, encrypted, active."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

FORMAT = "PDF/A-3a（GB/T 23286.3-2021 / ISO 19005-3）"
# Actions that run code, start a program, reach out or submit something (ISO 32000-1 §12.6.4).
_ACTIVE = {"/JavaScript": "JavaScript", "/Launch": "启动程序（Launch）动作", "/URI": "链接网址（URI）动作",
           "/SubmitForm": "提交表单动作", "/ImportData": "导入数据动作", "/GoToR": "打开其他文件（GoToR）动作",
           "/GoToE": "打开内嵌文件（GoToE）动作", "/Rendition": "播放媒体动作"}
# MuPDF built without LittleCMS says this of every file: about the machine, not the file.
_MACHINE = re.compile(r"ICC support is not available")


@dataclass(frozen=True)
class Facts:
    title: str
    author: str
    date: str  # YYYYMMDD, from the document's creation date
    pages: int
    embedded: tuple[tuple[str, str], ...]  # (name, sha256) of each file in /AF, as declared
    encrypted: bool
    programs: tuple[str, ...] = ()  # the /Creator and /Producer it names: what its 文档创建程序 must name too


def carried(pdf) -> dict[str, bytes]:
    """The files an open PDF/A-3 carries in its catalog's /AF array, by name (/UF, the Unicode one, first)."""
    return {str(spec.get("/UF") or spec.get("/F")): spec.EF.F.read_bytes() for spec in pdf.Root.get("/AF", [])}


def associated_files(path: Path) -> dict[str, bytes]:
    """`carried` of the PDF at `path`."""
    import pikepdf  # only when there is a PDF to read: verify of an empty folder stays quick

    with pikepdf.open(path) as pdf:
        return carried(pdf)


def facts(path: Path) -> Facts:
    import pikepdf

    with pikepdf.open(path) as pdf:
        info = pdf.docinfo
        embedded = tuple((name, hashlib.sha256(data).hexdigest()) for name, data in carried(pdf).items())
        return Facts(str(info.get("/Title", "")), str(info.get("/Author", "")),
                     pdf_day(str(info.get("/CreationDate", ""))), len(pdf.pages), embedded, pdf.is_encrypted,
                     tuple(str(info[k]) for k in ("/Creator", "/Producer") if str(info.get(k, ""))))


def pdf_day(value: str) -> str:
    """D:20250120000000+08'00' → 20250120: the day as it was where the PDF was dated."""
    found = re.match(r"(?:D:)?(\d{8})", value)
    return found.group(1) if found else ""


# page-validation's profiles: PDF/A-3b always, and each standard the file's XMP says it meets.
PROFILES = {"3b": "PDF/A-3b", "3a": "PDF/A-3a", "ua1": "PDF/UA-1"}
CLAIMS = {"3a": re.compile(rb"pdfaid:conformance(?:>|=\")A"), "ua1": re.compile(rb"pdfuaid:part(?:>|=\")1")}
# Level A includes level B (ISO 19005-3 2.2), but the 3b profile wants the XMP to say B.
LEVEL_A = "PDFA3B-ID-CONFORMANCE-001"


def claimed(path: Path) -> tuple[str, ...]:
    """The profiles a PDF is checked against: 3b, and 3a and ua1 where its XMP claims them."""
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            xmp = pdf.Root.Metadata.read_bytes() if "/Metadata" in pdf.Root else b""
    except Exception:  # the 3b profile says what is wrong with it
        xmp = b""
    return ("3b",) + tuple(p for p, claim in CLAIMS.items() if claim.search(xmp))


def pdfa_failures(path: Path) -> list[str]:
    """page-validation's PDF/A-3b profile (146 rules of ISO 19005-3) and those of the standards the file
    claims (PDF/A-3a, PDF/UA-1), each failure with its rule."""
    from page import validate_pdf

    profiles = claimed(path)
    found = []
    for profile in profiles:
        try:
            report = validate_pdf(str(path), profile=profile)
        except Exception as e:  # a file it cannot parse fails the check; it is not a fault of ours
            return [f"无法作为 PDF 解析（{type(e).__name__}）"]
        excused = {LEVEL_A} if profile == "3b" and "3a" in profiles else set()
        failures = [f for f in report.failures if f.rule_id not in excused]
        found += [f"不符合 {PROFILES[profile]} 规则 {f.rule_id}：{f.message}" for f in failures]
        if not failures and not report.is_compliant and not excused:
            found.append(f"未通过 {PROFILES[profile]} 验证")
    return found


def readers() -> dict[str, str]:
    """Each reader the check opens files with, and the program it needs where this machine lacks it."""
    need = {"Poppler": ("pdfinfo", "poppler-utils"), "MuPDF": ("mutool", "mupdf-tools")}
    return {name: f"{program}（{package}）" for name, (program, package) in need.items() if not shutil.which(program)}


def reader_failures(path: Path, pages: int) -> list[str]:
    """Poppler (pdfinfo, pdftotext) and MuPDF (mutool draw) each open every page without an error or
    warning, and count the pages the metadata gives. The three run side by side: each is mostly its own
    start, and an archivist checks a package of hundreds of PDFs."""
    found = []
    runs = {"Poppler": (["pdfinfo", str(path)], ["pdftotext", "-q", str(path), "-"]),
            "MuPDF": (["mutool", "draw", "-q", "-F", "txt", "-o", "-", str(path)],)}
    with ThreadPoolExecutor(max_workers=3) as pool:
        done = {tuple(c): pool.submit(_read, c) for commands in runs.values() for c in commands}
    for reader, commands in runs.items():
        for command in commands:
            result = done[tuple(command)].result()
            if isinstance(result, Exception):
                found.append(f"{reader}（{command[0]}）无法打开：{type(result).__name__}")
                break
            said = [line for line in result.stderr.decode("utf-8", "replace").splitlines()
                    if line.strip() and not _MACHINE.search(line)]
            if result.returncode or said:
                found.append(f"{reader}（{command[0]}）打开时出错：{(said or ['退出状态 %d' % result.returncode])[0][:200]}")
                break
            if command[0] == "pdfinfo":
                counted = re.search(rb"^Pages:\s+(\d+)", result.stdout, re.M)
                if not counted or int(counted.group(1)) != pages:
                    found.append(f"Poppler 读出的页数与元数据的 {pages} 页不符")
    return found


def _read(command: list[str]) -> subprocess.CompletedProcess | Exception:
    try:
        return subprocess.run(command, capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        return e


def dangers(path: Path, declared: dict[str, str]) -> list[str]:
    """Encryption, scripts and actions anywhere in the file, and embedded files other than `declared` (name →
    sha256, the sources its metadata lists)."""
    import pikepdf

    found = []
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        return ["已加密（需要密码才能打开）"]
    except pikepdf.PdfError:
        return ["无法作为 PDF 打开"]
    with pdf:
        if pdf.is_encrypted:
            found.append("已加密")
        seen: set[str] = set()
        for obj, d in _dictionaries(pdf):
            kinds = {str(d.get("/S"))} & set(_ACTIVE) if "/S" in d else set()
            kinds |= {"/JavaScript"} if "/JS" in d or "/JavaScript" in d else set()
            kinds |= {"/URI"} if "/URI" in d else set()
            for kind in sorted(kinds - seen):
                found.append(f"含有{_ACTIVE[kind]}")
            seen |= kinds
            if "/AA" in d and "/AA" not in seen:
                seen.add("/AA")
                found.append("含有自动执行的附加动作（/AA）")
            if d.get("/Type") == "/EmbeddedFile" and isinstance(obj, pikepdf.Stream):
                data, why = _bounded(obj)
                if data is None:
                    found.append(f"内嵌文件{why}")
                elif hashlib.sha256(data).hexdigest() not in declared.values():
                    found.append("内嵌了元数据未声明的文件")
                elif not _source_text(data):
                    found.append("内嵌文件不是源文本（是程序或二进制文件）")
        found_here = {}
        for spec in pdf.Root.get("/AF", []):
            data, _ = _bounded(spec.EF.F)
            found_here[str(spec.get("/UF") or spec.get("/F"))] = hashlib.sha256(data or b"").hexdigest()
    for name in sorted(set(found_here) | set(declared)):
        if found_here.get(name) != declared.get(name):
            what = "元数据未声明" if name not in declared else "缺少" if name not in found_here else "与元数据的摘要不符"
            found.append(f"内嵌文件 {name} {what}")
    return found


def _dictionaries(pdf):
    """Every dictionary in the file, with its object: the indirect ones and those written inside them (an
    /OpenAction is often a direct dictionary in the catalog), each once."""
    import pikepdf

    stack = list(pdf.objects)
    while stack:
        obj = stack.pop()
        d = obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj
        if isinstance(d, pikepdf.Dictionary):
            yield obj, d
            inside = list(d.values())
        elif isinstance(d, pikepdf.Array):
            inside = list(d)
        else:
            continue
        stack += [c for c in inside if isinstance(c, (pikepdf.Dictionary, pikepdf.Array)) and not c.is_indirect]


def _bounded(stream) -> tuple[bytes | None, str]:
    """An embedded file's bytes, inflated no further than a source can be (its sources are Markdown, 部门.yml
    and the rules): a stream that inflates to a gigabyte stops at the bound, never in memory whole."""
    import zlib

    from render.source import limits

    filters = stream.stream_dict.get("/Filter")
    raw = stream.read_raw_bytes()
    if filters is None:
        data = raw
    elif str(filters) == "/FlateDecode" and "/DecodeParms" not in stream.stream_dict:
        try:
            data = zlib.decompressobj().decompress(raw, limits.PACKAGE_TEXT_BYTES + 1)
        except zlib.error:
            return None, "无法解压"
    else:
        return None, f"使用了源文件不用的编码 {filters}"
    if len(data) > limits.PACKAGE_TEXT_BYTES:
        return None, f"解压后超过 {limits.size(limits.PACKAGE_TEXT_BYTES)}，不是源文件"
    return data, ""


def _source_text(data: bytes) -> bool:
    """UTF-8 text without NUL bytes, as a source is: a program, an archive or an image is not."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in data and not data.startswith((b"#!", b"MZ"))
