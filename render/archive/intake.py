"""Turn a package (a folder or its .zip) into the four-property check of DA/T 70-2018 (真实性, 完整性, 可用性,
安全性): every finding with the file and the check, read from the package alone, never the content folder."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from render.archive import metadata as meta
from render.archive import pdf, structure
from render.archive.carrier import FORM, OTHER, README, Carrier, Finding, Folder, open_package
from render.archive.records import piece
from render.source import limits

PROPERTIES = ("真实性", "完整性", "可用性", "安全性")
LATER = (README, FORM)  # made after the records are checked: the 登记表 prints the results, 说明文件 lists it
# 说明文件.txt lists every other file of the package as `sha256  字节数  路径`, as sha256sum would
LISTED = re.compile(r"^([0-9a-f]{64})  (\d+)  (\S.*)$")
# The archive fields only the 档案室 may give (部门.yml): empty in the metadata until it does
TO_FILL = (("档号/全宗号", "全宗号"), ("来源/全宗名称", "全宗名称"), ("档号/机构或问题", "机构或问题"),
           ("档号/保管期限", "保管期限"), ("内容描述/密级", "密级"))
__all__ = ["FORM", "OTHER", "README", "Finding"]


@dataclass(frozen=True)
class Result:
    package: str
    findings: tuple[Finding, ...]
    records: int
    files: int
    size: int
    to_fill: tuple[str, ...]  # archive fields the metadata leaves for the 档案室
    sha256: str = ""  # of the .zip, or of the folder's files (their digests, sizes and paths, as listed)
    zipped: bool = False

    def passed(self, prop: str | None = None) -> bool:
        return not any(prop is None or f.property == prop for f in self.findings)


def check(path: Path) -> Result:
    """A package folder, or the .zip of one."""
    with open_package(path, path.name) as carrier:
        return _check(carrier, final=True)


def check_folder(root: Path, name: str, final: bool = True) -> Result:
    """`final`: the whole package; without it, what is there before 说明文件.txt and 移交登记表.pdf are added
    (the records, their metadata, 文件目录.xml and 其他/), whose results the 登记表 prints."""
    return _check(Folder(root, name), final)


def _check(carrier: Carrier, final: bool) -> Result:
    found = list(carrier.findings)

    def add(prop: str, path: str, check: str, message: str) -> None:
        found.append(Finding(prop, path, check, message))

    present = carrier.items
    if not carrier.opened:
        return Result(carrier.name, capped(found), 0, len(present), sum(i.size for i in present.values()), (),
                      carrier.whole, carrier.zipped)
    expected = set(OTHER) | {meta.CATALOGUE}
    if final:
        expected |= set(LATER)
        listing = _listing(carrier)
        for rel, (sha, size) in listing.items():
            if rel not in present:
                add("完整性", rel, "文件齐全", f"{README} 列出的文件不存在")
            elif present[rel].sha256 != sha or present[rel].size != size:
                add("真实性", rel, "数字摘要", f"与 {README} 所记的 SHA-256 或大小不符（文件被改动）")
        for rel in sorted(set(present) - set(listing) - {README}):
            add("完整性", rel, "文件齐全", f"{README} 未列出这个文件（多出的文件）")
    for rel in sorted(expected - set(present)):
        add("完整性", rel, "文件齐全", "缺少这个文件")
    records, to_fill = _records(carrier, add)
    named = {rel for rel in present if not rel.startswith("电子档案/")} | records
    for rel in sorted(set(present) - named):
        add("完整性", rel, "文件齐全", f"{meta.CATALOGUE} 未列出这个文件")
    if final and FORM in present and present[FORM].fit:
        with carrier.local(FORM) as path:
            _usable(path, FORM, 0, {}, add)
    _nothing_to_pass(records, add)
    return Result(carrier.name, capped(found), len(records) // 2, len(present),
                  sum(i.size for i in present.values()), to_fill, carrier.whole, carrier.zipped)


def capped(found: list[Finding]) -> tuple[Finding, ...]:
    """Each 性质·检测项's first findings (limits.PROBLEMS), and one counting the rest: a package of ten
    thousand faults is reported in a page, each kind of fault still named."""
    by_check: dict[tuple[str, str], list[Finding]] = {}
    for f in sorted(set(found)):
        by_check.setdefault((f.property, f.check), []).append(f)
    out: list[Finding] = []
    for (prop, check), these in by_check.items():
        out += these[:limits.PROBLEMS]
        if len(these) > limits.PROBLEMS:
            out.append(Finding(prop, "", check, limits.overflow(len(these))))
    return tuple(sorted(out))


def _nothing_to_pass(records: set[str], add) -> None:
    """A package of 0 件 (a wrong folder, an empty zip) passes no property: nothing in it was shown sound."""
    if not records:
        for prop in PROPERTIES:
            add(prop, "", "电子档案", "移交包中没有电子档案（0 件），无从检测：请确认检测的是移交包文件夹或它的 .zip")


def _listing(carrier: Carrier) -> dict[str, tuple[str, int]]:
    if README not in carrier.items or not carrier.items[README].fit:
        return {}
    lines = carrier.read(README).decode("utf-8").splitlines()
    return {m.group(3): (m.group(1), int(m.group(2))) for m in map(LISTED.match, lines) if m}


def _records(carrier: Carrier, add) -> tuple[set[str], tuple[str, ...]]:
    """Each entry of 文件目录.xml against its metadata, its file and the PDF inside; the files they name."""
    named: set[str] = set()
    present = carrier.items
    if meta.CATALOGUE not in present or not present[meta.CATALOGUE].fit:
        return named, ()
    catalogue, why = meta.parse(carrier.read(meta.CATALOGUE))
    if catalogue is None:
        add("真实性", meta.CATALOGUE, "元数据格式", why)
        return named, ()
    entries = [meta.as_dict(e) for e in catalogue.findall("条目")]
    if len(entries) > limits.PACKAGE_RECORDS:
        add("完整性", meta.CATALOGUE, "件数", f"列出 {len(entries):,} 件，超过 {limits.PACKAGE_RECORDS:,} 件：不像一个部门一年的移交包，未逐件检测")
        return {rel for rel in present if rel.startswith("电子档案/")}, ()
    _numbering([int(e["顺序号"]) for e in entries], add)
    to_fill: set[str] = set()
    for e in entries:
        file, sidecar = e["电子档案名称"], e["元数据文件"]
        if {file, sidecar} & named:  # each file is checked once, however often it is listed
            add("完整性", meta.CATALOGUE, "文件齐全", f"第 {e['顺序号']} 件列出的文件已由另一件列出：{file}")
            continue
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
        if not (present[file].fit and present[sidecar].fit):
            continue  # said by the carrier's check: not opened as a PDF or read as XML
        root_, why = meta.parse(carrier.read(sidecar))
        if root_ is None:
            add("真实性", sidecar, "元数据格式", why)
            continue
        to_fill |= {label for path, label in TO_FILL if not meta.text(root_, path)}
        if meta.text(root_, "来源/立档单位名称") != catalogue.get("立档单位名称"):
            add("真实性", sidecar, "元数据与目录", f"立档单位名称“{meta.text(root_, '来源/立档单位名称')}”与"
                f"{meta.CATALOGUE}的“{catalogue.get('立档单位名称')}”不符")
        with carrier.local(file) as path:
            _compare(e, root_, file, sidecar, path, present[file], add)
    return named, tuple(label for _, label in TO_FILL if label in to_fill)


def _numbering(numbers: list[int], add) -> None:
    """件号 1 to N for N entries, each once: what is missing or repeated, in time and memory of N."""
    have = set(numbers)
    missing = [n for n in range(1, len(numbers) + 1) if n not in have]
    seen: set[int] = set()
    twice = sorted({n for n in numbers if n in seen or seen.add(n)})
    if missing or twice:
        said = [f"缺 {_few(missing)}"] if missing else []
        said += [f"重复 {_few(twice)}"] if twice else []
        add("完整性", meta.CATALOGUE, "件号连续", "件号不连续：" + "；".join(said))


def _few(numbers: list[int], shown: int = 20) -> str:
    text = "、".join(limits.excerpt(piece(n), 20) for n in numbers[:shown])
    return text + (f" 等 {len(numbers)} 个" if len(numbers) > shown else "")


def _compare(e: dict, root, file: str, sidecar: str, path: Path, item, add) -> None:
    said = {"件号": meta.text(root, "档号/件号"), "档号": meta.text(root, "档号/档号值"),
            "题名": meta.text(root, "内容描述/题名"), "责任者": meta.text(root, "内容描述/责任者"),
            "日期": meta.text(root, "内容描述/日期"), "密级": meta.text(root, "内容描述/密级")}
    catalogued = dict(e, 件号=piece(int(e["顺序号"])))
    for key, value in said.items():
        if catalogued[key] != value:
            add("真实性" if key != "件号" else "完整性", sidecar, "元数据与目录",
                f"{key}“{value}”与{meta.CATALOGUE}的“{catalogued[key]}”不符")
    name = PurePosixPath(file).name
    if meta.text(root, "电子属性/计算机文件名") != name:
        add("真实性", sidecar, "元数据与文件", f"计算机文件名与实际文件名 {name} 不符")
    if meta.text(root, "电子属性/计算机文件大小") != str(item.size):
        add("真实性", file, "元数据与文件", f"大小 {item.size} 字节与元数据所记不符")
    if meta.text(root, "电子属性/数字摘要/值") != item.sha256:
        add("真实性", file, "数字摘要", "SHA-256 与元数据所记不符（文件被改动或损坏）")
    try:
        facts = pdf.facts(path)
    except Exception as x:  # a file that is not a PDF fails the check; it is not a fault of ours
        add("可用性", file, "打开", f"无法作为 PDF 打开（{type(x).__name__}）")
        return
    for key, value in (("题名", facts.title), ("责任者", facts.author), ("日期", facts.date)):
        if said[key] != value:
            add("真实性", file, "元数据与文件", f"元数据的{key}“{said[key]}”与 PDF 的“{value}”不符")
    unit, author = meta.text(root, "来源/立档单位名称"), facts.author.split(" / ")[0].partition("-")[2]
    if unit != author:  # the PDF's author is the department's folder name, 编码-名称 (a table's: then its unit)
        add("真实性", file, "元数据与文件", f"元数据的立档单位名称“{unit}”与 PDF 的责任者“{facts.author}”不符")
    programs = meta.text(root, "电子属性/文档创建程序").split("；")
    for program in facts.programs:
        if program not in programs:
            add("真实性", file, "元数据与文件", f"元数据的文档创建程序未列出 PDF 所记的生成程序“{program}”")
    if meta.text(root, "形式特征/页数") != str(facts.pages):
        add("真实性", file, "元数据与文件", f"元数据的页数 {meta.text(root, '形式特征/页数')} 与 PDF 的 {facts.pages} 页不符")
    declared = {meta.text(f, "名称"): meta.text(f, "数字摘要/值") for f in root.findall("电子属性/内嵌源文件/文件")}
    if meta.text(root, "电子属性/格式信息") != pdf.FORMAT or not name.lower().endswith(".pdf"):
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
    _tagged(path, rel, add)
    for message in pdf.dangers(path, declared):
        add("可用性" if "加密" in message else "安全性", rel, "加密" if "加密" in message else "活动内容", message)


def _tagged(path: Path, rel: str, add) -> None:
    """可用性 of a PDF that claims PDF/A-3a or PDF/UA-1: a structure tree a screen reader can follow."""
    if {"3a", "ua1"} & set(pdf.claimed(path)):
        for message in structure.check(path):
            add("可用性", rel, "结构标签", message)
