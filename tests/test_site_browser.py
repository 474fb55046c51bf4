"""The site in a real browser (Debian's chromium driven by Playwright): edit a table, see check's message at
the field come and go, save, see the preview change, download the PDF and read the new value back."""

from __future__ import annotations

import shutil
import threading
from urllib.parse import quote

import pytest
from pypdf import PdfReader

from tests.conftest import DEPT, PASSWORD, squash

CHROMIUM = shutil.which("chromium")
STEM = "05-基层服务专项计划县配经费（司法协理员）"
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make setup installs it)")


@pytest.fixture(scope="module")
def server(site):
    """The site served by waitress from a thread of this process, for this module's tests."""
    from waitress.server import create_server

    from render.site.wsgi import application

    served = create_server(application, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{served.effective_port}"
    served.close()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def logged_in(browser, server, name: str):
    page = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000}).new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server + "/login/")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server + "/")
    page.dialogs = dialogs
    return page


def editor_url(server: str, stem: str) -> str:
    return f"{server}/p/2025/018/{quote(stem)}/"


def test_edit_check_save_preview_and_download(site, server, browser, tmp_path):
    page = logged_in(browser, server, "clerk")
    page.goto(server + "/d/2025/018/")
    page.click("text=基层服务专项计划县配经费（司法协理员）")
    first = page.locator("tr.row").nth(0)
    value = first.locator("input[name=value]")
    problems = first.locator(".problems")
    value.fill("")
    problems.locator(".problem").wait_for()
    assert "绩效值" in problems.inner_text() and "空" in problems.inner_text()
    assert "绩效值" in page.inner_text("#all-problems")  # the list under the form follows too
    value.fill("≥27人（网页）")
    problems.locator(".problem").wait_for(state="detached")
    assert "绩效值" not in page.inner_text("#all-problems")
    before = page.locator(".preview img").first.get_attribute("src")
    before_png = page.request.get(server + "/p/2025/018/" + quote(STEM) + "/" + before).body()
    page.evaluate("window.sameDocument = true")
    page.click("button.primary")
    page.wait_for_selector("#saved")
    assert "已重新生成" in page.inner_text("#saved")
    assert page.inner_text("#save-state") == page.inner_text("#saved")  # said beside the button too
    assert page.evaluate("window.sameDocument") is True  # saved by the script: only the preview's images replaced
    image = page.locator(".preview img").first
    assert image.get_attribute("src") != before
    assert image.evaluate("i => i.decode().then(() => i.naturalWidth)") > 0
    after_png = page.request.get(server + "/p/2025/018/" + quote(STEM) + "/" + image.get_attribute("src")).body()
    assert after_png != before_png
    with page.expect_download() as download:
        page.click("text=下载 PDF")
    saved = tmp_path / "table.pdf"
    download.value.save_as(saved)
    assert "≥27人（网页）" in squash("".join(p.extract_text() for p in PdfReader(saved).pages))
    assert not page.dialogs


def test_a_clerk_is_refused_another_departments_pages_and_files(site, server, browser):
    content, _, _ = site
    page = logged_in(browser, server, "clerk")
    assert "民政局" not in page.content()
    other = sorted((content / "2025/019-平罗县民政局").glob("*.md"))[0].stem
    for url in ("/d/2025/019/", "/d/2025/019/volume.pdf", f"/p/2025/019/{quote(other)}/",
                f"/p/2025/019/{quote(other)}/table.pdf", f"/p/2025/019/{quote(other)}/page-1.png"):
        answer = page.request.get(server + url)
        assert answer.status == 404, url
        assert "民政" not in answer.text()


def test_a_conflicting_save_keeps_both_versions(site, server, browser):
    content, _, _ = site
    path = content / DEPT / "06-基层服务专项计划县经费（司法协理员）.md"
    page = logged_in(browser, server, "clerk")
    page.goto(editor_url(server, path.stem))
    theirs = path.read_text(encoding="utf-8").replace("20人", "21人（编辑器）")
    path.write_text(theirs, encoding="utf-8")
    page.locator("tr.row input[name=value]").nth(0).fill("22人（网页）")
    page.click("button.primary")
    page.wait_for_selector(".conflict")
    assert "21人（编辑器）" in page.inner_text(".conflict .theirs")
    assert "22人（网页）" in page.inner_text(".conflict .mine")
    assert path.read_text(encoding="utf-8") == theirs


