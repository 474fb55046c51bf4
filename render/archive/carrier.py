"""Turn a package as it lies (a folder, or a .zip read in place) into the regular files it holds, each hashed in
chunks and known by its content, and what is wrong with it as a carrier: links, devices, programs, archives,
bombs, names no file system takes, and anything a package may not hold."""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import shutil
import socket
import stat
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path, PurePosixPath

from render.archive.metadata import CATALOGUE, METADATA
from render.produce import files
from render.source import limits

README = "说明文件.txt"
FORM = "其他/移交登记表.pdf"
REPORT = "其他/移交检测报告.txt"  # the records' check the 登记表 sums up and prints the SHA-256 of (handover.py)
OTHER = ("其他/档案元数据.xsd", "其他/元数据方案.txt", "其他/命名规则.txt")
# What a package may hold (档发〔2012〕7号 附件2), each by what its bytes must be: anything else is refused,
# whatever its name says. The text and XML files are read whole, so they are bounded (limits.PACKAGE_TEXT_BYTES).
FIXED = {README: "text", CATALOGUE: "xml", FORM: "pdf", REPORT: "text", OTHER[0]: "xml", OTHER[1]: "text",
         OTHER[2]: "text"}
KINDS = {"pdf": "PDF", "xml": "XML", "text": "UTF-8 文本"}
# First bytes of what runs when opened (Windows and Unix programs, scripts, shortcuts) and of archives, which
# could hold anything unchecked (.docm, .jar and .xlsm are zips).
_PROGRAMS = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf",
             b"L\x00\x00\x00\x01\x14\x02\x00")
_ARCHIVES = (b"PK\x03\x04", b"PK\x05\x06", b"7z\xbc\xaf", b"Rar!", b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"\xd0\xcf\x11\xe0")
_CHUNK = 1024 * 1024
# A check's temp folder: a later run removes those of its machine's processes that are gone (not another's).
TEMP_PREFIX = f"mubiaobiao-intake-{{}}@{socket.gethostname()}-"
STALE = re.escape(TEMP_PREFIX).replace(r"\{\}", r"(?P<pid>\d+)") + ".*"


@dataclass(frozen=True, order=True)
class Finding:
    property: str  # 真实性 | 完整性 | 可用性 | 安全性
    path: str  # inside the package ("" for the package itself)
    check: str  # the 检测项
    message: str

    def __str__(self) -> str:
        return f"{self.path or '（移交包）'}: {self.property}·{self.check}: {self.message}"


@dataclass(frozen=True)
class Item:  # a regular file of the package, as read once, in chunks
    size: int
    sha256: str
    fit: bool  # its bytes are what its place in the package allows (FIXED, or a record and its metadata)


def expected_kind(rel: str) -> str | None:
    """What a file at `rel` must be, or None: a package may not hold it."""
    parts = PurePosixPath(rel).parts
    if rel in FIXED or parts[0] != "电子档案" or len(parts) < 3:
        return FIXED.get(rel)
    return "xml" if parts[-1] == METADATA else "pdf" if parts[-1].lower().endswith(".pdf") else None


class _Sniff:
    """What a file's bytes are, learnt while they stream past: its head, NUL bytes, whether it is UTF-8."""

    def __init__(self) -> None:
        self.head, self.nul, self.utf8 = b"", False, True
        self._decoder = codecs.getincrementaldecoder("utf-8")()

    def feed(self, chunk: bytes, last: bool = False) -> None:
        self.head = self.head if len(self.head) >= 16 else (self.head + chunk)[:16]
        self.nul = self.nul or b"\x00" in chunk
        if self.utf8:
            try:
                self._decoder.decode(chunk, last)
            except UnicodeDecodeError:
                self.utf8 = False

    def is_(self, kind: str) -> bool:
        head = self.head.removeprefix(b"\xef\xbb\xbf").lstrip()
        if kind == "pdf":
            return self.head.startswith(b"%PDF-")
        return self.utf8 and not self.nul and (kind == "text" or head.startswith(b"<"))


