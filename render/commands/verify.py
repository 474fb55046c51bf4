"""Turn an output folder and its manifest into a verdict: every file as listed, every source as embedded."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pypdf import PdfReader

from render.build.publish import DRAFTS, MANIFEST
from render.commands.system import system_message
from render.problems import Exit, Kind, Level, Problem, exit_code, plain, report


def verify(out: Path, say=plain) -> Exit:
    if not out.is_dir():  # nothing to verify: the command, not an output, is wrong
        refused = [Problem(str(out), 0, "输出文件夹", "找不到这个文件夹（请用 --out 指定输出文件夹）", kind=Kind.REFUSED)]
        report(refused, say)
        return exit_code(refused)
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        why = system_message(OSError(e.errno, e.strerror)) if isinstance(e, OSError) else "不是本程序写的清单（内容已损坏）"
        unread = [Problem(str(out / MANIFEST), 0, "清单", f"无法读取：{why}", kind=Kind.OUTPUT)]
        report(unread, say)
        return exit_code(unread)
    problems: list[Problem] = []
    listed = set()
    for entry in files:
        rel = entry.get("path", "")
        listed.add(rel)
        path = out / rel
        if not path.is_file():
            problems.append(_finding(rel, "清单中列出的文件不存在"))
            continue
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            problems.append(_finding(rel, "内容与清单记录的 sha256 不符（文件被改动或损坏）"))
            continue
        if path.suffix == ".pdf":  # 审核意见.xlsx lists what it judged but carries nothing
            problems += _embedded(rel, path, entry)
        if entry.get("stale"):
            problems.append(_finding(rel, "已过期：最近一次生成时未能重建（见生成时的错误），这是更早生成的版本"))
    for pdf in sorted(out.rglob("*.pdf")):
        rel = pdf.relative_to(out).as_posix()
        if rel not in listed and not rel.startswith((".cache/", DRAFTS + "/")):
            problems.append(_finding(rel, "清单中没有这个 PDF"))
    for p in problems:
        say(str(p), Level.PROBLEM)
    say(f"核对{'未通过' if problems else '通过'}：清单列出 {len(files)} 个文件，发现 {len(problems)} 个问题",
        Level.FAILED if problems else Level.DONE)
    return exit_code(problems)


def _finding(rel: str, message: str) -> Problem:
    return Problem(rel, 0, "核对", message, kind=Kind.OUTPUT)


def _embedded(rel: str, path: Path, entry: dict) -> list[Problem]:
    expected = {Path(p).name: sha for p, sha in entry.get("source_sha256", {}).items()}
    try:
        found = {name: hashlib.sha256(data).hexdigest() for name, data in associated_files(path).items()}
    except Exception as e:  # a PDF pypdf cannot read is a finding, not a crash
        return [_finding(rel, f"PDF 无法读取：{e}")]
    problems = []
    for name, sha in expected.items():
        if name not in found:
            problems.append(_finding(rel, f"缺少内嵌源文件 {name}"))
        elif found[name] != sha:
            problems.append(_finding(rel, f"内嵌源文件 {name} 与清单记录不符"))
    for name in sorted(set(found) - set(expected)):
        problems.append(_finding(rel, f"内嵌了清单之外的文件 {name}"))
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
