"""The site through Django's test client: who may see what, saving, conflicts, check's messages, headers."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from pypdf import PdfReader

from tests.conftest import DEPT, OTHER, OTHER_NAMES, PASSWORD, ROLES, squash

STEM = "01-2025年全区安置帮教经费"


@pytest.fixture(scope="module")
def client_for(site):
    from django.test import Client

    def make(name: str | None, csrf: bool = False) -> Client:
        client = Client(enforce_csrf_checks=csrf)
        if name:
            assert client.login(username=name, password=PASSWORD)
        return client

    return make


def project_url(dept: str, stem: str, tail: str = "") -> str:
    year, folder = dept.split("/")
    return f"/p/{year}/{folder.split('-')[0]}/{quote(stem)}/{tail}"


def form_of(client, url: str) -> dict:
    """The editor's form as a browser would post it, read from the page."""
    html = client.get(url).content.decode()
    data = {"base": re.search(r'name="base" value="([0-9a-f]+)"', html).group(1), "level2": [], "name": [], "value": []}
    for label in ("项目名称", "主管部门", "实施单位", "项目属性", "项目期限", "项目主管处室", "项目年度金额"):
        data[label] = re.search(rf'name="{label}" value="([^"]*)"', html).group(1)
    data["goal"] = re.search(r'<textarea name="goal"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    for level2, name, value in re.findall(r'name="level2" value="([^"]*)".*?name="name" value="([^"]*)".*?'
                                          r'name="value" value="([^"]*)"', html, re.S):
        data["level2"].append(level2)
        data["name"].append(name)
        data["value"].append(value)
    import html as h

    return {k: ([h.unescape(x) for x in v] if isinstance(v, list) else h.unescape(v)) for k, v in data.items()}


EDITS = {"edit", "check", "info_check", "save", "restore", "delete", "new", "undelete", "generate", "import", "info_save", "info_restore",
         "answers_save"}  # the URLs that change a department
ARCHIVIST_EDITS = {"info_check", "info_save", "info_restore"}  # 部门.yml's archive fields, in every department


def every_url(year: str, code: str, stem: str, saved: int, deleted: int) -> dict[str, str]:
    """Every URL of the URL configuration naming a department, with these ids: a new view is walked
    without being named here."""
    from django.urls import get_resolver

    urls = {}
    for pattern in get_resolver().url_patterns:
        route = str(pattern.pattern)
        if "<str:year>" not in route:
            continue
        url = "/" + route.replace("<str:year>", year).replace("<str:code>", code).replace("<str:stem>", quote(stem))
        url = url.replace("<int:page>", "1").replace("<str:suffix>", "pdf")
        url = url.replace("<str:name>", quote(f"01-{OTHER_NAMES[0]}.pdf")).replace("<int:version>", str(deleted if "undelete" in route else saved))
        assert "<" not in url, url
        urls[pattern.name] = url
    return urls


def test_every_url_refuses_another_department_and_shows_none_of_it(site, client_for):
    from render.site.models import Version

    content, _, _ = site
    other = sorted((content / OTHER).glob("*.md"))[0]
    saved = Version.objects.create(source=f"{OTHER}/{other.name}", data=other.read_bytes(), author="other", kind="保存")
    gone = Version.objects.create(source=f"{OTHER}/09-{OTHER_NAMES[1]}.md", data=b"---", author="other", kind="删除")
    urls = every_url("2025", "019", other.stem, saved.id, gone.id)
    assert len(urls) >= 12 and EDITS <= set(urls)
    edits = [u for name, u in urls.items() if name in EDITS]
    refused = {"clerk": list(urls.values()), "admin": list(urls.values()), "reviewer": edits,
               "archivist": [u for name, u in urls.items() if name in EDITS - ARCHIVIST_EDITS] + [urls["review"]]}
    form = {"name": ["x"], "level2": ["11-数量指标"], "value": ["1"], "base": "0"}
    for name, walked in refused.items():
        client = client_for(name)
        for url in walked:
            for answer in (client.get(url), client.post(url, form)):
                assert answer.status_code in (403, 404), (name, url, answer.status_code)
                seen = answer.content.decode("utf-8", "replace") + str(answer.headers)
                for secret in (*OTHER_NAMES, "民政局", "019-"):
                    assert secret not in seen, (name, url, secret)
    anonymous = client_for(None)
    for url in urls.values():
        assert anonymous.get(url).status_code == 302
    assert sorted(p.name for p in (content / OTHER).iterdir()) == sorted([other.name, f"02-{OTHER_NAMES[1]}.md", "部门.yml"])
    assert other.read_bytes() == bytes(saved.data)


def test_the_site_wide_pages_are_for_their_role_only(site, client_for):
    for name in ("clerk", "reviewer", "archivist"):
        assert client_for(name).get("/audit.csv").status_code == 403
    for name in ("clerk", "reviewer", "admin"):
        for url in ("/archive/", "/archive/x.zip"):
            assert client_for(name).get(url).status_code == 403
            assert client_for(name).post(url, {"run": "archive"}).status_code == 403
    assert client_for("admin").get("/").status_code == 200
    answer = client_for("admin").get("/audit.csv")
    assert answer.status_code == 200 and "登录" in answer.content.decode("utf-8-sig")


def test_the_other_clerk_and_the_reviewer_do_see_it(site, client_for):
    for name in ("other", "reviewer"):
        page = client_for(name).get("/d/2025/019/").content.decode()
        assert OTHER_NAMES[0] in page and "913.57" in page
    home = client_for("clerk").get("/").content.decode()
    assert "司法局" in home and "民政局" not in home


@pytest.mark.parametrize("stem", ["..", "../018-平罗县司法局", "%2e%2e", "a\x00b", "/etc/passwd", "..%2F..%2Fetc"])
def test_ids_from_a_url_never_become_a_path(site, client_for, stem):
    answer = client_for("clerk").get(f"/p/2025/018/{stem}/table.pdf")
    assert answer.status_code == 404


def test_a_symlink_in_the_content_folder_is_not_followed(site, client_for, tmp_path):
    content, _, _ = site
    secret = tmp_path / "secret.md"
    secret.write_text("机密内容", encoding="utf-8")
    link = content / DEPT / "99-链接.md"
    link.symlink_to(secret)
    try:
        assert client_for("clerk").get(project_url(DEPT, "99-链接")).status_code == 404
    finally:
        link.unlink()


def test_login_says_the_same_for_a_wrong_name_and_a_wrong_password_and_is_throttled(site, client_for):
    client = client_for(None)
    wrong_name = client.post("/login/", {"username": "nobody-x", "password": PASSWORD}).content.decode()
    wrong_pass = client.post("/login/", {"username": "archivist", "password": "not-it-at-all"}).content.decode()
    assert "用户名或密码不正确" in wrong_name and "用户名或密码不正确" in wrong_pass
    for _ in range(5):
        client.post("/login/", {"username": "throttled-x", "password": "wrong-wrong"})
    page = client.post("/login/", {"username": "throttled-x", "password": "wrong-wrong"}).content.decode()
    assert "登录失败次数过多" in page
    from render.site.models import Audit

    assert Audit.objects.filter(action="登录失败", who="nobody-x").exists()


def test_headers_cookies_and_csrf(site, client_for):
    client = client_for(None)
    answer = client.post("/login/", {"username": "clerk", "password": PASSWORD})
    cookie = answer.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    page = client.get("/d/2025/018/")
    assert page["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in page["Content-Security-Policy"] and "unsafe-inline" not in page["Content-Security-Policy"]
    assert "<script>" not in page.content.decode()  # no inline script: only <script src=…>
    strict = client_for("clerk", csrf=True)
    refused = strict.post(project_url(DEPT, STEM, "check"), {"name": ["x"]})
    assert refused.status_code == 403


def test_a_disabled_account_is_logged_out_everywhere(site, client_for):
    from django.contrib.auth import get_user_model

    client = client_for("other")
    assert client.get("/d/2025/019/").status_code == 200
    user = get_user_model().objects.get(username="other")
    user.is_active = False
    user.save()
    try:
        assert client.get("/d/2025/019/").status_code == 302
    finally:
        user.is_active = True
        user.save()


def test_check_puts_the_message_at_the_row(site, client_for):
    client = client_for("clerk")
    data = form_of(client, project_url(DEPT, STEM))
    data["value"][0] = ""
    problems = client.post(project_url(DEPT, STEM, "check"), data).json()["problems"]
    assert any(p["field"] == "row-0" and p["label"] == "绩效值" for p in problems), problems


def test_a_save_writes_the_file_keeps_history_and_escapes_what_was_typed(site, client_for):
    content, _, _ = site
    client = client_for("clerk")
    data = form_of(client, project_url(DEPT, "02-2025年全区法律援助案件补助经费"))
    data["name"][0] = "<script>alert(1)</script>{{7*7}}"
    answer = client.post(project_url(DEPT, "02-2025年全区法律援助案件补助经费", "save"), data)
    assert answer.status_code == 302
    text = (content / DEPT / "02-2025年全区法律援助案件补助经费.md").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>{{7*7}}" in text
    page = client.get(answer["Location"]).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{7*7}}" in page and "<script>alert" not in page
    from render.site.models import Audit, Version

    assert Version.objects.filter(source__endswith="02-2025年全区法律援助案件补助经费.md", kind="保存").exists()
    assert Audit.objects.filter(action="保存", who="clerk").exists()


def test_a_save_over_a_file_changed_since_keeps_both(site, client_for):
    content, _, _ = site
    stem = "03-2025年全区社区矫正经费"
    path = content / DEPT / f"{stem}.md"
    client = client_for("clerk")
    data = form_of(client, project_url(DEPT, stem))
    theirs = path.read_text(encoding="utf-8").replace("≥10人次", "≥11人次（命令行改的）")
    path.write_text(theirs, encoding="utf-8")
    data["value"][0] = "≥12人次（网页上改的）"
    answer = client.post(project_url(DEPT, stem, "save"), data)
    assert answer.status_code == 409
    assert path.read_text(encoding="utf-8") == theirs
    page = answer.content.decode()
    assert "≥11人次（命令行改的）" in page and "≥12人次（网页上改的）" in page
    from render.site.models import Version

    kept = Version.objects.filter(source__endswith=f"{stem}.md", kind="未保存（冲突）").first()
    assert "≥12人次（网页上改的）" in bytes(kept.data).decode("utf-8")


def test_roles_are_the_ones_of_the_command(site):
    from render.site.models import Account

    made = Account.objects.filter(user__username__in=list(ROLES))
    assert {a.user.username: a.role for a in made} == {k: v[0] for k, v in ROLES.items()}


def user_command(site, *args: str, password: str = ""):
    import subprocess
    import sys

    from tests.conftest import ROOT

    _, out, state = site
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "user", *args, "--out", str(out), "--state", str(state)],
                          input=password + "\n", capture_output=True, text=True, timeout=120)


