"""Turn the command line into a build, check, import or verify run and its exit code."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from . import ROOT

COMMANDS = ("build", "check", "import", "verify")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="build.py", description="部门项目支出预算绩效目标表：生成 PDF、装订册与清单")
    top.add_argument("--debug", action="store_true", help="出错时显示完整的 Python 回溯")
    sub = top.add_subparsers(dest="command")

    b = sub.add_parser("build", help="生成各项目 PDF、部门装订册和 dist/manifest.json（默认）")
    b.add_argument("--content", type=Path, default=ROOT / "content", help="内容文件夹（默认 content/）")
    b.add_argument("--out", type=Path, default=ROOT / "dist", help="输出文件夹（默认 dist/）")
    b.add_argument("--jobs", type=int, default=0, help="并行进程数（默认：CPU 核数）")
    b.add_argument("--simplex", action="store_true",
                   help="单面印刷的装订册（文件名加“（单面）”）：不加空白页；默认为双面印刷，各部分从右页开始")
    b.add_argument("--duplex", action="store_false", dest="simplex", help=argparse.SUPPRESS)  # the default now
    b.add_argument("--draft", nargs="?", const="征求意见稿", default="", metavar="文字",
                   help="草稿：每页印水印（默认“征求意见稿”），写入 dist/草稿/，不覆盖正式 PDF")
    b.add_argument("--no-server", dest="server", action="store_false",
                   help="不使用后台排版进程（默认保留一个，下次生成更快；空闲 10 分钟后自动退出）")

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
    for p in (b, c, i, v):
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
    except Exception as e:  # a bug or an unreadable file: one line for the clerk, the trace on --debug
        if args.debug:
            traceback.print_exc()
        else:
            print(f"错误：{type(e).__name__}: {e}（加 --debug 可查看详细信息）", file=sys.stderr)
        return 3


def run(args) -> int:
    if args.command == "check":
        from .check import check

        return check(args.content, strict=args.strict)
    if args.command == "import":
        from .importer import run_import

        return run_import(args.files, args.content, force=args.force, year=args.year, date=args.date,
                          scheme=args.scheme)
    if args.command == "verify":
        from .verify import verify

        return verify(args.out)
    from . import warm

    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    if jobs > 1 and warm.likely_needed(args.content, args.out):
        warm.start(jobs, args.server)
    from .build import Options, build

    return build(Options(args.content, args.out, jobs, args.simplex, args.draft.strip(), args.server))