def test_what_is_typed_is_shown_as_text_and_runs_nothing(site, server, browser):
    page = logged_in(browser, server, "clerk")
    page.goto(editor_url(server, "07-普法宣传教育经费、人民调解“以案定补”等专项经费"))
    hostile = '<img src=x onerror=alert(1)><script>alert(2)</script>{{7*7}}'
    page.locator("tr.row input[name=name]").nth(0).fill(hostile)
    page.click("button.primary")
    page.wait_for_selector("#saved")
    assert page.locator("tr.row input[name=name]").nth(0).input_value() == hostile
    assert page.locator("img[src=x]").count() == 0
    assert not page.dialogs


def test_a_row_moved_up_is_saved_in_its_new_place(site, server, browser):
    content, _, _ = site
    path = content / DEPT / "04-安置帮教工作经费22万元，社区矫正工作经费12万元.md"
    page = logged_in(browser, server, "clerk")
    page.goto(editor_url(server, path.stem))
    second = page.locator("tr.row").nth(1)
    name = second.locator("input[name=name]").input_value()
    second.locator("button.up").click()
    assert page.locator("tr.row input[name=name]").nth(0).input_value() == name
    page.click("button.primary")
    page.wait_for_selector("#saved")
    rows = [line for line in path.read_text(encoding="utf-8").split("\n") if line.startswith("| 1-产出指标")]
    assert name in rows[0]


def test_pasted_tables_import_and_the_new_project_opens_in_the_editor(site, server, browser):
    from tests.test_site_uploads import pasted

    content, _, _ = site
    name = "浏览器里粘贴导入的项目"
    page = logged_in(browser, server, "clerk")
    page.goto(server + "/d/2025/018/")
    page.click("text=导入")
    page.fill("textarea[name=text]", pasted("018-平罗县司法局", name))
    page.click("button.primary")
    page.wait_for_selector("ul.made a")
    assert "导入：写出 1 个文件" in page.inner_text("pre.output")
    page.click(f"ul.made a:has-text('{name}')")
    page.wait_for_selector("#editor")
    assert page.locator("input[name=项目名称]").input_value() == name
    path = next((content / DEPT).glob(f"*-{name}.md"))
    page.goto(server + "/d/2025/018/")
    assert name in page.inner_text("table.list")
    assert not page.dialogs
    from django.test import Client

    from tests.test_site_uploads import thrown_away

    def away():  # Django's ORM refuses the thread Playwright's event loop runs in
        client = Client()
        client.login(username="clerk", password=PASSWORD)
        thrown_away(client, path)

    cleaner = threading.Thread(target=away)
    cleaner.start()
    cleaner.join()
    assert not path.exists()


def test_department_info_is_checked_while_typing_and_the_archivist_fills_the_archive_fields(site, server, browser):
    page = logged_in(browser, server, "clerk")
    page.goto(server + "/d/2025/018/info")
    date = page.locator("input[name=编制日期]")
    problems = page.locator(".problems[data-for=编制日期]")
    date.fill("2025年13月")
    problems.locator(".problem").wait_for()
    assert problems.inner_text() == "“2025年13月”不是日期，应写作 2025-01-20"
    date.fill("2025-01-20")
    problems.locator(".problem").wait_for(state="detached")
    assert page.locator("input[name=全宗号]").get_attribute("readonly") is not None
    archivist = logged_in(browser, server, "archivist")
    archivist.goto(server + "/d/2025/018/info")
    assert archivist.locator("input[name=部门名称]").get_attribute("readonly") is not None
    archivist.locator("input[name=全宗号]").fill("J 012")
    archivist.locator(".problems[data-for=全宗号] .problem").wait_for()
    assert not page.dialogs and not archivist.dialogs