def test_user_refuses_a_weak_password_a_clerk_without_department_and_a_second_account(site):
    weak = user_command(site, "add", "weak", "--role", "审核员", password="12345678")
    assert weak.returncode == 2 and "密码不合格" in weak.stderr + weak.stdout
    nowhere = user_command(site, "add", "nowhere", "--role", "填报员", password=PASSWORD)
    assert nowhere.returncode == 2 and "--department" in nowhere.stderr + nowhere.stdout
    again = user_command(site, "add", "clerk", "--role", "填报员", "--department", "018", password=PASSWORD)
    assert again.returncode == 2 and "已存在" in again.stderr + again.stdout
    listed = user_command(site, "list")
    assert listed.returncode == 0 and "weak" not in listed.stdout and "reviewer\t审核员" in listed.stdout


def test_user_password_and_disable_are_audited_and_take_effect(site, client_for):
    from django.contrib.auth import get_user_model

    from render.site.models import Audit

    assert user_command(site, "add", "temp", "--role", "档案员", password=PASSWORD).returncode == 0
    assert user_command(site, "password", "temp", password=PASSWORD + "-new").returncode == 0
    assert get_user_model().objects.get(username="temp").check_password(PASSWORD + "-new")
    assert user_command(site, "disable", "temp").returncode == 0
    assert not get_user_model().objects.get(username="temp").is_active
    assert {"新建 temp（档案员）", "改密码 temp", "停用 temp"} <= set(Audit.objects.filter(action="账户").values_list("what", flat=True))


