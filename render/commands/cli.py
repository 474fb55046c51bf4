"""Turn the command line into a build, check, import or verify run and its exit code."""

from __future__ import annotations

import argparse
import errno
import os
import sys
import traceback
from pathlib import Path

from render import ROOT

COMMANDS = ("build", "watch", "check", "import", "verify", "review")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="build.py", description="部门项目支出预算绩效目标表：生成 PDF、装订册与清单")
    top.add_argument("--debug", action="store_true", help="出错时显示完整的 Python 回溯")
    sub = top.add_subparsers(dest="command")

    b = sub.add_parser("build", help="生成各项目 PDF、部门装订册和 dist/manifest.json（默认）")
    w = sub.add_parser("watch", help="先生成一次，之后每保存一个内容文件就重新生成改动的 PDF；按 Ctrl-C 结束")
    for p in (b, w):
        p.add_argument("--content", type=Path, default=ROOT / "content", help="内容文件夹（默认 content/）")
        p.add_argument("--out", type=Path, default=ROOT / "dist", help="输出文件夹（默认 dist/）")
        p.add_argument("--jobs", type=int, default=0, help="并行进程数（默认：CPU 核数）")
        p.add_argument("--simplex", action="store_true",
                       help="单面印刷的装订册（文件名加“（单面）”）：不加空白页；默认为双面印刷，各部分从右页开始")
        p.add_argument("--duplex", action="store_false", dest="simplex", help=argparse.SUPPRESS)  # the default now
        p.add_argument("--draft", nargs="?", const="征求意见稿", default="", metavar="文字",
                       help="草稿：每页印水印（默认“征求意见稿”），写入 dist/草稿/，不覆盖正式 PDF")

    c = sub.add_parser("check", help="只检查内容，不生成 PDF")
    c.add_argument("--content", type=Path, default=ROOT / "content")
    c.add_argument("--strict", action="store_true", help="有警告也以非零状态退出")

    i = sub.add_parser("import", help="把从预算系统或 Excel 复制的表格导入为内容文件")
    i.add_argument("files", nargs="+", type=Path, help="制表符分隔的文本文件或 .xlsx 工作簿")
    i.add_argument("--content", type=Path, default=ROOT / "content")
    i.add_argument("--force", action="store_true", help="覆盖已有的内容文件")
    i.add_argument("--year", help="年度（表中没有写明年份时使用）")
    i.add_argument("--date", help="新建部门信息文件的编制日期，如 2025-01-20（不写则留空，待填写）")
    i.add_argument("--scheme", help="指标体系，schemes/ 中的文件名，如 四类（默认 三类）")

    v = sub.add_parser("verify", help="核对输出文件夹与清单、PDF 内嵌源文件是否一致")
    v.add_argument("--out", type=Path, default=ROOT / "dist")

    r = sub.add_parser("review", help="按审核规则审核绩效目标表，列出审核意见")
    r.add_argument("path", nargs="?", type=Path, default=ROOT / "content",
                   help="内容文件夹、部门文件夹或一个项目文件（默认 content/）")
    r.add_argument("--rules", type=Path, help="审核规则文件（默认 rules/审核规则.yml）")
    r.add_argument("--strict", action="store_true", help="有“需修改”的意见时以非零状态退出")
    r.add_argument("--out", type=Path, help="并把每个部门的审核意见.pdf 和 审核意见.xlsx 写入此输出文件夹（如 dist/）")
    for p in (b, w, c, i, v, r):
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return top


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    first = next((a for a in argv if not a.startswith("-")), None)
    if first not in COMMANDS and not {"-h", "--help"} & set(argv):
        argv.insert(0, "build")
    args = parser().parse_args(argv)
    try:
        return run(args)
    except KeyboardInterrupt:
        print("已中断：已写出的文件完整，未写完的没有留下。", file=sys.stderr)
        return 130
    except OSError as e:  # the machine, not the content: what to do about it, the trace on --debug
        if args.debug:
            traceback.print_exc()
        print(f"错误：{system_message(e)}已写出的文件完整，之前生成的 PDF 未受影响。", file=sys.stderr)
        return 4
    except Exception as e:  # a bug: one line for the clerk, the trace on --debug
        if args.debug:
            traceback.print_exc()
        else:
            print(f"错误：{type(e).__name__}: {e}（加 --debug 可查看详细信息）", file=sys.stderr)
        return 3


