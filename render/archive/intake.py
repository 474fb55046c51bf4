"""Turn a package (a folder or its .zip) into the four-property check of DA/T 70-2018 (真实性, 完整性, 可用性,
安全性): every finding with the file and the check, read from the package alone, never the content folder."""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from render.archive import metadata as meta
from render.archive import pdf
from render.archive.records import piece
from render.source import limits

PROPERTIES = ("真实性", "完整性", "可用性", "安全性")
README = "说明文件.txt"
FORM = "其他/移交登记表.pdf"
LATER = (README, FORM)  # made after the records are checked: the 登记表 prints the results, 说明文件 lists it
OTHER = ("其他/档案元数据.xsd", "其他/元数据方案.txt", "其他/命名规则.txt")
# 说明文件.txt lists every other file of the package as `sha256  字节数  路径`, as sha256sum would
LISTED = re.compile(r"^([0-9a-f]{64})  (\d+)  (\S.*)$")
# What runs when opened: Windows and Unix programs, scripts, libraries (DA/T 70-2018 安全性: no malicious code)
_PROGRAMS = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf")
_RUNNABLE = {".exe", ".com", ".bat", ".cmd", ".scr", ".dll", ".so", ".sh", ".js", ".vbs", ".ps1", ".jar", ".msi"}
# The archive fields only the 档案室 may give (部门.yml): empty in the metadata until it does
TO_FILL = (("档号/全宗号", "全宗号"), ("来源/全宗名称", "全宗名称"), ("档号/机构或问题", "机构或问题"),
           ("档号/保管期限", "保管期限"), ("内容描述/密级", "密级"))


@dataclass(frozen=True, order=True)
class Finding:
    property: str  # one of PROPERTIES
    path: str  # inside the package ("" for the package itself)
    check: str  # the 检测项
    message: str

    def __str__(self) -> str:
        return f"{self.path or '（移交包）'}: {self.property}·{self.check}: {self.message}"


@dataclass(frozen=True)
class Result:
    package: str
    findings: tuple[Finding, ...]
    records: int
    files: int
    size: int
    to_fill: tuple[str, ...]  # archive fields the metadata leaves for the 档案室
    sha256: str = ""  # of the .zip checked: written on the signed paper 登记表, it binds the package to it

    def passed(self, prop: str | None = None) -> bool:
        return not any(prop is None or f.property == prop for f in self.findings)


def check(path: Path) -> Result:
    """A package folder, or the .zip of one."""
    if path.is_dir():
        return check_folder(path, path.name)
    with tempfile.TemporaryDirectory(prefix="mubiaobiao-intake-") as tmp:
        found, root = _unpack(path, Path(tmp))
        result = check_folder(root, path.name) if root else Result(path.name, (), 0, 0, 0, ())
        with open(path, "rb") as f:
            digest = hashlib.file_digest(f, "sha256").hexdigest()
        return Result(result.package, tuple(found) + result.findings, result.records, result.files,
                      path.stat().st_size, result.to_fill, digest)


def _unpack(path: Path, into: Path) -> tuple[list[Finding], Path | None]:
    """The zip's members into `into`, each checked as a carrier is: sound, plain, inside its one folder."""
    def bad(prop: str, check: str, message: str, member: str = "") -> Finding:
        return Finding(prop, member, check, message)

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        return [bad("安全性", "载体", f"无法作为 zip 读取：{e}")], None
    found, tops = [], set()
    with archive:
        declared = sum(i.file_size for i in archive.infolist())
        if declared > limits.PACKAGE_BYTES:
            return [bad("安全性", "载体", f"解压后有 {declared:,} 字节，超过 {limits.size(limits.PACKAGE_BYTES)}：不像移交包，未解压")], None
        for info in archive.infolist():
            name = PurePosixPath(info.filename)
            if name.is_absolute() or ".." in name.parts or "\\" in info.filename or ":" in info.filename:
                found.append(bad("安全性", "载体", "路径指向移交包之外", info.filename))
                continue
            tops.add(name.parts[0])
            if info.flag_bits & 0x1:
                found.append(bad("可用性", "加密", "zip 成员已加密", info.filename))
            elif info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                found.append(bad("可用性", "压缩", f"使用非通用的压缩方法 {info.compress_type}", info.filename))
            elif not info.is_dir():
                target = into / name
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    with archive.open(info) as src, open(target, "wb") as dst:
                        shutil.copyfileobj(src, dst, 1024 * 1024)
                except (zipfile.BadZipFile, OSError, NotImplementedError) as e:
                    found.append(bad("安全性", "载体", f"无法读出（{type(e).__name__}）", info.filename))
                    target.unlink(missing_ok=True)
    if len(tops) != 1:
        found.append(bad("完整性", "结构", f"zip 中应只有一个移交包文件夹，实有 {len(tops)} 个"))
        return found, None
    return found, into / tops.pop()


