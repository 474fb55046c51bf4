"""Who is logged in, for how long, and what the audit log keeps of it: Chinese refusals, idle and logout
expiry by the session's clock, Secure cookies over HTTPS, DEBUG off in `serve`, an append-only audit log
that names every change with its who, when, where and what."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import timedelta
from unittest import mock

import pytest

from tests.conftest import DEPT, PASSWORD, ROOT


def client(name: str | None = None):
    from django.test import Client

    made = Client(raise_request_exception=False)
    if name:
        assert made.login(username=name, password=PASSWORD)
    return made


def logged_in(name: str):
    """A client logged in through the login page (the signals and the session as a browser gets them)."""
    made = client()
    assert made.post("/login/", {"username": name, "password": PASSWORD}).status_code == 302
    return made


@pytest.mark.parametrize("password", ["short", "password", "1234567890", "clerkclerk1"])
def test_every_password_refusal_is_in_chinese(site, password):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_password(password, get_user_model()(username="clerkclerk"))
    for message in refused.value.messages:
        assert re.search(r"[\u4e00-\u9fff]", message) and not re.search(r"[A-Za-z]{3,}", message.replace("用户名", "")), message


def test_the_user_command_says_a_short_password_in_chinese(site):
    _, out, state = site
    made = subprocess.run([sys.executable, str(ROOT / "build.py"), "user", "add", "short-pw", "--role", "审核员",
                           "--out", str(out), "--state", str(state)], input="Zq7-ab\n", capture_output=True,
                          text=True, timeout=120)
    said = made.stdout + made.stderr
    assert made.returncode == 2 and "至少 10 个字符" in said and "too short" not in said, said


def moved(minutes: float):
    """The clock as the sessions read it, `minutes` from now: no test sleeps through an idle half hour."""
    from django.utils import timezone

    later = timezone.now() + timedelta(minutes=minutes)
    return mock.patch("django.utils.timezone.now", return_value=later)


def test_a_session_ends_after_idle_time_and_not_while_used(site):
    from render.site.settings import IDLE

    made = logged_in("reviewer")
    idle = IDLE / 60
    with moved(idle - 1):
        assert made.get("/d/2025/019/").status_code == 200  # used: its half hour starts again
    with moved(2 * idle - 2):
        assert made.get("/d/2025/019/").status_code == 200
    with moved(3 * idle):
        answer = made.get("/d/2025/019/")
        assert answer.status_code == 302 and answer["Location"].startswith("/login/")


def test_logout_ends_the_session_on_the_server(site):
    made = logged_in("reviewer")
    key = made.cookies["sessionid"].value
    assert made.post("/logout/").status_code == 302
    stolen = client()
    stolen.cookies["sessionid"] = key  # the cookie kept (a copy, another tab): it opens nothing
    assert stolen.get("/d/2025/019/").status_code == 302
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=key).exists()


def test_cookies_are_secure_when_served_over_https(site):
    from django.test import override_settings

    from render.site import settings

    content, out, state = site
    over_https = settings.values(content, out, state, secure=True)
    assert not settings.values(content, out, state)["SESSION_COOKIE_SECURE"]
    keys = ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER")
    with override_settings(**{k: over_https[k] for k in keys}):
        made = client()
        page = made.get("/login/", secure=False, HTTP_X_FORWARDED_PROTO="https")
        assert page.cookies["csrftoken"]["secure"]
        answer = made.post("/login/", {"username": "reviewer", "password": PASSWORD}, HTTP_X_FORWARDED_PROTO="https")
        cookie = answer.cookies["sessionid"]
        assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Strict"


def test_serve_runs_without_debug_and_with_https_cookies_when_asked(site, tmp_path):
    """The settings `serve` itself makes (in a process of its own, as `serve --https` would start)."""
    content, out, _ = site
    code = ("import sys; from render.commands.cli import parser; from render.commands.serve import open_site; "
            "args = parser().parse_args(sys.argv[1:]); open_site(args); from django.conf import settings as s; "
            "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER is not None)")
    for flags, secure in (([], "False False"), (["--https"], "True True")):
        ran = subprocess.run([sys.executable, "-c", code, "serve", "--content", str(content), "--out", str(out),
                              "--state", str(tmp_path / "state"), *flags], cwd=ROOT, capture_output=True, text=True,
                             timeout=120)
        assert ran.returncode == 0, ran.stderr
        assert ran.stdout.split() == ["False", *secure.split()], ran.stdout


def test_an_error_page_is_the_sites_own_and_shows_no_traceback(site):
    from django.conf import settings

    assert not settings.DEBUG
    with mock.patch("render.site.views.pages.listing", side_effect=RuntimeError("内部细节 /secret/path")):
        answer = client("clerk").get("/d/2025/018/")
    page = answer.content.decode()
    assert answer.status_code == 500 and "出错了" in page and "Traceback" not in page and "/secret/path" not in page


def test_the_audit_log_cannot_be_changed_or_deleted(site):
    from render.site.models import Audit, Sealed, record

    record("someone", "10.0.0.1", "保存", "test")
    line = Audit.objects.first()
    line.what = "changed"
    with pytest.raises(Sealed):
        line.save()
    with pytest.raises(Sealed):
        line.delete()
    with pytest.raises(Sealed):
        Audit.objects.filter(id=line.id).update(what="changed")
    with pytest.raises(Sealed):
        Audit.objects.filter(id=line.id).delete()
    assert Audit.objects.get(id=line.id).what == "test"
    from django.conf import settings
    from django.urls import Resolver404, resolve

    assert not any("admin" in app for app in settings.INSTALLED_APPS)  # no Django admin to edit it through
    with pytest.raises(Resolver404):
        resolve("/admin/")


def test_every_change_is_in_the_audit_log_with_who_when_where_and_what(site):
    """Login, failed login, save, build, delete, restore from the bin, review, verify, package, logout; the
    管理员's export holds them all; no other role gets it."""
    import csv
    import io

    from render.site.models import Audit

    start = Audit.objects.order_by("-id").first().id
    client().post("/login/", {"username": "clerk", "password": "wrong-password-x"})
    clerk = logged_in("clerk")
    made = clerk.post("/d/2025/018/new", {"name": "审计测试项目"})
    stem = made["Location"].rstrip("/").rsplit("/", 1)[1]
    assert clerk.post(f"/p/2025/018/{stem}/delete").status_code == 302
    from render.site.models import Version

    gone = Version.objects.filter(kind="删除", source__endswith="审计测试项目.md").first()
    assert clerk.post(f"/d/2025/018/undelete/{gone.id}").status_code == 302
    clerk.post(f"/p/2025/018/{stem}/delete")
    clerk.post("/d/2025/018/generate", {"layout": "simplex"})
    clerk.post("/logout/")
    logged_in("reviewer").post("/d/2025/018/review")
    archivist = logged_in("archivist")
    archivist.post("/archive/", {"run": "verify"})
    lines = Audit.objects.filter(id__gt=start)
    done = {(a.who, a.action) for a in lines}
    wanted = {("clerk", "登录失败"), ("clerk", "登录"), ("clerk", "新建项目"), ("clerk", "删除"), ("clerk", "从回收站恢复"),
              ("clerk", "生成"), ("clerk", "退出"), ("reviewer", "审核"), ("archivist", "核对")}
    assert wanted <= done, wanted - done
    assert all(a.address == "127.0.0.1" and a.when for a in lines)
    assert any(a.action == "删除" and f"{DEPT}/" in a.what for a in lines)
    for name in ("clerk", "reviewer", "archivist"):
        assert client(name).get("/audit.csv").status_code == 403
    exported = client("admin").get("/audit.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[0] == ["时间", "用户", "地址", "操作", "内容"]
    assert {("clerk", "127.0.0.1", "从回收站恢复")} <= {tuple(r[1:4]) for r in rows}


def test_an_account_change_from_the_command_line_names_the_system_user_and_machine(site):
    import getpass
    import socket

    from render.site.models import Audit

    _, out, state = site
    made = subprocess.run([sys.executable, str(ROOT / "build.py"), "user", "add", "audited", "--role", "档案员",
                           "--out", str(out), "--state", str(state)], input=PASSWORD + "\n", capture_output=True,
                          text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    line = Audit.objects.filter(action="账户", what__startswith="新建 audited").first()
    assert line.who == f"命令行（{getpass.getuser()}）" and line.address == f"本机 {socket.gethostname()}"
