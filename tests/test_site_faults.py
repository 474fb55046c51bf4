"""What breaks under the site: a save killed with kill -9, a full disk, a database locked or read-only;
and two browsers saving one project at once. Nothing saved is lost, and the page says what happened."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from unittest import mock

import pytest

from tests.conftest import DEPT, PASSWORD, ROOT
from tests.test_site import form_of, project_url


def client(name: str):
    from django.test import Client

    made = Client(raise_request_exception=False)
    assert made.login(username=name, password=PASSWORD)
    return made


def latest(source: str):
    from render.site.models import Version
    from render.site.saving import CONFLICT, FAILED

    return Version.objects.filter(source=source).exclude(kind__in=(CONFLICT, FAILED)).first()


STEM = "01-2025年全区安置帮教经费"


def edited(content, value: str):
    """The clerk's editor on STEM with its first 绩效值 changed: the file, its bytes, the client, the form."""
    path = content / DEPT / f"{STEM}.md"
    made = client("clerk")
    data = form_of(made, project_url(DEPT, STEM))
    data["value"][0] = value
    return path, path.read_bytes(), made, data


def test_a_full_disk_during_a_save_says_so_and_loses_nothing(site):
    from render.site.models import Audit, Version

    content, _, _ = site
    stem = STEM
    path, before, made, data = edited(content, "≥99件（磁盘满时填的）")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    with mock.patch("render.produce.files.os.fsync", side_effect=full):
        answer = made.post(project_url(DEPT, stem, "save"), data)
    page = answer.content.decode()
    assert answer.status_code == 507 and "未保存" in page and "磁盘已满" in page, page[:2000]
    assert "≥99件（磁盘满时填的）" in page  # the form still holds what was typed
    assert str(content) not in page  # the content folder's name for the file, not the server's path
    assert path.read_bytes() == before
    assert not [p for p in (content / DEPT).iterdir() if p.name.endswith(".tmp")]
    kept = Version.objects.filter(source=f"{DEPT}/{path.name}").first()
    assert kept.kind == "未保存（写入失败）" and "≥99件（磁盘满时填的）" in bytes(kept.data).decode()
    assert latest(f"{DEPT}/{path.name}") is None or bytes(latest(f"{DEPT}/{path.name}").data) == before
    assert Audit.objects.filter(action="保存失败", who="clerk").exists()


@contextmanager
def database(**options):
    """The site's database connection reopened with these sqlite options (a short lock timeout, read-only)."""
    from django.db import connection

    kept = dict(connection.settings_dict["OPTIONS"])
    connection.close()
    connection.settings_dict["OPTIONS"].update(options)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["OPTIONS"].clear()
        connection.settings_dict["OPTIONS"].update(kept)


def test_a_locked_database_gives_a_chinese_page_not_a_traceback(site):
    import sqlite3

    from django.conf import settings

    content, _, _ = site
    made = client("clerk")
    other = sqlite3.connect(settings.DATABASES["default"]["NAME"])
    other.execute("BEGIN EXCLUSIVE")  # another program holding the database
    try:
        with database(timeout=0.2):
            answer = made.get("/d/2025/018/")
    finally:
        other.rollback()
        other.close()
    page = answer.content.decode()
    assert answer.status_code == 503 and "数据库暂时不能使用" in page and "Traceback" not in page


def test_a_read_only_database_gives_a_chinese_page_and_changes_no_file(site):
    content, _, _ = site
    stem = STEM
    path, before, made, data = edited(content, "≥1人（只读时填的）")
    with database(init_command="PRAGMA query_only = 1"):
        answers = [made.post(project_url(DEPT, stem, "save"), data),
                   made.get("/login/"), client_anonymous().post("/login/", {"username": "clerk", "password": PASSWORD})]
    for answer in answers[::2]:
        page = answer.content.decode()
        assert answer.status_code == 503 and "数据库暂时不能使用" in page and "Traceback" not in page, page[:500]
    assert path.read_bytes() == before


def client_anonymous():
    from django.test import Client

    return Client(raise_request_exception=False)


CHILD = """
import os, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from render.site import settings
settings.configure(Path({content!r}), Path({out!r}), Path({state!r}), jobs=1)
from tests.test_site import form_of, project_url
from django.test import Client
real = os.replace

def replace(src, dst):
    if str(dst).endswith(".md"):
        print("before", flush=True)
        time.sleep(0.3)
        real(src, dst)
        print("after", flush=True)
        time.sleep(120)
    else:
        real(src, dst)

os.replace = replace
client = Client()
assert client.login(username="clerk", password={password!r})
data = form_of(client, project_url({dept!r}, {stem!r}))
data["value"][0] = {value!r}
client.post(project_url({dept!r}, {stem!r}, "save"), data)
"""


