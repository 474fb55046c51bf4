"""Turn the command line into a run of one command, and its outcome into the exit code (render/problems.py)."""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
import traceback
from pathlib import Path

from render import COMMAND
from render.commands import serve, user
from render.commands.arguments import Parser, invalid_choice, whole
from render.commands.system import system_message
from render.source import fields, folders
from render.problems import MEANING, Exit, Level, RenderError

COMMANDS = {
    "build": "生成各项目 PDF、部门装订册和 dist/manifest.json（默认的命令）",
    "watch": "先生成一次，之后每保存一个内容文件就重新生成改动的 PDF；按 Ctrl-C 结束",
    "check": "只检查内容，不生成 PDF",
    "import": "把从预算系统或 Excel 复制的表格导入为内容文件",
    "verify": "核对输出文件夹与清单、PDF 内嵌源文件是否一致",
    "review": "按审核规则审核绩效目标表，列出审核意见",
    "archive": "把输出文件夹做成档案室接收的电子档案移交包（--check：对移交包做四性检测）",
    "update": "按清单记录的选项重新生成输出文件夹中的每种 PDF（各种装订册、草稿、审核意见），使它们都与内容一致",
    "serve": serve.HELP,
    "user": user.HELP,
}
# Both relative to where the command is run (render/source/folders.py)
CONTENT, DIST = folders.CONTENT, folders.DIST