def test_new_delete_to_the_bin_and_back(site, client_for):
    content, out, _ = site
    client = client_for("clerk")
    made = client.post("/d/2025/018/new", {"name": "新建的测试项目"})
    assert made.status_code == 302 and quote("11-新建的测试项目") in made["Location"]
    path = content / DEPT / "11-新建的测试项目.md"
    data = path.read_bytes()
    assert "主管部门: 018-平罗县司法局" in data.decode("utf-8")
    assert client.post(project_url(DEPT, path.stem, "delete")).status_code == 302
    assert not path.exists()
    page = client.get("/d/2025/018/").content.decode()
    assert "回收站" in page and "11-新建的测试项目.md" in page
    from render.site.models import Version

    bin_id = Version.objects.filter(kind="删除", source__endswith="11-新建的测试项目.md").first().id
    assert client.post(f"/d/2025/018/undelete/{bin_id}").status_code == 302
    assert path.read_bytes() == data
    assert "回收站" not in client.get("/d/2025/018/").content.decode()
    client.post(project_url(DEPT, path.stem, "delete"))  # a project without rows: it would stop the volume


def test_history_shows_what_changed_and_restores_a_version(site, client_for):
    content, out, _ = site
    stem = "08-全区人民调解案件补助经费（区级）"
    path = content / DEPT / f"{stem}.md"
    original = path.read_bytes()
    client = client_for("clerk")
    data = form_of(client, project_url(DEPT, stem))
    data["value"][0] = "≥333件（改过）"
    assert client.post(project_url(DEPT, stem, "save"), data).status_code == 302
    page = client.get(project_url(DEPT, stem, "history")).content.decode()
    assert "≥333件（改过）" in page and "≥320件" in page and "原有" in page
    first = re.findall(r'action="([^"]*/restore/\d+)"', page)[-1]  # the oldest: the file as it was
    base = re.search(r'name="base" value="([0-9a-f]+)"', page).group(1)
    assert client.post(first, {"base": base}).status_code == 302
    assert path.read_bytes() == original
    assert "≥320件" in "".join(p.extract_text() for p in PdfReader(out / DEPT / f"{stem}.pdf").pages)


