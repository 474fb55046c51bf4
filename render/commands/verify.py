"""Turn an output folder and its manifest into a verdict: every file as listed, every source as embedded, and
every output in step with the others and with the content folder it was made from."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path

from render.archive.pdf import associated_files
from render.produce import commit, files, outputs
from render.produce.plan import source_base
from render.produce.publish import DRAFTS, MANIFEST, load_manifest, update_command
from render.commands.system import system_message
from render.problems import Exit, Kind, Level, Problem, exit_code, plain, report

def verify(out: Path, say=plain, then=None) -> Exit:
    """`then`: what to do with the folder once it passes, under the same lock (archive's packages)."""
    if not out.is_dir():
        missing = [Problem(str(out), 0, "输出文件夹", "找不到这个文件夹（请用 --out 指定输出文件夹）", kind=Kind.REFUSED)]
        report(missing, say)
        return exit_code(missing)
    with files.locked(out, lambda pid: say(f"输出文件夹正由另一个命令（进程 {pid}）写入，等它结束后核对……", Level.PROBLEM),
                      reading=True) as writable:
        if writable and commit.apply(out):
            say("已完成上次被中断的写出", Level.DONE)
        code = _verify(out, say)
        return then() if then is not None and code == Exit.OK else code


def _verify(out: Path, say) -> Exit:
    manifest, why = load_manifest(out)
    if why or not manifest:
        found = [Problem(str(out / MANIFEST), 0, "清单", f"无法核对：清单{why or '不存在（这个文件夹还没有生成过）'}",
                         kind=Kind.OUTPUT)]
        report(found, say)
        return exit_code(found)
    files_ = manifest.get("files", [])
    problems: list[Problem] = []
    listed = set()
    for entry in files_:
        rel = entry["path"]
        listed.add(rel)
        path = out / rel
        if not path.is_file():
            problems.append(_finding(rel, "清单中列出的文件不存在"))
            continue
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            problems.append(_finding(rel, "内容与清单记录的 sha256 不符（文件被改动或损坏）"))
            continue
        if outputs.carries_sources(entry.get("kind"), path.suffix):
            problems += _embedded(rel, path, entry)
        if entry.get("stale"):  # said once: the reason, if a source changed, follows from the content
            problems.append(_finding(rel, "已过期：最近一次生成时未能重建，或它的源文件已改动；这是更早生成的版本"
                                          f"（运行 {update_command(out)} 即可更新）"))
    found, checked = _against_content(out, manifest)
    problems += found + _in_step(files_, checked, update_command(out))
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if path.suffix in outputs.suffixes() and path.is_file() and rel not in listed \
                and not rel.startswith((".cache/", DRAFTS + "/")):
            problems.append(_finding(rel, "清单中没有这个文件"))
    for p in problems:
        say(str(p), Level.PROBLEM)
    errors = sum(p.severity == "error" for p in problems)
    warned = f"，{len(problems) - errors} 个警告" if len(problems) > errors else ""
    say(f"核对{'未通过' if errors else '通过'}：清单列出 {len(files_)} 个文件，发现 {errors} 个问题{warned}",
        Level.FAILED if errors else Level.DONE)
    return exit_code(problems)


def _finding(rel: str, message: str, severity: str = "error") -> Problem:
    return Problem(rel, 0, "核对", message, severity, kind=Kind.OUTPUT)


def _in_step(entries: list[dict], checked: set[str], update: str) -> list[Problem]:
    """Two outputs made from different versions of one source (not `checked` against the content folder):
    one of them (a volume holding an old table, most likely) no longer shows what the other does."""
    seen: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for entry in entries:
        for source, sha in entry.get("source_sha256", {}).items():
            if source not in checked:
                seen[source][sha].append(entry["path"])
    problems = []
    for source, versions in seen.items():
        if len(versions) > 1:
            groups = sorted(versions.values(), key=len)
            for paths in groups[:-1]:
                for rel in paths:
                    problems.append(_finding(rel, f"与 {groups[-1][0]} 不是由同一版本的 {source} 生成的：请运行 {update} 重新生成"))
    return problems


def _against_content(out: Path, manifest: dict) -> tuple[list[Problem], set[str]]:
    """Each source as the content folder that made the output folder holds it now; and the sources checked."""
    recorded = manifest.get("content")
    if not isinstance(recorded, str):
        return [], set()
    content = (out / recorded).resolve()
    if not content.is_dir():
        return [_finding(MANIFEST, f"找不到生成它的内容文件夹 {content}，未与源文件核对", "warning")], set()
    base = source_base(content)
    problems = []
    current: dict[str, str | None] = {}
    for entry in manifest.get("files", []):
        for source, sha in entry.get("source_sha256", {}).items():
            path = (base / source).resolve()
            if not path.is_relative_to(content):  # the rules file a review used: not the content's
                continue
            if source not in current:
                try:
                    current[source] = hashlib.sha256(path.read_bytes()).hexdigest()
                except FileNotFoundError:
                    current[source] = None
                except OSError as e:
                    problems.append(_finding(entry["path"], f"无法读取源文件：{system_message(e)}"))
                    current[source] = sha
            if current[source] is None:
                problems.append(_finding(entry["path"], f"源文件 {source} 已不存在：请运行 {update_command(out)} 重新生成"))
            elif current[source] != sha:
                problems.append(_finding(entry["path"], f"源文件 {source} 已改动，这个文件与它不符：请运行 {update_command(out)} 重新生成"))
    return problems, set(current)


def _embedded(rel: str, path: Path, entry: dict) -> list[Problem]:
    expected = {Path(p).name: sha for p, sha in entry.get("source_sha256", {}).items()}
    try:
        found = {name: hashlib.sha256(data).hexdigest() for name, data in associated_files(path).items()}
    except Exception:  # a PDF that cannot be read is a finding, not a crash
        return [_finding(rel, "PDF 已损坏，无法读取")]
    problems = []
    for name, sha in expected.items():
        if name not in found:
            problems.append(_finding(rel, f"缺少内嵌源文件 {name}"))
        elif found[name] != sha:
            problems.append(_finding(rel, f"内嵌源文件 {name} 与清单记录不符"))
    for name in sorted(set(found) - set(expected)):
        problems.append(_finding(rel, f"内嵌了清单之外的文件 {name}"))
    return problems


