"""Turn parsed arguments into the run of their command: one function per command, found by its name."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from render.commands import serve, user
from render.problems import Exit, Level
from render.source import fields
from render.source.folders import CONTENT, DIST


def printer(verbosity: int):
    def say(line: str, level: Level = Level.DONE) -> None:
        if level.verbosity <= verbosity:
            print(line, flush=True)

    return say


def _check(args, say) -> int:
    from render.commands.check import check

    # --json: the one document on stdout, whatever -q or -v say
    return check(args.content, strict=args.strict, say=printer(0) if args.json else say, as_json=args.json,
                 only=args.path)


def _import(args, say) -> int:
    from render.commands.importing import run_import

    return run_import(args.files, args.content, force=args.force, year=args.year, date=args.date,
                      scheme=args.scheme, say=say)


def _review(args, say) -> int:
    from render.commands.review import run as run_review

    return run_review(args.path, args.rules, strict=args.strict, out=args.out, say=say)


def _archive(args, say) -> int:
    from render.commands import archive

    if args.check is not None:
        return archive.check(args.check, args.out, say=say)
    return archive.build(args.path, args.out, say=say)


def _verify(args, say) -> int:
    from render.commands.verify import verify

    return verify(args.out, say=say)


def _update(args, say) -> int:
    from render.commands.update import update

    return update(args.out, args.jobs, say=say)


def _site(args, say) -> int:
    """The site's front door, and its accounts (render/site/)."""
    return (serve if args.command == "serve" else user).run(args, say)


def _build(args, say) -> int:
    """`build` and `watch`."""
    chosen = _chosen(args)
    if isinstance(chosen, str):
        print(f"build.py：错误：{chosen}", file=sys.stderr)
        return Exit.CANNOT
    content, only = chosen.content, chosen.only
    if content.absolute() != CONTENT.absolute() or args.out.absolute() != DIST.absolute():
        say(f"内容文件夹 {os.path.abspath(content)}，输出文件夹 {os.path.abspath(args.out)}", Level.DONE)
    from render.produce import workers

    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    watching = args.command == "watch"
    if jobs > 1 and content.is_dir() and (watching or workers.likely_needed(content, args.out)):
        workers.start()  # first: the fork server imports WeasyPrint while this process reads the content
    from render.produce.plan import Options
    from render.produce.run import build

    options = Options(content=content, out=args.out, jobs=jobs, simplex=args.simplex, draft=args.draft.strip(),
                      only=only, tables_on_right=args.tables_on_right)
    if watching:
        from render.commands.watch import watch

        return watch(options, say)
    return build(options, say).exit


# Each command's run, by its name (COMMANDS lists what `-h` says of each).
RUNS = {"build": _build, "watch": _build, "check": _check, "import": _import, "verify": _verify, "review": _review,
        "archive": _archive, "update": _update, "serve": _site, "user": _site}


def run(args, say) -> int:
    return RUNS[args.command](args, say)


@dataclass(frozen=True)
class Chosen:
    content: Path
    only: Path | None  # the project file or department folder asked for; None: all of it


def _chosen(args) -> Chosen | str:
    """The content folder and what of it to build; or why the path given cannot be built."""
    path = getattr(args, "path", None)
    if path is None:
        return Chosen(args.content or CONTENT, None)
    if not path.exists():
        return f"{path}：找不到这个文件或文件夹"
    from render.source import load

    root, target, _ = load.scope(path)
    content = Path(os.path.abspath(args.content or root))
    if target == content:
        return Chosen(content, None)
    if not target.is_relative_to(content):
        return f"{path} 不在内容文件夹 {content} 之中"
    parts = target.relative_to(content).parts
    shape = "应为 <内容文件夹>/<年度>/<编码-部门名称>/<项目>.md，或其中的部门文件夹"
    if target.is_file() and target.suffix != ".md":
        return f"{path}：只能生成项目文件（.md）或部门文件夹；{shape}"
    if not fields.is_year(parts[0]) or (len(parts) > 1 and not re.fullmatch(r"\d+-.+", parts[1])) \
            or len(parts) > 3:
        return f"{path}：{shape}"
    return Chosen(content, target)
