"""What a clerk types is text on every page, in Chromium: a 三级指标 of <script>, <img onerror>, {{7*7}} or
javascript: shows as typed in the lists, the editor, the history's diff, check's messages and the review's
findings, and no script runs, no dialog opens."""

from __future__ import annotations

from tests.conftest import DEPT
from tests.test_site import form_of, project_url
from tests.test_site_browser import browser, logged_in, pytestmark, server  # noqa: F401 (fixtures)

STEM = "10-政府长聘人员经费"
TYPED = ('<script>alert("s")</script>', '<img src=x onerror=alert("i")>', "{{7*7}}", 'javascript:alert("j")',
         '"><svg onload=alert("q")>')


def test_what_is_typed_shows_as_typed_everywhere_and_runs_nothing(site, server, browser, monkeypatch):  # noqa: F811
    from django.test import Client

    # Playwright's loop runs in this thread; the test client's saves are the test's own, not the server's
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")

    from tests.conftest import PASSWORD

    content, _, _ = site
    path = content / DEPT / f"{STEM}.md"
    original = path.read_bytes()
    clerk = Client()
    assert clerk.login(username="clerk", password=PASSWORD)
    data = form_of(clerk, project_url(DEPT, STEM))
    assert len(data["name"]) >= len(TYPED)
    data["name"][: len(TYPED)] = TYPED  # the rows keep their place: the file stays valid, review reads it
    data["goal"] = "完成年度目标。" + TYPED[0] + TYPED[1]
    try:
        assert clerk.post(project_url(DEPT, STEM, "save"), data).status_code == 302
        page = logged_in(browser, server, "clerk")
        page.goto(server + project_url(DEPT, STEM))
        names = [page.locator("tr.row input[name=name]").nth(n).input_value()
                 for n in range(page.locator("tr.row").count())]
        assert all(t in names for t in TYPED), names
        assert TYPED[0] + TYPED[1] in page.locator("textarea[name=goal]").input_value()
        page.locator("tr.row input[name=value]").nth(len(names) - 1).fill("")
        page.locator(".problems .problem").first.wait_for()
        shown = [server + "/d/2025/018/", server + project_url(DEPT, STEM, "history")]
        for url in shown:
            page.goto(url)
            text = page.inner_text("body")
            if "history" in url:
                assert all(t in text for t in TYPED), (url, text[:3000])
        reviewer = logged_in(browser, server, "reviewer")
        reviewer.goto(server + "/d/2025/018/review")
        reviewer.click("button.primary")
        reviewer.wait_for_selector("pre.output")
        findings = reviewer.inner_text("pre.output")
        assert "10-政府长聘人员经费" in findings and any(t in findings for t in TYPED), findings
        for seen in (page, reviewer):
            assert not seen.dialogs, seen.dialogs
            assert seen.locator("img[src=x]").count() == 0 and seen.locator("svg").count() == 0
            assert seen.evaluate("() => document.querySelectorAll('script:not([src])').length") == 0
    finally:
        path.write_bytes(original)
        clerk.post("/d/2025/018/generate", {})
