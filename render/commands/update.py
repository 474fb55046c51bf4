"""Turn `build.py update [--out DIR]` into the builds and reviews that bring every output an output folder holds
up to date, each with the options its manifest records: the one command every "请重新生成" names."""

from __future__ import annotations

from pathlib import Path

from render import COMMAND
from render.resources import RULES
from render.produce.plan import Options, source_base
from render.produce import outputs
from render.produce.outputs import DRAFTS
from render.produce.publish import load_manifest
from render.problems import Exit, Kind, Level, Problem, exit_code, plain, report


def variants(out: Path) -> list[tuple[bool, bool, str]]:
    """(simplex, right_tables, draft) of every set of build options whose outputs `out` holds: its volumes'
    variants, and the tables' alone where no volume was made; the drafts' from their own manifest in 草稿/."""
    found: list[tuple[bool, bool, str]] = []
    for folder in (out, out / DRAFTS):
        entries = load_manifest(folder)[0].get("files", [])
        made = [e for e in entries if e.get("kind") in ("project", "volume")]
        volumes = {_options(e) for e in made if e["kind"] == "volume"}
        tables = {_options(e)[2] for e in made if e["kind"] == "project"} - {v[2] for v in volumes}
        found += sorted(volumes | {(False, False, draft) for draft in tables})
    return [v for v in found if v[2] != "?"]  # a draft whose text an old manifest did not record: not guessed


def _options(entry: dict) -> tuple[bool, bool, str]:
    v = outputs.recorded_variant(entry)  # what an older manifest did not record, as publish reads it
    return bool(v.get("simplex", False)), bool(v.get("right_tables", False)), str(v.get("draft", ""))


def describe(options: Options) -> str:
    return " ".join(options.flags()) or "（默认选项）"


def update(out: Path, jobs: int = 0, say=plain) -> Exit:
    from render.produce.run import build

    manifest, why = load_manifest(out)
    # drafts alone (`--draft` only) have their own manifest; its content folder is named from 草稿/
    made_in = next((f for f in (out, out / DRAFTS) if load_manifest(f)[0].get("files")), None)
    if why or made_in is None:
        found = [Problem(str(out), 0, "输出文件夹", f"无法更新：清单{why or '不存在或为空（这个文件夹还没有生成过）'}；"
                         f"请先运行 {COMMAND} 生成", kind=Kind.REFUSED)]
        report(found, say)
        return exit_code(found)
    content = (made_in / load_manifest(made_in)[0].get("content", "")).resolve()
    codes, said = [], set()

    def say_once(line: str, level: Level = Level.DONE) -> None:  # each build reads the same content: its problems once
        if line not in said:
            said.add(line)
            say(line, level)

    for simplex, right, draft in variants(out):
        options = Options(content, out, jobs, simplex, draft, None, right)
        say(f"更新：{describe(options)}", Level.DONE)
        codes.append(build(options, say_once).exit)
    reviews = [e for e in manifest.get("files", []) if e.get("kind") == "review" and e["path"].endswith(".pdf")]
    for entry in reviews:
        from render.commands.review import run as review

        department = content / Path(entry["path"]).parent
        say(f"更新审核意见：{department}", Level.DONE)
        # as `review -q` says it: what must be changed, and the files written; the rest is the meeting's
        codes.append(review(department, _rules(entry, content), out=out,
                            say=lambda line, level=Level.DONE: level is Level.DONE or say_once(line, level)))
    return max(codes, key=lambda c: (c == Exit.INTERRUPTED, c), default=Exit.OK)


def _rules(entry: dict, content: Path) -> Path | None:
    """The rules file the review was made by: its last source (render/review/report.py); None, the shipped one."""
    named = Path((entry.get("sources") or [""])[-1])
    for path in (named, source_base(content) / named, RULES.parent / named):
        if named.name and path.is_file():
            return path
    return None