def check_folder(root: Path, name: str, final: bool = True) -> Result:
    """`final`: the whole package; without it, what is there before 说明文件.txt and 移交登记表.pdf are added
    (the records, their metadata, 文件目录.xml and 其他/), whose results the 登记表 prints."""
    found: list[Finding] = []

    def add(prop: str, path: str, check: str, message: str) -> None:
        found.append(Finding(prop, path, check, message))

    present = {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if not p.is_dir()}
    for rel, p in present.items():
        if p.is_symlink() or not p.is_file():
            add("安全性", rel, "文件类型", "不是普通文件（链接或设备文件）")
        elif p.suffix.lower() in _RUNNABLE or _head(p).startswith(_PROGRAMS):
            add("安全性", rel, "可执行内容", "是程序或脚本")
    digests = {rel: hashlib.sha256(p.read_bytes()).hexdigest() for rel, p in present.items() if p.is_file()}
    expected = set(OTHER) | {meta.CATALOGUE}
    if final:
        expected |= set(LATER)
        listing = _listing(root)
        for rel, (sha, size) in listing.items():
            if rel not in present:
                add("完整性", rel, "文件齐全", f"{README} 列出的文件不存在")
            elif digests.get(rel) != sha or present[rel].stat().st_size != size:
                add("真实性", rel, "数字摘要", f"与 {README} 所记的 SHA-256 或大小不符（文件被改动）")
        for rel in sorted(set(present) - set(listing) - {README}):
            add("完整性", rel, "文件齐全", f"{README} 未列出这个文件（多出的文件）")
    for rel in sorted(expected - set(present)):
        add("完整性", rel, "文件齐全", "缺少这个文件")
    records, to_fill = _records(root, present, digests, add)
    named = {rel for rel in present if not rel.startswith("电子档案/")} | records
    for rel in sorted(set(present) - named):
        add("完整性", rel, "文件齐全", f"{meta.CATALOGUE} 未列出这个文件")
    for rel in [FORM] if final and FORM in present else []:
        _usable(present[rel], rel, 0, {}, add)
    _nothing_to_pass(records, add)
    return Result(name, tuple(sorted(found)), len(records) // 2, len(present),
                  sum(p.stat().st_size for p in present.values() if p.is_file()), to_fill)


def _nothing_to_pass(records: set[str], add) -> None:
    """A package of 0 件 (a wrong folder, an empty zip) passes no property: nothing in it was shown sound."""
    if not records:
        for prop in PROPERTIES:
            add(prop, "", "电子档案", "移交包中没有电子档案（0 件），无从检测：请确认检测的是移交包文件夹或它的 .zip")


def _head(path: Path) -> bytes:
    with open(path, "rb") as f:
        return f.read(4)


def _listing(root: Path) -> dict[str, tuple[str, int]]:
    try:
        lines = (root / README).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    return {m.group(3): (m.group(1), int(m.group(2))) for m in map(LISTED.match, lines) if m}


