"""Turn a department's records into its hand-over package: a folder in the layout of 档发〔2012〕7号 附件2,
checked as an archive would check it, and a .zip of it with the same bytes on any machine and day."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path, PurePosixPath

from render.resources import TEMPLATES
from render.archive import handover, intake
from render.archive import metadata as meta
from render.archive.records import Package, piece
from render.produce import files, outputs
from render.source import limits
from render.typeset import markup

STATIC = TEMPLATES / "archive"
# The staging folders of `write` and write_atomic's zips (records.Package.name): a later run removes those of a
# process that is gone, and nothing else a person may keep there.
STALE = r"\..+电子档案移交包(\.zip)?\.(?P<pid>\d+)\.(tmp|old)"


def contents(p: Package) -> dict[str, bytes]:
    """The records, their metadata, 文件目录.xml and 其他/: all but 说明文件.txt and 移交登记表.pdf."""
    made = {meta.CATALOGUE: meta.catalogue_xml(p)}
    for r in p.records:
        made[f"{p.folder(r)}/{r.name}"] = r.source.read_bytes()
        made[f"{p.folder(r)}/{meta.METADATA}"] = meta.record_xml(p, r)
    for rel in intake.OTHER:
        made[rel] = (STATIC / Path(rel).name).read_bytes()
    return made


def readme(p: Package, made: dict[str, bytes]) -> bytes:
    """说明文件.txt: what the package holds, who made it, how it was checked, what is left to fill in, and
    every other file with its SHA-256 and size (CRLF: the 档案室's Notepad shows it as lines)."""
    d = p.department
    missing = d.filing.missing()
    unnumbered = not p.reference(p.records[0])
    counts = "，".join(f"{outputs.label(k)} {n} 件" for k, n in p.counts().items())
    lines = [
        "说明文件", "",
        f"移交包：{p.name}",
        f"立档单位：{d.name}（部门编码 {d.code}）；年度：{d.year}",
        f"内容：{counts}，共 {len(p.records)} 件，件号 {piece(1)}—{piece(len(p.records))}；"
        "每件为一个 PDF/A-3a 文件（带结构标签）及其元数据（DA/T 46-2009，元数据.xml）",
        f"制作：{d.compiler or d.name} 编制" + (f"（编制日期 {d.date.isoformat()}）" if d.date else "（编制日期未填写）")
        + f"，由 {markup.GENERATOR} 生成；各件的生成程序及版本见其元数据的“文档创建程序”",
        "检测：移交前由生成程序按 DA/T 70-2018 检测了真实性、完整性、可用性和安全性，结果见 其他/移交登记表.pdf；"
        f"接收时可运行 {p.check_command} 复核。计算机病毒检测由接收单位进行。",
        "待档案室填写：" + (f"{'、'.join(missing)}（部门.yml 未给出，元数据中留空{'，档号暂缺' if unnumbered else ''}）"
                       if missing else "无"),
        "",
        "结构：",
        "  说明文件.txt      本文件",
        "  文件目录.xml      每件一个条目：顺序号、档号、责任者、题名、日期、密级、电子档案名称、元数据文件、备注",
        f"  电子档案/         {d.year}/{p.category}/<件号>/：每件的 PDF 及其 元数据.xml",
        "  其他/             档案元数据.xsd、元数据方案.txt、命名规则.txt、移交登记表.pdf",
        "",
        "文件清单（SHA-256  字节数  路径）：",
    ]
    lines += [f"{files.sha256(data)}  {len(data)}  {rel}" for rel, data in sorted(made.items())]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def zip_bytes(p: Package, made: dict[str, bytes]) -> bytes:
    """Stored, not compressed (档发〔2012〕7号 第七条: records are handed over uncompressed), members in
    path order under the package's folder, each dated the department's day."""
    return files.zip_bytes(((f"{p.name}/{rel}", made[rel]) for rel in sorted(made)), p.stamp, zipfile.ZIP_STORED)


def write(p: Package, target: Path) -> tuple[intake.Result, list[intake.Finding]]:
    """The package into `target` as a folder and a .zip, each whole or not at all. The records are checked
    before the 登记表 is made (it prints the results), the whole package after: what fails is returned, and
    nothing is written."""
    files.remove_stale(target, STALE)
    stage = target / f".{p.name}.{os.getpid()}.tmp"
    old = target / f".{p.name}.{os.getpid()}.old"
    try:
        made = contents(p)
        _put(stage, made)
        first = intake.check_folder(stage, p.name, final=False)
        if first.findings:
            return first, list(first.findings)
        later = handover.made(p, first)
        made.update(later)
        made[intake.README] = readme(p, made)
        _put(stage, {rel: made[rel] for rel in (*later, intake.README)})
        result = intake.check_folder(stage, p.name)
        if result.findings:
            return result, list(result.findings)
        files.write_atomic(target / f"{p.name}.zip", zip_bytes(p, made))
        folder = target / p.name
        if folder.exists():
            os.replace(folder, old)
        os.replace(stage, folder)
        return result, []
    finally:
        for leftover in (stage, old):
            shutil.rmtree(leftover, ignore_errors=True)


def _put(root: Path, made: dict[str, bytes]) -> None:
    for rel, data in made.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def strangers(folder: Path) -> list[str]:
    """What is in an earlier package folder that no package put there (a person's 交接笔记.txt, 扫描件/): what
    replacing the folder would delete. A package's files are those its 说明文件.txt lists, and that file."""
    if not folder.is_dir():
        return []
    listing, lines = folder / intake.README, []
    try:  # only a regular file: a pipe would never end being read
        if listing.is_file() and not listing.is_symlink():
            with open(listing, "rb") as f:
                lines = f.read(limits.PACKAGE_TEXT_BYTES).decode("utf-8", "replace").splitlines()
    except OSError:
        pass
    ours = {m.group(3) for m in map(intake.LISTED.match, lines) if m} | {intake.README}
    folders = {parent.as_posix() for rel in ours for parent in PurePosixPath(rel).parents}
    found = []
    for here, dirs, names in os.walk(folder):
        rel = Path(here).relative_to(folder).as_posix()
        for name in sorted(dirs + names):
            inside = name if rel == "." else f"{rel}/{name}"
            if inside not in ours and inside not in folders:
                found.append(inside + ("/" if name in dirs else ""))
        dirs[:] = [d for d in dirs if (d if rel == "." else f"{rel}/{d}") in folders]
    return sorted(found)