def test_the_reviewer_runs_review_and_the_department_downloads_the_opinion(site, client_for):
    _, out, _ = site
    page = client_for("reviewer").post("/d/2025/019/review").content.decode()
    assert "审核：1 个部门，2 个项目" in page
    assert (out / OTHER / "审核意见.pdf").is_file()
    answer = client_for("other").get("/d/2025/019/opinion.xlsx")
    assert answer.status_code == 200 and b"".join(answer.streaming_content)[:2] == b"PK"
    assert client_for("clerk").get("/d/2025/019/opinion.pdf").status_code == 404


def test_the_archivist_verifies(site, client_for):
    page = client_for("archivist").post("/archive/", {"run": "verify"}).content.decode()
    assert "退出状态" in page or "完成" in page
    from render.site.models import Audit

    assert Audit.objects.filter(action="核对", who="archivist").exists()


def test_the_departments_zip_holds_its_pdfs(site, client_for):
    import io
    import zipfile

    answer = client_for("clerk").get("/d/2025/018/pdfs.zip")
    names = zipfile.ZipFile(io.BytesIO(b"".join(answer.streaming_content))).namelist()
    assert "01-2025年全区安置帮教经费.pdf" in names and "平罗县司法局2025年部门项目支出预算绩效目标表.pdf" in names
    assert not any("民政" in n for n in names)


def test_generate_makes_the_single_sided_volume_and_a_draft_for_download(site, client_for):
    client = client_for("clerk")
    page = client.post("/d/2025/018/generate", {"layout": "simplex"}).content.decode()
    name = "平罗县司法局2025年部门项目支出预算绩效目标表（单面）.pdf"
    assert name in page
    answer = client.get(f"/d/2025/018/files/{quote(name)}")
    assert answer.status_code == 200 and b"".join(answer.streaming_content)[:5] == b"%PDF-"
    page = client.post("/d/2025/018/generate", {"as_draft": "1", "draft": "送审稿"}).content.decode()
    drafts = re.findall(r'href="(/d/2025/018/files/[^"]+)"', page)
    assert drafts and all("%EF%BC%88%E9%80%81%E5%AE%A1%E7%A8%BF%EF%BC%89" in d for d in drafts)  # （送审稿）
    assert client.get(drafts[0]).status_code == 200
    assert client.get("/d/2025/018/files/..%2Fmanifest.json").status_code == 404


