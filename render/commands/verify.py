"""Turn an output folder and its manifest into a verdict: every file as listed, every source as embedded."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pypdf import PdfReader

from render.build.publish import DRAFTS, MANIFEST


def verify(out: Path, say=print) -> int:
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        say(f"{out / MANIFEST}: 清单无法读取：{e}")
        return 1
    problems: list[str] = []
    listed = set()
    for entry in files:
        rel = entry.get("path", "")
        listed.add(rel)
        path = out / rel
        if not path.is_file():
            problems.append(f"{rel}: 清单中列出的文件不存在")
            continue
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            problems.append(f"{rel}: 内容与清单记录的 sha256 不符（文件被改动或损坏）")
            continue
        if path.suffix == ".pdf":  # 审核意见.xlsx lists what it judged but carries nothing
            problems += _embedded(rel, path, entry)
        if entry.get("stale"):
            problems.append(f"{rel}: 已过期：最近一次生成时未能重建（见生成时的错误），这是更早生成的版本")
    for pdf in sorted(out.rglob("*.pdf")):
        rel = pdf.relative_to(out).as_posix()
        if rel not in listed and not rel.startswith((".cache/", DRAFTS + "/")):
            problems.append(f"{rel}: 清单中没有这个 PDF")
    for line in problems:
        say(line)
    say(f"核对{'未通过' if problems else '通过'}：清单列出 {len(files)} 个文件，发现 {len(problems)} 个问题")
    return 1 if problems else 0


def _embedded(rel: str, path: Path, entry: dict) -> list[str]:
    expected = {Path(p).name: sha for p, sha in entry.get("source_sha256", {}).items()}
    try:
        found = {name: hashlib.sha256(data).hexdigest() for name, data in associated_files(path).items()}
    except Exception as e:  # a PDF pypdf cannot read is a finding, not a crash
        return [f"{rel}: PDF 无法读取：{e}"]
    problems = []
    for name, sha in expected.items():
        if name not in found:
            problems.append(f"{rel}: 缺少内嵌源文件 {name}")
        elif found[name] != sha:
            problems.append(f"{rel}: 内嵌源文件 {name} 与清单记录不符")
    for name in sorted(set(found) - set(expected)):
        problems.append(f"{rel}: 内嵌了清单之外的文件 {name}")
    return problems


def associated_files(path: Path) -> dict[str, bytes]:
    """The files a PDF/A-3 carries in its catalog's /AF array, by name."""
    root = PdfReader(path).trailer["/Root"]
    out = {}
    for ref in root.get("/AF", []):
        spec = ref.get_object()
        name = str(spec.get("/UF") or spec.get("/F"))
        out[name] = spec["/EF"]["/F"].get_object().get_data()
    return out