def _records(root: Path, present: dict[str, Path], digests: dict[str, str], add) -> tuple[set[str], tuple[str, ...]]:
    """Each entry of 文件目录.xml against its metadata, its file and the PDF inside; the files they name."""
    named: set[str] = set()
    if meta.CATALOGUE not in present:
        return named, ()
    catalogue, why = meta.parse(present[meta.CATALOGUE].read_bytes())
    if catalogue is None:
        add("真实性", meta.CATALOGUE, "元数据格式", why)
        return named, ()
    entries = [meta.as_dict(e) for e in catalogue.findall("条目")]
    numbers = [int(e["顺序号"]) for e in entries]
    missing = sorted(set(range(1, max(numbers, default=0) + 1)) - set(numbers))
    if missing or len(set(numbers)) != len(numbers):
        twice = sorted({n for n in numbers if numbers.count(n) > 1})
        add("完整性", meta.CATALOGUE, "件号连续", "件号不连续：" + "；".join(
            ([f"缺 {'、'.join(map(piece, missing))}"] if missing else []) + ([f"重复 {'、'.join(map(piece, twice))}"] if twice else [])))
    to_fill: set[str] = set()
    for e in entries:
        file, sidecar = e["电子档案名称"], e["元数据文件"]
        named |= {file, sidecar}
        folder = PurePosixPath(file).parent
        if PurePosixPath(sidecar).parent != folder or folder.name != piece(int(e["顺序号"])) \
                or folder.parts[:2] != ("电子档案", catalogue.get("年度")):
            add("真实性", file, "存储位置", f"所在文件夹与件号 {piece(int(e['顺序号']))}、年度 {catalogue.get('年度')} 不符")
        if file not in present or sidecar not in present:
            for rel in (file, sidecar):
                if rel not in present:
                    add("完整性", rel, "文件齐全", f"{meta.CATALOGUE} 第 {e['顺序号']} 件列出的文件不存在")
            continue
        root_, why = meta.parse(present[sidecar].read_bytes())
        if root_ is None:
            add("真实性", sidecar, "元数据格式", why)
            continue
        to_fill |= {label for path, label in TO_FILL if not meta.text(root_, path)}
        _compare(e, root_, file, sidecar, present[file], digests[file], add)
    return named, tuple(label for _, label in TO_FILL if label in to_fill)


def _compare(e: dict, root, file: str, sidecar: str, path: Path, sha: str, add) -> None:
    said = {"件号": meta.text(root, "档号/件号"), "档号": meta.text(root, "档号/档号值"),
            "题名": meta.text(root, "内容描述/题名"), "责任者": meta.text(root, "内容描述/责任者"),
            "日期": meta.text(root, "内容描述/日期"), "密级": meta.text(root, "内容描述/密级")}
    catalogued = dict(e, 件号=piece(int(e["顺序号"])))
    for key, value in said.items():
        if catalogued[key] != value:
            add("真实性" if key != "件号" else "完整性", sidecar, "元数据与目录",
                f"{key}“{value}”与{meta.CATALOGUE}的“{catalogued[key]}”不符")
    if meta.text(root, "电子属性/计算机文件名") != path.name:
        add("真实性", sidecar, "元数据与文件", f"计算机文件名与实际文件名 {path.name} 不符")
    if meta.text(root, "电子属性/计算机文件大小") != str(path.stat().st_size):
        add("真实性", file, "元数据与文件", f"大小 {path.stat().st_size} 字节与元数据所记不符")
    if meta.text(root, "电子属性/数字摘要/值") != sha:
        add("真实性", file, "数字摘要", "SHA-256 与元数据所记不符（文件被改动或损坏）")
    try:
        facts = pdf.facts(path)
    except Exception as x:  # a file that is not a PDF fails the check; it is not a fault of ours
        add("可用性", file, "打开", f"无法作为 PDF 打开（{type(x).__name__}）")
        return
    for key, value in (("题名", facts.title), ("责任者", facts.author), ("日期", facts.date)):
        if said[key] != value:
            add("真实性", file, "元数据与文件", f"元数据的{key}“{said[key]}”与 PDF 的“{value}”不符")
    if meta.text(root, "形式特征/页数") != str(facts.pages):
        add("真实性", file, "元数据与文件", f"元数据的页数 {meta.text(root, '形式特征/页数')} 与 PDF 的 {facts.pages} 页不符")
    declared = {meta.text(f, "名称"): meta.text(f, "数字摘要/值") for f in root.findall("电子属性/内嵌源文件/文件")}
    if meta.text(root, "电子属性/格式信息") != pdf.FORMAT or path.suffix.lower() != ".pdf":
        add("可用性", file, "格式", f"不是元数据所称的长期保存格式 {pdf.FORMAT}")
    _usable(path, file, facts.pages, declared, add)


def _usable(path: Path, rel: str, pages: int, declared: dict[str, str], add) -> None:
    """可用性 and 安全性 of one PDF: PDF/A-3b, opened by two readers, nothing active, nothing undeclared inside."""
    for message in pdf.pdfa_failures(path):
        add("可用性", rel, "长期保存格式", message)
    if not pages:
        try:
            pages = pdf.facts(path).pages
        except Exception:
            add("可用性", rel, "打开", "无法作为 PDF 打开")
            return
    for message in pdf.reader_failures(path, pages):
        add("可用性", rel, "打开", message)
    for message in pdf.dangers(path, declared):
        add("可用性" if "加密" in message else "安全性", rel, "加密" if "加密" in message else "活动内容", message)
