"""The site's 部门信息 through Django's test client: who fills which of 部门.yml's fields (the 档案员 the
archive's, in every department, and nothing else; the 填报员 the others, of their own), and check's messages
while typing; and the editor's 保存 answered to its script without a page."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest

from tests.conftest import DEPT, OTHER

ARCHIVE = {"全宗号": "J012", "全宗名称": "平罗县民政局", "机构或问题": "BGS", "保管期限": "永久", "密级": "公开"}


@pytest.fixture
def department_file(site):
    """019's 部门.yml, put back as it was after the test."""
    content, _, _ = site
    path = content / OTHER / "部门.yml"
    original = path.read_bytes()
    yield path
    path.write_bytes(original)


def form_of(page: str) -> tuple[str, dict[str, str]]:
    base = re.search(r'name="base" value="([0-9a-f]+)"', page).group(1)
    return base, dict(re.findall(r'<input name="([^"]+)" value="([^"]*)"', page))


def test_the_archivist_fills_only_the_archive_fields_of_any_department(site, client_for, department_file):
    archivist = client_for("archivist")
    page = archivist.get("/d/2025/019/info").content.decode()
    base, values = form_of(page)
    assert re.search(r'<input name="全宗号" value="">', page)  # the archive's: open to the archivist
    assert re.search(r'<input name="部门名称" value="平罗县民政局" readonly>', page)
    answer = archivist.post("/d/2025/019/info/save", {**values, **ARCHIVE, "部门名称": "改名局", "编制单位": "档案室改的",
                                                      "base": base})
    assert answer.status_code == 302
    text = department_file.read_text(encoding="utf-8")
    assert "全宗号: J012" in text and "保管期限: 永久" in text
    assert "部门名称: 平罗县民政局" in text and "档案室改的" not in text  # the department's fields, as they were
    for url in ("/d/2025/019/new", "/d/2025/019/import", "/d/2025/019/answers/save", "/d/2025/019/generate",
                f"/p/2025/019/{quote(next(department_file.parent.glob('01-*.md')).stem)}/save"):
        assert archivist.post(url, {"name": "x", "base": "0"}).status_code == 404, url
    assert department_file.read_text(encoding="utf-8") == text


def test_the_clerk_cannot_change_the_archive_fields_nor_restore_over_them(site, client_for, department_file):
    other, archivist = client_for("other"), client_for("archivist")
    base, values = form_of(archivist.get("/d/2025/019/info").content.decode())
    assert archivist.post("/d/2025/019/info/save", {**values, **ARCHIVE, "base": base}).status_code == 302
    page = other.get("/d/2025/019/info").content.decode()
    base, values = form_of(page)
    assert re.search(r'<input name="全宗号" value="J012" readonly>', page) and "由档案室填写" in page
    answer = other.post("/d/2025/019/info/save", {**values, "全宗号": "X999", "密级": "", "编制单位": "民政局办公室",
                                                  "base": base})
    assert answer.status_code == 302
    text = department_file.read_text(encoding="utf-8")
    assert "编制单位: 民政局办公室" in text and "全宗号: J012" in text and "密级: 公开" in text
    history = other.get("/d/2025/019/info/history").content.decode()  # the oldest: before the archivist's save
    oldest = re.findall(r'action="([^"]*/info/restore/\d+)"', history)[-1]
    current = re.search(r'name="base" value="([0-9a-f]+)"', history).group(1)
    assert other.post(oldest, {"base": current}).status_code == 302
    text = department_file.read_text(encoding="utf-8")
    assert "民政局办公室" not in text and "全宗号: J012" in text  # the clerk's fields put back, the archive's kept
    assert client_for("reviewer").post("/d/2025/019/info/save", {**values, "base": base}).status_code == 404