# What each system error means to a clerk, and what to do about it.
_LOCKED = "文件被占用（可能正在另一个程序中打开，如 PDF 阅读器）。请关闭打开它的程序后重新运行。"
_DENIED = "没有权限读写这里。请换一个有写入权限的文件夹（如 --out 指定），或请管理员开放权限。"
_SYSTEM = {
    errno.EACCES: _DENIED,
    errno.EPERM: _DENIED,
    errno.EROFS: "这个磁盘是只读的。请用 --out 指定另一个可写的文件夹。",
    errno.ENOSPC: "磁盘已满，写不下了。请清理磁盘空间，或用 --out 换到空间足够的磁盘，然后重新运行。",
    errno.EDQUOT: "磁盘配额已用完，写不下了。请清理空间，或用 --out 换到另一个磁盘，然后重新运行。",
    errno.ENAMETOOLONG: "路径太长。请把内容文件夹或输出文件夹移到路径更短的位置（如磁盘根目录下），或缩短文件名。",
    errno.ENOTDIR: "路径中有一个文件占了文件夹的位置。请移走或改名这个文件，或用 --out 换一个文件夹。",
    errno.EEXIST: "这里已有一个同名的文件，需要的是文件夹。请移走或改名这个文件，或用 --out 换一个文件夹。",
    errno.EISDIR: "这里是一个文件夹，需要的是文件。请移走或改名这个文件夹。",
    errno.ENOENT: "找不到这个文件或文件夹。请检查路径是否写对。",
    errno.EBUSY: _LOCKED,
    errno.ETXTBSY: _LOCKED,
}
_WINDOWS_LOCKED = {32, 33}  # ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION


def system_message(e: OSError) -> str:
    """An OSError as the clerk should read it: the path and what to do, in Chinese, with no Python in it."""
    paths = [str(p) for p in (e.filename, e.filename2) if p not in (None, "")]
    if e.errno in (errno.ENOTDIR, errno.EEXIST) and paths:  # name the file in the way, not the path beyond it
        paths = [str(next((p for p in (Path(paths[0]), *Path(paths[0]).parents) if p.exists() and not p.is_dir()),
                          paths[0]))]
    where = f"{' → '.join(paths)}：" if paths else ""
    if getattr(e, "winerror", None) in _WINDOWS_LOCKED:
        what = _LOCKED
    else:
        # the system's own words where no errno names the case (e.g. "AF_UNIX path too long")
        said = errno.errorcode.get(e.errno or 0) or (e.strerror or (str(e.args[0]) if e.args else "")) or "原因不明"
        what = _SYSTEM.get(e.errno, f"系统无法完成读写（{said}）。请检查磁盘和文件夹后重新运行，或加 --debug 查看详细信息。")
    return where + what


def run(args) -> int:
    if args.command == "check":
        from render.commands.check import check

        return check(args.content, strict=args.strict)
    if args.command == "import":
        from render.source.importer import run_import

        return run_import(args.files, args.content, force=args.force, year=args.year, date=args.date,
                          scheme=args.scheme)
    if args.command == "review":
        from render.commands.review import run as run_review

        return run_review(args.path, args.rules, strict=args.strict, out=args.out)
    if args.command == "verify":
        from render.commands.verify import verify

        return verify(args.out)
    from render.build import workers

    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    watching = args.command == "watch"
    if jobs > 1 and args.content.is_dir() and (watching or workers.likely_needed(args.content, args.out)):
        workers.start()  # first: the fork server imports WeasyPrint while this process reads the content
    from render.build.plan import Options
    from render.build.run import build

    options = Options(args.content, args.out, jobs, args.simplex, args.draft.strip())
    if watching:
        from render.commands.watch import watch

        return watch(options)
    return build(options)
