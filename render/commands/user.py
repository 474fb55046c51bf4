"""Turn `build.py user …` into accounts: add one with its role and departments, list them, disable one,
set a password; every change in the audit log."""

from __future__ import annotations

import getpass
import os
import sys

from render.commands.serve import folders, open_site
from render.problems import Exit, Level, plain

HELP = "管理网站的账户：user add / list / disable / password"
ROLES = ("填报员", "审核员", "档案员", "管理员")


def arguments(p) -> None:
    sub = p.add_subparsers(dest="action", title="操作", metavar="操作", parser_class=type(p), required=True)
    add = sub.add_parser("add", help="新建账户（密码从标准输入读取，或在终端上询问）", description="新建账户")
    add.arguments.add_argument("name", metavar="用户名")
    add.options.add_argument("--role", required=True, choices=ROLES, metavar="角色", help="、".join(ROLES))
    add.options.add_argument("--department", nargs="+", default=[], metavar="编码",
                             help="填报员可以查看和修改的部门编码，如 018（可写多个）")
    made = [add, sub.add_parser("list", help="列出账户", description="列出账户")]
    for name, text in (("disable", "停用账户（已登录的会话随即失效）"), ("password", "重设账户的密码")):
        one = sub.add_parser(name, help=text, description=text)
        one.arguments.add_argument("name", metavar="用户名")
        made.append(one)
    for one in made:
        folders(one)


def _password(name: str) -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"{name} 的密码：")
    if getpass.getpass("再输入一次：") != first:
        raise ValueError("两次输入的密码不一致")
    return first


def _valid_password(user, password: str) -> list[str]:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, user)
    except ValidationError as e:
        return list(e.messages)
    return []


def _who() -> tuple[str, str]:
    """Who changed an account from the command line, and where: the system user on this machine."""
    import socket

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (a container): the uid says who
        user = str(os.getuid()) if hasattr(os, "getuid") else "?"
    return f"命令行（{user}）", f"本机 {socket.gethostname()}"


def run(args, say=plain) -> Exit:
    open_site(args)
    from django.contrib.auth import get_user_model
    from django.utils import translation

    from render.site.models import Account, record

    translation.activate("zh-hans")  # the password validators' messages
    users = get_user_model()
    if args.action == "list":
        for u in users.objects.order_by("username"):
            account = getattr(u, "account", None)
            say(f"{u.username}\t{account.role if account else '（无角色）'}\t{'、'.join(account.codes) if account else ''}"
                f"\t{'' if u.is_active else '已停用'}", Level.DONE)
        return Exit.OK
    found = users.objects.filter(username=args.name).first()
    if args.action == "add" and found:
        say(f"build.py user：错误：账户 {args.name} 已存在（改密码用 user password {args.name}）", Level.PROBLEM)
        return Exit.CANNOT
    if args.action != "add" and not found:
        say(f"build.py user：错误：没有账户 {args.name}", Level.PROBLEM)
        return Exit.CANNOT
    if args.action == "add":
        bad = [c for c in args.department if not c.isdigit()]
        if bad or (args.role == "填报员") != bool(args.department):
            say("build.py user：错误：" + (f"部门编码应为数字，如 018，而不是 {'、'.join(bad)}" if bad else
                "填报员须用 --department 写明部门编码；其他角色不写"), Level.PROBLEM)
            return Exit.CANNOT
    if args.action == "disable":
        found.is_active = False
        found.save()
        record(*_who(), "账户", f"停用 {args.name}")
        say(f"已停用账户 {args.name}", Level.DONE)
        return Exit.OK
    user = found or users(username=args.name)
    try:
        password = _password(args.name)
    except ValueError as e:
        say(f"build.py user：错误：{e}", Level.PROBLEM)
        return Exit.CANNOT
    refused = _valid_password(user, password)
    if refused:
        say(f"build.py user：错误：密码不合格：{'；'.join(refused)}", Level.PROBLEM)
        return Exit.CANNOT
    user.set_password(password)
    user.save()
    if args.action == "add":
        Account.objects.create(user=user, role=args.role, departments=",".join(args.department))
    record(*_who(), "账户", f"{'新建' if args.action == 'add' else '改密码'} {args.name}"
           + (f"（{args.role}）" if args.action == "add" else ""))
    say(f"{'已新建账户' if args.action == 'add' else '已重设密码：'} {args.name}", Level.DONE)
    return Exit.OK
