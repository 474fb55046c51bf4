"""Turn `build.py serve` into the running intranet site: settings, migrations, the warm workers and a
production server (waitress: pure Python, runs on Windows as on Linux)."""

from __future__ import annotations

import os
from pathlib import Path

from render import COMMAND
from render.source.folders import CONTENT, DIST
from render.problems import Exit, Level, plain
from render.source import limits

HELP = "在局域网上提供网站：各部门在浏览器中填报、预览、下载绩效目标表（按 Ctrl-C 结束）"


def folders(p) -> None:
    """The options `serve` and `user` share: where the content, the outputs and the site's data are."""
    # relative to where the command is run, as every command's (render/source/folders.py)
    p.options.add_argument("--content", type=Path, default=CONTENT, metavar="文件夹", help="内容文件夹（默认 content/）")
    p.options.add_argument("--out", type=Path, default=DIST, metavar="文件夹", help="输出文件夹（默认 dist/）")
    p.options.add_argument("--state", type=Path, metavar="文件夹",
                           help="网站数据（账户、历史、日志）所在文件夹（默认为输出文件夹旁的 站点数据/）")


def arguments(p) -> None:
    folders(p)
    p.options.add_argument("--bind", default="127.0.0.1:8000", metavar="地址:端口",
                           help="监听的地址和端口（默认 127.0.0.1:8000；局域网上用 0.0.0.0:8000 或放在反向代理之后）")
    p.options.add_argument("--https", action="store_true",
                           help="站点在 HTTPS 反向代理之后：Cookie 只经 HTTPS 发送，信任代理的 X-Forwarded-Proto")


def open_site(args, jobs: int = 1) -> None:
    from render.site import settings

    settings.configure(args.content, args.out, args.state, jobs=jobs, secure=getattr(args, "https", False))
    settings.migrate()


def run(args, say=plain) -> Exit:
    host, sep, port = args.bind.rpartition(":")
    if not sep or not port.isdigit():
        say(f"build.py serve：错误：--bind 应为 地址:端口，如 127.0.0.1:8000，而不是“{args.bind}”", Level.PROBLEM)
        return Exit.CANNOT
    if not args.content.is_dir():
        say(f"build.py serve：错误：找不到内容文件夹 {args.content}（请用 --content 指定）", Level.PROBLEM)
        return Exit.CANNOT
    open_site(args, jobs=min(os.cpu_count() or 1, 4))
    from django.contrib.auth import get_user_model
    from waitress import serve

    from render.site import building
    from render.site.uploads import LARGEST
    from render.site.wsgi import application

    if not get_user_model().objects.exists():
        say(f"还没有任何账户：先运行 {COMMAND} user add 用户名 --role 填报员 --department 部门编码", Level.PROBLEM)
    building.start()
    building.follow()
    say(f"网站已启动：http://{host}:{port}/ （内容 {args.content}，输出 {args.out}）；按 Ctrl-C 结束。", Level.DONE)
    try:
        serve(application, host=host.strip("[]"), port=int(port), threads=8, ident="mubiaobiao",
              clear_untrusted_proxy_headers=True,
              max_request_body_size=LARGEST + limits.MB)  # waitress spools a body to disk before the site sees it
    finally:
        building.stop()
    return Exit.OK