@pytest.mark.parametrize("moment", ["before", "after"])
def test_a_save_killed_with_kill_9_leaves_the_old_or_the_new_file_and_the_history_agrees(site, moment):
    """The server's process killed just before the rename and just after it: the file is whole, old or new,
    and the history page then shows the file as it is on top, the clerk's text kept either way."""
    from render.site.models import Version

    content, out, state = site
    stem = "02-2025年全区法律援助案件补助经费"
    path = content / DEPT / f"{stem}.md"
    old = path.read_bytes()
    value = f"≥7件（kill -9 {moment}）"
    script = CHILD.format(root=str(ROOT), content=str(content), out=str(out), state=str(state), password=PASSWORD,
                          dept=DEPT, stem=stem, value=value)
    child = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        for line in child.stdout:
            if line.strip() == moment:
                os.kill(child.pid, signal.SIGKILL)
                break
    finally:
        child.kill()
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    now = path.read_bytes()
    assert now == old if moment == "before" else value in now.decode("utf-8")
    for stray in path.parent.glob(f".{path.name}.*.tmp"):  # what the killed process was writing: never the file
        stray.unlink()
    page = client("clerk").get(project_url(DEPT, stem, "history"))
    assert page.status_code == 200
    source = f"{DEPT}/{path.name}"
    assert bytes(latest(source).data) == now  # the history's newest version is the file as it is
    mine = [v for v in Version.objects.filter(source=source) if value in bytes(v.data).decode("utf-8")]
    assert mine and mine[-1].author == "clerk"  # the clerk's text, by its author, kept in both cases
    path.write_bytes(old)  # the seed's file back for the tests after this one


def test_two_browsers_saving_one_project_one_wins_the_other_is_refused_and_both_are_kept(site):
    from render.site.models import Version

    content, _, _ = site
    stem = "03-2025年全区社区矫正经费"
    path = content / DEPT / f"{stem}.md"
    first, second = client("clerk"), client("clerk")
    mine, theirs = form_of(first, project_url(DEPT, stem)), form_of(second, project_url(DEPT, stem))
    mine["value"][0], theirs["value"][0] = "≥31人次（第一个浏览器）", "≥32人次（第二个浏览器）"
    won = first.post(project_url(DEPT, stem, "save"), mine)
    lost = second.post(project_url(DEPT, stem, "save"), theirs)
    assert won.status_code == 302 and lost.status_code == 409
    text = path.read_text(encoding="utf-8")
    assert "≥31人次（第一个浏览器）" in text and "≥32人次（第二个浏览器）" not in text
    page = lost.content.decode()
    assert "≥31人次（第一个浏览器）" in page and "≥32人次（第二个浏览器）" in page
    kept = {v.kind: bytes(v.data).decode() for v in Version.objects.filter(source=f"{DEPT}/{path.name}")[:2]}
    assert "≥31人次（第一个浏览器）" in kept["保存"] and "≥32人次（第二个浏览器）" in kept["未保存（冲突）"]


FULL = """
import sys
sys.path.insert(0, {root!r})
from pathlib import Path
from render.site import settings
settings.configure(Path({content!r}), Path({out!r}), Path({state!r}), jobs=1)
settings.migrate()
from django.contrib.auth import get_user_model
from render.site.models import Account
Account.objects.create(user=get_user_model().objects.create_user("clerk", password={password!r}), role="填报员",
                       departments="018")
from tests.test_site import form_of, project_url
from django.test import Client
client = Client(raise_request_exception=False)
assert client.login(username="clerk", password={password!r})
data = form_of(client, project_url({dept!r}, {stem!r}))
data["goal"] = "完成年度目标。" * 4000  # far more than the disk has left
answer = client.post(project_url({dept!r}, {stem!r}, "save"), data)
print(answer.status_code, "磁盘已满" in answer.content.decode())
"""


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="mounting a tmpfs needs root")
def test_a_really_full_disk_during_a_save(tmp_path):
    """The content folder on a tmpfs filled to its last byte (the site in a process of its own, the
    database on another disk): the save is refused with the page saying the disk is full, the file whole."""
    import shutil

    from tests.conftest import CONTENT

    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(disk)], capture_output=True).returncode:
        pytest.skip("this machine does not let root mount a tmpfs")
    try:
        shutil.copytree(CONTENT / DEPT, disk / DEPT)
        try:
            with open(disk / "filler", "wb") as filler:
                while True:
                    filler.write(b"\0" * 4096)
                    filler.flush()
        except OSError as e:
            assert e.errno == errno.ENOSPC
        path = disk / DEPT / f"{STEM}.md"
        before = path.read_bytes()
        script = FULL.format(root=str(ROOT), content=str(disk), out=str(tmp_path / "dist"), state=str(tmp_path / "state"),
                             password=PASSWORD, dept=DEPT, stem=STEM)
        ran = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert ran.stdout.split() == ["507", "True"], ran.stdout + ran.stderr
        assert path.read_bytes() == before
        assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    finally:
        subprocess.run(["umount", str(disk)], check=True)