class Version(argparse.Action):
    """--version: this program's and the versions that shape the PDFs' bytes, read only when asked."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest, nargs=0, default=default, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        from render.produce.cache import versions

        v = versions()
        print(f"{v['tool']}（WeasyPrint {v['weasyprint']}，pikepdf {v['pikepdf']}，Pango {v['pango']}，"
              f"HarfBuzz {v['harfbuzz']}，fonts-noto-cjk {v['fonts-noto-cjk']}）")
        parser.exit(Exit.OK)


def _common(p: Parser, top: bool) -> None:
    """Options every command takes, before or after its name."""
    hide = {} if top else {"default": argparse.SUPPRESS}
    p.options.add_argument("-q", "--quiet", dest="verbosity", action="store_const", const=0,
                           help="只显示错误和警告" if top else argparse.SUPPRESS, **({"default": 1} if top else hide))
    p.options.add_argument("-v", "--verbose", dest="verbosity", action="store_const", const=2,
                           help="也显示沿用的文件等详细信息" if top else argparse.SUPPRESS, **hide)
    p.options.add_argument("--debug", action="store_true", help="出错时显示完整的 Python 回溯" if top else argparse.SUPPRESS,
                           **hide)
    p.options.add_argument("--version", action=Version, help="显示版本（及决定 PDF 内容的各组件版本）并退出"
                           if top else argparse.SUPPRESS)


def parser() -> Parser:
    codes = "\n".join(f"  {int(code):<4}{meaning}" for code, meaning in MEANING.items())
    top = Parser(prog="build.py", description="部门项目支出预算绩效目标表：生成 PDF、装订册与清单。\n"
                 f"不写命令时为 build；{COMMAND} 路径 只生成这个项目文件或部门文件夹；"
                 f"{COMMAND} update 按各自的选项更新输出文件夹中的全部 PDF。",
                 epilog=f"退出状态：\n{codes}")
    _common(top, True)
    sub = top.add_subparsers(dest="command", title="命令", metavar="命令", parser_class=Parser)
    made = {name: sub.add_parser(name, help=text, description=text) for name, text in COMMANDS.items()}
    b, w, c, i, v, r, a, u = (made[n] for n in list(COMMANDS)[:8])
    serve.arguments(made["serve"])
    user.arguments(made["user"])
    b.arguments.add_argument("path", nargs="?", type=Path, metavar="路径",
                             help="只生成这个项目文件（.md），或这个部门文件夹的各表和装订册")
    for p in (b, w):
        p.options.add_argument("--content", type=Path, metavar="文件夹", help="内容文件夹（默认 content/）")
        p.options.add_argument("--out", type=Path, default=DIST, metavar="文件夹", help="输出文件夹（默认 dist/）")
        p.options.add_argument("--jobs", type=whole, default=0, metavar="数目", help="并行进程数（默认：CPU 核数）")
        p.options.add_argument("--simplex", action="store_true",
                               help="单面印刷的装订册（文件名加“（单面）”）：不加空白页；默认为双面印刷，目录和正文从右页开始")
        p.options.add_argument("--duplex", action="store_false", dest="simplex", help=argparse.SUPPRESS)  # the default
        p.options.add_argument("--tables-on-right", action="store_true",
                               help="每个项目表都从右页（单数页）开始，需要时加空白页（文件名加“（每表右页）”；仅双面）")
        p.options.add_argument("--draft", nargs="?", const="征求意见稿", default="", metavar="文字",
                               help="草稿：每页印水印（默认“征求意见稿”），写入 dist/草稿/，不覆盖正式 PDF")
    c.arguments.add_argument("path", nargs="?", type=Path, metavar="路径",
                             help="只检查这个内容文件夹、部门文件夹或项目文件（默认 content/ 全部）")
    c.options.add_argument("--content", type=Path, metavar="文件夹", help="内容文件夹（默认 content/）")
    c.options.add_argument("--strict", action="store_true", help="有警告也以非零状态退出")
    c.options.add_argument("--json", action="store_true", help="以 JSON 输出问题（供其他程序读取）")
    i.arguments.add_argument("files", nargs="+", type=Path, metavar="文件", help="制表符分隔的文本文件或 .xlsx 工作簿")
    i.options.add_argument("--content", type=Path, default=CONTENT, metavar="文件夹", help="内容文件夹（默认 content/）")
    i.options.add_argument("--force", action="store_true", help="覆盖已有的内容文件")
    i.options.add_argument("--year", metavar="年度", help="年度（表中没有写明年份时使用）")
    i.options.add_argument("--date", metavar="日期", help="新建部门信息文件的编制日期，如 2025-01-20（不写则留空，待填写）")
    i.options.add_argument("--scheme", metavar="名称", help="指标体系，schemes/ 中的文件名，如 四类（默认 三类）")
    for p in (v, u):
        p.options.add_argument("--out", type=Path, default=DIST, metavar="文件夹", help="输出文件夹（默认 dist/）")
    u.options.add_argument("--jobs", type=whole, default=0, metavar="数目", help="并行进程数（默认：CPU 核数）")
    r.arguments.add_argument("path", nargs="?", type=Path, default=CONTENT, metavar="路径",
                             help="内容文件夹、部门文件夹或一个项目文件（默认 content/）")
    r.options.add_argument("--rules", type=Path, metavar="文件", help="审核规则文件（默认 rules/审核规则.yml）")
    r.options.add_argument("--strict", action="store_true", help="有“需修改”的意见时以非零状态退出")
    r.options.add_argument("--out", type=Path, metavar="文件夹", help="并把每个部门的审核意见.pdf 和 审核意见.xlsx 写入此输出文件夹（如 dist/）")
    a.arguments.add_argument("path", nargs="?", type=Path, default=DIST, metavar="路径",
                             help="输出文件夹，或其中的年度、部门文件夹（默认 dist/）")
    a.options.add_argument("--out", type=Path, metavar="文件夹", help="移交包写入此文件夹（默认为输出文件夹旁的 移交/）；加 --check 时为检测报告写入的文件夹（默认为移交包旁）")
    a.options.add_argument("--check", type=Path, metavar="移交包",
                           help="对移交包（文件夹或 .zip）做四性检测，写出并显示检测报告，不生成移交包")
    for p in made.values():
        _common(p, False)
    top.commands = made
    return top


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # The command follows the top-level flags; without one, the command is build, and a word there that
    # names no command is build's path.
    at = next((n for n, a in enumerate(argv) if a not in ("-q", "--quiet", "-v", "--verbose", "--debug")), len(argv))
    if at == len(argv) or argv[at] not in COMMANDS and argv[at] not in ("-h", "--help", "--version"):
        argv.insert(at, "build")
    top = parser()
    args, extra = top.parse_known_args(argv)
    options = [a for a in extra if a.startswith("-")]
    meant = _meant(args)
    if meant or (_mistyped_command(args) and not options):  # `imprt file.txt`: a command mistyped, not a path
        top.refuse(_mistyped(top, str(args.path), meant, options))
    if extra:
        command = top.commands[args.command]
        command.refuse(command.unrecognized(extra))
    RenderError.debug = bool(getattr(args, "debug", False))
    say = printer(args.verbosity)
    try:
        return run(args, say)
    except KeyboardInterrupt:
        print(f"已中断：{MEANING[Exit.INTERRUPTED].partition('：')[2]}。", file=sys.stderr)
        return Exit.INTERRUPTED
    except BrokenPipeError:  # `build.py … | head` has read enough: the command stops as if interrupted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nor a complaint at exit
        return Exit.INTERRUPTED
    except OSError as e:  # the machine, not the content: what to do about it, the trace on --debug
        if args.debug:
            traceback.print_exc()
        print(f"错误：{system_message(e)}已写出的文件完整，之前生成的 PDF 未受影响。", file=sys.stderr)
        return Exit.SYSTEM
    except ModuleNotFoundError as e:
        if (e.name or "render").partition(".")[0] != "render":
            raise  # a package not installed: build.py says to run make build
        if args.debug:
            traceback.print_exc()
        else:
            print(f"错误：{type(e).__name__}: {e}（加 --debug 可查看详细信息）", file=sys.stderr)
        return Exit.BUG
    except Exception as e:  # a bug: one line for the clerk, the trace on --debug
        if args.debug:
            traceback.print_exc()
        else:
            print(f"错误：{type(e).__name__}: {e}（加 --debug 可查看详细信息）", file=sys.stderr)
        return Exit.BUG


def console() -> int:
    """The program as a command (build.py, .venv/bin/mubiaobiao): a plain `kill` ends it as Ctrl-C does
    (workers shut down, temp files removed, nothing half-written), and --debug shows the workers' own
    tracebacks too (render/produce/preload.py)."""
    import gc
    import signal

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    if "--debug" in sys.argv:
        os.environ["MUBIAOBIAO_DEBUG"] = "1"
    code = main()
    # Everything made is written and closed. The collector's last passes over what Jinja, pikepdf and the
    # content left behind would only cost time: 0.08 s, a twentieth of a rebuild after an edit.
    gc.freeze()
    return code


def printer(verbosity: int):
    def say(line: str, level: Level = Level.DONE) -> None:
        if level.verbosity <= verbosity:
            print(line, flush=True)

    return say


def run(args, say) -> int:
    if args.command in ("serve", "user"):  # the site's front door, and its accounts (render/site/)
        return (serve if args.command == "serve" else user).run(args, say)
    if args.command == "check":
        from render.commands.check import check

        # --json: the one document on stdout, whatever -q or -v say
        return check(args.content, strict=args.strict, say=printer(0) if args.json else say, as_json=args.json,
                     only=args.path)
    if args.command == "import":
        from render.source.importer import run_import

        return run_import(args.files, args.content, force=args.force, year=args.year, date=args.date,
                          scheme=args.scheme, say=say)
    if args.command == "review":
        from render.commands.review import run as run_review

        return run_review(args.path, args.rules, strict=args.strict, out=args.out, say=say)
    if args.command == "archive":
        from render.commands import archive

        if args.check is not None:
            return archive.check(args.check, args.out, say=say)
        return archive.build(args.path, args.out, say=say)
    if args.command == "verify":
        from render.commands.verify import verify

        return verify(args.out, say=say)
    if args.command == "update":
        from render.commands.update import update

        return update(args.out, args.jobs, say=say)
    chosen = _chosen(args)
    if isinstance(chosen, str):
        print(f"build.py：错误：{chosen}", file=sys.stderr)
        return Exit.CANNOT
    content, only = chosen
    if content.absolute() != CONTENT.absolute() or args.out.absolute() != DIST.absolute():
        say(f"内容文件夹 {os.path.abspath(content)}，输出文件夹 {os.path.abspath(args.out)}", Level.DONE)
    from render.produce import workers

    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    watching = args.command == "watch"
    if jobs > 1 and content.is_dir() and (watching or workers.likely_needed(content, args.out)):
        workers.start()  # first: the fork server imports WeasyPrint while this process reads the content
    from render.produce.plan import Options
    from render.produce.run import build

    options = Options(content, args.out, jobs, args.simplex, args.draft.strip(), only, args.tables_on_right)
    if watching:
        from render.commands.watch import watch

        return watch(options, say)
    return build(options, say).exit


def _meant(args) -> str | None:
    """The command a word where build takes a path probably is (`archve`), if it names nothing there."""
    return next(iter(difflib.get_close_matches(str(args.path), COMMANDS, n=1, cutoff=0.5)), None) \
        if _mistyped_command(args) else None


def _mistyped(top: Parser, word: str, meant: str | None, options: list[str]) -> str:
    """The command probably meant, and the options that command would not take either (`archve --chek x`)."""
    said = invalid_choice(word, list(COMMANDS)) + "（或一个项目文件、部门文件夹的路径）"
    wrong = [o for o in options if meant and o.partition("=")[0] not in top.commands[meant]._option_string_actions]
    return said + (f"；{meant} {top.commands[meant].unrecognized(wrong)}" if wrong else "")


def _mistyped_command(args) -> bool:
    """A word where build takes a path, naming nothing there: a command, mistyped."""
    path = getattr(args, "path", None) if args.command == "build" else None
    return path is not None and not path.exists() and "/" not in str(path) and "\\" not in str(path) \
        and not path.suffix


def _chosen(args) -> tuple[Path, Path | None] | str:
    """The content folder, and the project file or department folder asked for (None: all of it); or why
    the path given cannot be built."""
    path = getattr(args, "path", None)
    if path is None:
        return args.content or CONTENT, None
    if not path.exists():
        return f"{path}：找不到这个文件或文件夹"
    from render.source import load

    root, target, _ = load.scope(path)
    content = Path(os.path.abspath(args.content or root))
    if target == content:
        return content, None
    if not target.is_relative_to(content):
        return f"{path} 不在内容文件夹 {content} 之中"
    parts = target.relative_to(content).parts
    shape = "应为 <内容文件夹>/<年度>/<编码-部门名称>/<项目>.md，或其中的部门文件夹"
    if target.is_file() and target.suffix != ".md":
        return f"{path}：只能生成项目文件（.md）或部门文件夹；{shape}"
    if not fields.is_year(parts[0]) or (len(parts) > 1 and not re.fullmatch(r"\d+-.+", parts[1])) \
            or len(parts) > 3:
        return f"{path}：{shape}"
    return content, target
