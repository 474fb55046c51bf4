"""The site walked as an attacker would: every URL pattern and every form of another department's pages, as
every role, with that department's ids (history versions, previews, downloads, zips, 审核意见, packages,
uploads); and every id of a URL replaced by a path that tries to leave the content folder."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import quote, unquote, urlsplit

import pytest

from tests.conftest import DEPT, OTHER, OTHER_NAMES, PASSWORD

SECRETS = (*OTHER_NAMES, "民政局", "019-")  # what no byte of an answer to the 018 clerk may hold
PUBLIC = {"login", "logout", "static"}  # the URLs that need no account: walked by the path tests below
HOSTILE = ("..", "../019-平罗县民政局", "%2e%2e", "%2E%2E%2F019-平罗县民政局", "a%00b", "%00", "%2Fetc%2Fpasswd",
           "..%2F..%2F..%2F..%2Fetc%2Fpasswd", "....%2F%2F", "%252e%252e%252f", "%5C..%5C..%5Cetc", "C%3A%5Cboot.ini")


_clients: dict = {}


def client(name: str | None):
    """A client logged in as `name` (one per name: an Argon2 check per login is the walk's dearest step)."""
    from django.test import Client

    if name not in _clients:
        _clients[name] = Client(raise_request_exception=False)
        if name:
            assert _clients[name].login(username=name, password=PASSWORD)
    return _clients[name]


def patterns():
    """Every URL pattern of the URL configuration, included ones too: (name, route, view)."""
    from django.urls import get_resolver

    def walk(entries, prefix=""):
        for entry in entries:
            if hasattr(entry, "url_patterns"):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            else:
                yield entry.name, prefix + str(entry.pattern), entry.callback

    return list(walk(get_resolver().url_patterns))


def fill(route: str, ids: dict[str, str]) -> str:
    """A route with each <converter:name> replaced by ids[name] (quoted unless it is a hostile path already)."""
    def one(match):
        value = ids[match.group(2)]
        return value if "%" in value or value in HOSTILE else quote(value)

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", one, route)


class Forms(HTMLParser):
    """The links and forms of a page, as a browser would follow and post them (file inputs get a small file)."""

    def __init__(self, url: str):
        super().__init__()
        self.url, self.links, self.forms, self._form = url, set(), [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("a", "img") and (a.get("href") or a.get("src")):
            self.links.add(self._absolute(a.get("href") or a.get("src")))
        elif tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": self._absolute(a.get("action") or ""),
                          "data": {}, "files": {}}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select", "button") and a.get("name"):
            if a.get("type") == "file":
                self._form["files"][a["name"]] = a.get("accept", "")
            else:
                self._form["data"].setdefault(a["name"], []).append(a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None

    def _absolute(self, href: str) -> str:
        href = html.unescape(href).split("#")[0]
        if not href:
            return urlsplit(self.url).path  # a form without an action posts to its own page
        if href.startswith("/"):
            return href
        base = urlsplit(self.url).path
        return base[: base.rfind("/") + 1] + href


def harvest(name: str, start: str, within: str, limit: int = 80) -> tuple[set[str], list[dict]]:
    """Every page, file and form a user reaches from `start` by links (those whose path holds `within`)."""
    made, seen, forms, todo = client(name), set(), [], [start]
    while todo and len(seen) < limit:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        answer = made.get(url)
        if answer.status_code != 200 or "text/html" not in answer.get("Content-Type", ""):
            continue
        page = Forms(url)
        page.feed(answer.content.decode("utf-8"))
        forms += [f for f in page.forms if within in f["action"]]
        todo += [link.split("?")[0] for link in page.links if within in link and link.split("?")[0] not in seen]
    return seen, forms


def leaked(answer) -> list[str]:
    """The secrets an answer shows, in its body, its headers or a redirect (quoted or not)."""
    body = answer.content if not answer.streaming else b"".join(answer.streaming_content)
    seen = body.decode("utf-8", "replace") + unquote(str(answer.headers))
    return [s for s in SECRETS if s in seen]


@pytest.fixture(scope="module")
def other_ids(site):
    """Ids of the other department's things, each of which exists: its files, versions, 审核意见, a package."""
    from render.site.models import Version

    content, out, _ = site
    files = sorted((content / OTHER).glob("*.md"))
    Version.objects.create(source=f"{OTHER}/{files[0].name}", data=b"older", author="other", kind="保存")
    saved = Version.objects.create(source=f"{OTHER}/{files[0].name}", data=files[0].read_bytes(), author="other", kind="保存")
    gone = Version.objects.create(source=f"{OTHER}/09-{OTHER_NAMES[1]}.md", data=b"---", author="other", kind="删除")
    assert client("reviewer").post("/d/2025/019/review").status_code == 200
    assert (out / OTHER / "审核意见.pdf").is_file()
    packages = out.parent / "移交"
    packages.mkdir(exist_ok=True)
    package = packages / f"2025-019-{OTHER_NAMES[0]}.zip"
    package.write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    yield {"year": "2025", "code": "019", "stem": files[0].stem, "page": "1", "suffix": "pdf",
           "name": f"{files[0].stem}.pdf", "version": str(saved.id), "deleted": str(gone.id), "package": package.name,
           "path": "site.css"}
    package.unlink()


def every_url(ids: dict[str, str]) -> dict[str, str]:
    urls = {}
    for name, route, _ in patterns():
        if name in PUBLIC:
            continue
        given = {**ids, "version": ids["deleted"] if name == "undelete" else ids["version"],
                 "name": ids["package"] if "code" not in route else ids["name"]}
        urls[name] = fill(route, given)
    return urls


def test_every_view_has_its_guard(site):
    unguarded = [name for name, _, view in patterns() if name not in PUBLIC and not hasattr(view, "action")]
    assert not unguarded, f"views without access.guard: {unguarded}"


def test_every_url_and_form_of_another_department_is_refused_and_shows_none_of_it(site, other_ids):
    from render.site import access
    from render.site.models import Audit, Version

    content, _, _ = site
    urls = every_url(other_ids)
    assert {n for n, _, _ in patterns()} - PUBLIC == set(urls)
    pages, forms = set(), []
    for owner, start in (("other", "/d/2025/019/"), ("reviewer", "/d/2025/019/"), ("archivist", "/archive/")):
        seen, found = harvest(owner, start, "/019/" if owner != "archivist" else "/archive/")
        pages |= seen
        forms += found
    walked = {resolve_name(u) for u in pages | set(urls.values()) | {f["action"] for f in forms}}
    assert walked >= set(urls), set(urls) - walked  # the crawl and the patterns together reach every view
    posted = {resolve_name(f["action"]) for f in forms if f["method"] == "post"}
    assert {"save", "delete", "generate", "new", "restore", "undelete", "review"} <= posted, posted
    before = snapshot(content), Version.objects.filter(source__startswith=OTHER).count(), list(Audit.objects.values_list("id", "what"))
    union = {k: v for f in forms for k, v in f["data"].items()}
    for name in ("clerk", "admin", "reviewer", "archivist", "other"):
        user, made = user_named(name), client(name)
        for url in sorted(pages | set(urls.values())):
            view = resolve_view(url)
            allowed = access.may(user, view.action, "019") if hasattr(view, "action") else True
            if allowed and name not in ("clerk", "admin"):
                continue  # theirs to read: nothing to refuse, nothing to hide from them
            answers = [made.get(url)] + ([] if allowed else [made.post(url, union)])  # never a change of theirs
            for answer in answers:
                assert allowed or answer.status_code in (403, 404), (name, url, answer.status_code)
                if name == "clerk" or (name == "admin" and "audit" not in url):
                    assert not leaked(answer), (name, url, leaked(answer))
        for form in forms:
            if form["method"] != "post" or access.may(user, resolve_view(form["action"]).action, "019"):
                continue
            files = {k: upload() for k in form["files"]}
            answer = made.post(form["action"], {**form["data"], **files})
            assert answer.status_code in (403, 404), (name, form["action"], answer.status_code)
            assert name != "clerk" or not leaked(answer), (name, form["action"], leaked(answer))
    assert snapshot(content) == before[0]
    assert Version.objects.filter(source__startswith=OTHER).count() == before[1]
    assert list(Audit.objects.filter(id__in=[i for i, _ in before[2]]).values_list("id", "what")) == before[2]


def upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("../../019-平罗县民政局/x.xlsx", b"PK\x03\x04not a workbook")


def resolve_view(url: str):
    from django.urls import resolve

    return resolve(unquote(urlsplit(url).path)).func


def resolve_name(url: str) -> str:
    from django.urls import Resolver404, resolve

    try:
        return resolve(unquote(urlsplit(url).path)).url_name
    except Resolver404:
        return ""


def user_named(name: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=name)


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("hostile", HOSTILE)
def test_no_id_of_any_url_becomes_a_path(site, other_ids, hostile):
    """Each id of each URL in turn replaced by a path out of the folder; the others the user's own."""
    own = {**other_ids, "code": "018", "stem": "01-2025年全区安置帮教经费", "name": "01-2025年全区安置帮教经费.pdf"}
    for name, route, _ in patterns():
        if name in PUBLIC:
            continue
        for param in re.findall(r"<(?:str:)?(\w+)>", route):
            if param in ("page", "version"):
                continue  # int converters: a path is not an int, the URL does not resolve
            url = fill(route, {**own, "version": own["version"], param: hostile})
            for user in ("clerk", "archivist"):
                answer = client(user).get(url)
                assert answer.status_code in (400, 403, 404), (user, url, answer.status_code)
                assert not leaked(answer) and b"root:" not in answer.content, (user, url)


@pytest.mark.parametrize("path", ["../settings.py", "%2e%2e/settings.py", "..%2Fsettings.py", "%2Fetc%2Fpasswd",
                                  "..%5Csettings.py", "site.css%00.py"])
def test_the_static_files_stay_in_their_folder(site, path):
    answer = client(None).get("/static/" + path)
    assert answer.status_code in (400, 404), path
    assert b"SECRET" not in answer.content and b"root:" not in answer.content


def test_symlinks_in_the_content_folder_lead_nowhere(site, tmp_path):
    """A department folder, a year folder and a project file that are symlinks (to another department) are
    not the site's: not listed, not opened, whatever the account's departments."""
    content, _, _ = site
    account = user_named("clerk").account
    links = [(content / "2025" / "020-链接部门", content / OTHER), (content / "2026", content / "2025"),
             (content / DEPT / "98-链接项目.md", next((content / OTHER).glob("*.md")))]
    for link, target in links:
        link.symlink_to(target, target_is_directory=target.is_dir())
    account.departments, before = "018,020", account.departments
    account.save()
    try:
        made = client("clerk")
        for url in ("/d/2025/020/", "/d/2026/018/", "/d/2026/019/", f"/p/2025/018/{quote('98-链接项目')}/",
                    f"/p/2025/018/{quote('98-链接项目')}/history", "/d/2025/020/pdfs.zip"):
            answer = made.get(url)
            assert answer.status_code == 404, url
            assert not leaked(answer), url
        assert not leaked(made.get("/")) and not leaked(made.get("/d/2025/018/"))
    finally:
        account.departments = before
        account.save()
        for link, _ in links:
            link.unlink()