class Carrier:
    """The package's regular files by path (`items`), what is wrong with it as a carrier (`findings`), and
    (in Folder and Zip) their bytes: `read` for the small ones, `local` a path on disk for the PDF readers."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.items: dict[str, Item] = {}
        self.findings: list[Finding] = []
        self.zipped = False
        self.opened = True  # read as a package at all: without, only `findings` is said
        self.whole = ""  # SHA-256 of the whole package: of the .zip, or of the folder's listing of digests

    def bad(self, prop: str, rel: str, check: str, message: str) -> None:
        self.findings.append(Finding(prop, rel, check, message))

    def _take(self, rel: str, size: int, stream) -> None:
        """Hash and sniff one regular file as it streams; refuse by content what a package may not hold."""
        kind = expected_kind(rel)
        if kind in ("xml", "text") and size > limits.PACKAGE_TEXT_BYTES:
            self.bad("安全性", rel, "文件大小", f"{size:,} 字节，超过 {limits.size(limits.PACKAGE_TEXT_BYTES)}：未读取")
            return
        sha, sniff, read = hashlib.sha256(), _Sniff(), 0
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            sha.update(chunk)
            sniff.feed(chunk)
            read += len(chunk)
            if read > size:  # a file that grows while read, or a zip member longer than its directory says
                self.bad("安全性", rel, "载体", "读出的字节多于所记的大小：未读完")
                return
        sniff.feed(b"", last=True)
        if sniff.head.startswith(_PROGRAMS):
            self.bad("安全性", rel, "可执行内容", "是程序或脚本")
        elif sniff.head.startswith(_ARCHIVES):
            self.bad("安全性", rel, "文件类型", "是压缩文件或复合文档，其中的内容无法检测")
        elif kind is None:
            self.bad("安全性", rel, "文件类型", "移交包只含 PDF、元数据 XML 和说明文本（档发〔2012〕7号 附件2），不含这种文件")
        elif not sniff.is_(kind):
            self.bad("安全性", rel, "文件类型", f"内容不是{KINDS[kind]}（按文件内容判断，与文件名不符）")
        huge = kind == "pdf" and read > limits.PACKAGE_PDF_BYTES  # the readers' memory is not ours to bound
        if huge:
            self.bad("安全性", rel, "文件大小", f"{read:,} 字节，超过 {limits.size(limits.PACKAGE_PDF_BYTES)}：未交给 PDF 阅读器检测")
        self.items[rel] = Item(read, sha.hexdigest(), kind is not None and sniff.is_(kind) and not huge
                               and not sniff.head.startswith(_PROGRAMS + _ARCHIVES))

    def __enter__(self):
        return self

    def __exit__(self, *_) -> None:
        if getattr(self, "archive", None) is not None:  # a Zip's
            self.archive.close()


class Folder(Carrier):
    """A package folder, walked without following a link and never opening what is not a regular file."""

    def __init__(self, root: Path, name: str) -> None:
        super().__init__(name)
        self.root = root
        entries, total, stack, regular = 0, 0, [""], []
        while stack:  # listed to the bound first, as a zip's directory is: nothing is read from a folder too full
            rel_dir = stack.pop()
            try:
                with os.scandir(root / rel_dir) as it:  # a folder of millions is read no further than the bound
                    listing = sorted(islice(it, limits.PACKAGE_ENTRIES + 1 - entries), key=lambda e: e.name)
            except OSError as e:
                self.bad("安全性", rel_dir, "载体", f"无法读取这个文件夹（{e.strerror}）")
                continue
            for entry in listing:
                rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
                entries += 1
                if entries > limits.PACKAGE_ENTRIES:
                    self.bad("安全性", "", "载体", f"超过 {limits.PACKAGE_ENTRIES:,} 个文件和文件夹：不像移交包，未检测")
                    self.opened = False
                    return
                st = entry.stat(follow_symlinks=False)
                if stat.S_ISDIR(st.st_mode):
                    stack.append(rel)
                elif not stat.S_ISREG(st.st_mode):
                    self.bad("安全性", rel, "文件类型", "不是普通文件（链接、管道或设备文件）：未读取")
                elif total + st.st_size > limits.PACKAGE_BYTES:  # a sparse file of terabytes costs no disk
                    self.bad("安全性", rel, "载体", f"文件合计超过 {limits.size(limits.PACKAGE_BYTES)}：不像移交包，未读取")
                else:
                    total += st.st_size
                    regular.append((rel, st.st_size))
        for rel, size in sorted(regular):
            self._read_file(rel, size)
        digest = hashlib.sha256("".join(f"{i.sha256}  {i.size}  {rel}\n" for rel, i in sorted(self.items.items()))
                                .encode("utf-8"))
        self.whole = digest.hexdigest()

    def _read_file(self, rel: str, size: int) -> None:
        try:  # O_NOFOLLOW and fstat: what was swapped for a link or a pipe since the walk is still not read
            fd = os.open(self.root / rel, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except OSError as e:
            self.bad("安全性", rel, "载体", f"无法读取（{e.strerror}）")
            return
        with open(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                self.bad("安全性", rel, "文件类型", "不是普通文件（链接、管道或设备文件）：未读取")
                return
            self._take(rel, size, f)

    def read(self, rel: str) -> bytes:
        with open(self.root / rel, "rb") as f:
            return f.read(limits.PACKAGE_TEXT_BYTES + 1)

    @contextmanager
    def local(self, rel: str):
        yield self.root / rel


class Zip(Carrier):
    """A package's .zip read in place, member by member: only a PDF the readers must open is written to disk,
    one at a time, and removed."""

    def __init__(self, path: Path, name: str) -> None:
        super().__init__(name)
        self.zipped = True
        self.archive = None
        self.top = ""
        self.members: dict[str, zipfile.ZipInfo] = {}
        with open(path, "rb") as f:
            self.whole = hashlib.file_digest(f, "sha256").hexdigest()
        try:
            self.archive = zipfile.ZipFile(path)
            infos = self.archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as e:
            self.bad("安全性", "", "载体", f"无法作为 zip 读取：{e}")
            self.opened = False
            return
        if len(infos) > limits.PACKAGE_ENTRIES:
            self.bad("安全性", "", "载体", f"zip 中有 {len(infos):,} 个成员，超过 {limits.PACKAGE_ENTRIES:,} 个：不像移交包，未检测")
            self.opened = False
            return
        declared = sum(i.file_size for i in infos)
        if declared > limits.PACKAGE_BYTES:
            self.bad("安全性", "", "载体", f"解压后有 {declared:,} 字节，超过 {limits.size(limits.PACKAGE_BYTES)}：不像移交包，未解压")
            self.opened = False
            return
        tops = {PurePosixPath(i.filename).parts[0] for i in infos if _inside(i.filename)}
        if len(tops) != 1:
            self.bad("完整性", "", "结构", f"zip 中应只有一个移交包文件夹，实有 {len(tops)} 个")
            self.opened = False
        folders = {parent.as_posix() for i in infos for parent in PurePosixPath(i.filename).parents}
        for info in infos:
            self._member(info, folders)

    def _member(self, info: zipfile.ZipInfo, folders: set[str]) -> None:
        name = info.filename
        path = PurePosixPath(name)
        rel = "/".join(path.parts[1:])
        mode = info.external_attr >> 16 if info.create_system == 3 else 0
        if not _inside(name):
            self.bad("安全性", name, "载体", "路径指向移交包之外")
        elif len(name.encode("utf-8")) > 1024 or any(len(p.encode("utf-8")) > 255 for p in path.parts):
            self.bad("安全性", limits.excerpt(name, 80), "载体", "路径过长，一般的文件系统不能保存")
        elif stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
            self.bad("安全性", rel, "文件类型", "不是普通文件（链接或设备文件）：未读取")
        elif info.flag_bits & 0x1:
            self.bad("可用性", rel, "加密", "zip 成员已加密")
        elif info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            self.bad("可用性", rel, "压缩", f"使用非通用的压缩方法 {info.compress_type}")
        elif info.is_dir() or not rel or not self.opened:
            return
        elif rel in self.members:
            self.bad("安全性", rel, "载体", "zip 中有两个同名成员：解压程序只取其一，检测的可能不是打开的那个")
        elif name in folders:
            self.bad("安全性", rel, "载体", "zip 中有同名的文件和文件夹：无法解压")
        else:
            self.members[rel] = info
            try:
                with self.archive.open(info) as stream:
                    self._take(rel, info.file_size, stream)
            except (zipfile.BadZipFile, OSError, NotImplementedError, EOFError, ValueError) as e:
                self.bad("安全性", rel, "载体", f"无法读出（{type(e).__name__}）")
                self.items.pop(rel, None)

    def read(self, rel: str) -> bytes:
        with self.archive.open(self.members[rel]) as f:
            return f.read(limits.PACKAGE_TEXT_BYTES + 1)

    @contextmanager
    def local(self, rel: str):
        folder = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX.format(os.getpid())))
        try:
            target = folder / ("record" + PurePosixPath(rel).suffix.lower()[:8])
            with self.archive.open(self.members[rel]) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst, _CHUNK)
            yield target
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def _inside(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(path.parts) and not (path.is_absolute() or ".." in path.parts or "\\" in name or ":" in name)


def open_package(path: Path, name: str) -> Carrier:
    files.remove_stale(Path(tempfile.gettempdir()), STALE)
    mode = path.stat().st_mode
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return Folder(path, name) if stat.S_ISDIR(mode) else Zip(path, name)
    carrier = Carrier(name)  # a pipe or a device given as the package: read, it would never end
    carrier.bad("安全性", "", "文件类型", "不是文件夹或 zip 文件（管道或设备文件）：未读取")
    carrier.opened = False
    return carrier