def printed(pdf) -> str:
    return squash("".join(p.extract_text() for p in PdfReader(pdf).pages))


def test_a_save_is_answered_with_its_table_and_its_volume_bound_after(site, client_for, monkeypatch):
    """Under `serve` the binder runs: the save's answer waits for its table only, the volume is marked stale
    and the 部门 page says it is being bound; the binder then binds it with the saved text."""
    import threading

    from render.site import building

    _, out, _ = site
    stem = "04-安置帮教工作经费22万元，社区矫正工作经费12万元"
    folder = site[0] / DEPT
    volume = next(out.joinpath(DEPT).glob("*部门项目支出预算绩效目标表.pdf"))
    client = client_for("clerk")
    data = form_of(client, project_url(DEPT, stem))
    data["goal"] += "（保存后装订）"
    stop = threading.Event()
    binder = threading.Thread(target=building.bind, args=(stop,), daemon=True)
    monkeypatch.setattr(building, "_binder", binder)  # not started yet: what the answer made, it made alone
    monkeypatch.setattr(building, "BIND_AFTER", 0)
    answer = client.post(project_url(DEPT, stem, "save"), data, HTTP_ACCEPT="application/json")
    assert answer.status_code == 200 and answer.json()["pages"]
    assert "这张表的 PDF 已重新生成，部门装订册随后更新" in answer.json()["notice"]  # not that the volume is made
    assert "（保存后装订）" in printed(out / DEPT / f"{stem}.pdf")
    entry = next(e for e in building.outputs(folder) if e["kind"] == "volume")
    assert entry.get("stale") and "（保存后装订）" not in printed(volume)
    assert "装订册正在重新装订" in client.get(f"/d/{DEPT.split('/')[0]}/018/").content.decode()
    binder.start()
    try:
        for _ in range(600):
            if not building.binding(folder):
                break
            threading.Event().wait(0.2)
    finally:
        stop.set()
        with building._signal:
            building._signal.notify_all()
        binder.join(timeout=60)
    entry = next(e for e in building.outputs(folder) if e["kind"] == "volume")
    assert not entry.get("stale")
    assert "（保存后装订）" in printed(volume)
    assert "重新装订" not in client.get(f"/d/{DEPT.split('/')[0]}/018/").content.decode()


def test_no_template_comment_runs_past_its_line():
    """Django's {# #} comment ends on its own line: one that runs on is printed on the page as text (the
    editor showed one above its form)."""
    from pathlib import Path

    import render.site

    folder = Path(render.site.__file__).parent / "templates"
    opened = [f"{path.name}:{n}" for path in folder.rglob("*.html")
              for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
              if "{#" in line and "#}" not in line.split("{#", 1)[1]]
    assert not opened, opened


def test_a_runs_status_is_said_as_help_says_it():
    from render.problems import MEANING, Exit
    from render.site.views.duties import meaning

    assert meaning(1) == MEANING[Exit.PROBLEMS] and meaning(4) == MEANING[Exit.SYSTEM]
    assert meaning(None) == meaning(99) == ""


def test_saves_waiting_together_get_their_tables_before_any_department_is_bound(site, monkeypatch):
    """Under `serve`: the saves waiting for a turn are built first, together and tables alone (their volumes
    left to the binder); a department's build waiting beside them (the binder's, the watcher's) comes after."""
    import threading

    from render.site import building

    content = site[0]
    mine, other = content / DEPT, content / OTHER
    built = []
    monkeypatch.setattr(building, "_binder", threading.Thread(target=lambda: None))  # as under serve; not run
    monkeypatch.setattr(building, "_build", lambda path, *a, tables_only=False: built.append((path, tables_only)))
    monkeypatch.setattr(building, "_behind", set())
    bind, save, also = (building._Ask(mine), building._Ask(next(mine.glob("01-*.md"))),
                        building._Ask(next(other.glob("01-*.md"))))
    monkeypatch.setattr(building, "_waiting", [bind, save, also])
    batch = building._next_batch()
    assert batch == [save, also]
    building._made(batch)
    assert built == [(None, True)] and building._behind == {mine, other}  # two departments: the whole content's tables
    assert building._next_batch() == [bind]
    building._made([bind])
    assert built[-1] == (mine, False)
    building._made([save])
    assert built[-1] == (save.path, True)  # one save: its file alone