def test_the_info_page_checks_while_typing_in_checks_words(site, client_for):
    client = client_for("clerk")
    _, values = form_of(client.get("/d/2025/018/info").content.decode())
    answer = client.post("/d/2025/018/info/check", {**values, "编制日期": "2025年13月"})
    problems = json.loads(answer.content)["problems"]
    assert [(p["field"], p["message"], p["severity"]) for p in problems] == [
        ("编制日期", "“2025年13月”不是日期，应写作 2025-01-20", "error")]
    assert json.loads(client.post("/d/2025/018/info/check", values).content)["problems"] == []
    mismatch = json.loads(client.post("/d/2025/018/info/check", {**values, "合计": "1.00"}).content)["problems"]
    assert mismatch and mismatch[0]["field"] == "合计" and "与各项目年度金额之和" in mismatch[0]["message"]
    emoji = json.loads(client.post("/d/2025/018/info/check", {**values, "编制单位": "司法局😀"}).content)["problems"]
    assert [(p["field"], p["severity"]) for p in emoji] == [("编制单位", "error")] and "U+1F600" in emoji[0]["message"]
    assert client_for("other").post("/d/2025/018/info/check", values).status_code == 404
    assert client_for("reviewer").post("/d/2025/018/info/check", values).status_code == 404


def test_a_save_from_the_editors_script_answers_the_new_preview_without_a_page(site, client_for):
    from render.site.listing import digest

    content, _, _ = site
    path = sorted((content / DEPT).glob("0[2-5]-*.md"))[0]
    client = client_for("clerk")
    url = f"/p/2025/018/{quote(path.stem)}/"
    page = client.get(url).content.decode()
    base = re.search(r'name="base" value="([0-9a-f]+)"', page).group(1)
    from tests.test_site import form_of as editor_form

    form = {**editor_form(client, url), "goal": "网页脚本保存的目标。"}
    answer = client.post(url + "save", form, HTTP_ACCEPT="application/json")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/json"
    said = json.loads(answer.content)
    assert said["base"] == digest(path.read_bytes()) != base and "网页脚本保存的目标" in path.read_text(encoding="utf-8")
    assert said["pages"] == [f"page-1.png?v={said['base'][:12]}"] and "已重新生成" in said["notice"]
    assert client.get(url + said["pages"][0]).status_code == 200
    draft = client.post(url + "save", {**form, "项目名称": "", "base": said["base"]}, HTTP_ACCEPT="application/json")
    assert "有 1 个错误，这张表的 PDF 未重新生成" in json.loads(draft.content)["notice"]  # as the build found it
    base = json.loads(draft.content)["base"]
    assert json.loads(client.post(url + "save", {**form, "base": base}, HTTP_ACCEPT="application/json").content)["base"]
    stale = client.post(url + "save", form, HTTP_ACCEPT="application/json")  # the page's old base: refused
    assert stale.status_code == 409 and stale["Content-Type"].startswith("text/html") and "conflict" in stale.content.decode()


@pytest.mark.parametrize(("before", "after", "field"), [("年度: 2025", "年度: 二〇二五", "年度"),
                                                     ("部门名称: 平罗县民政局", "部门名称: 平罗县民政局\n编制单位: 民政局😀", "编制单位")])
def test_a_department_file_with_an_error_is_named_on_every_line_it_stops(site, client_for, department_file,
                                                                         before, after, field):
    """部门.yml with an error stops every table of the department (one `load` finds, or a text the faces
    cannot print, which the layout's check finds): each line says where the error is, not 无 beside 有错误,
    and the error itself is listed above."""
    department_file.write_text(department_file.read_text(encoding="utf-8").replace(before, after), encoding="utf-8")
    page = client_for("archivist").get("/d/2025/019/").content.decode()
    rows = re.findall(r"<tr>\s*<td>\d+</td>(.*?)</tr>", page, re.S)
    assert rows and all("部门信息有错误" in r and "有错误" in r and ">无<" not in r for r in rows), rows
    assert "部门.yml:" in page and f": {field}: " in page
