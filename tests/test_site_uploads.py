"""The site's 导入, 部门信息, 部门反馈 and a package's intake check, through Django's test client: each runs what
the command line runs, within the department the page is for, and leaves no upload behind."""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from tests.conftest import DEPT, OTHER

NEW = "网页导入的测试项目"


@pytest.fixture
def no_leftovers(monkeypatch):
    """No upload, pasted text or scratch import folder the test made is left in the temp folder: those this
    process makes are followed by name, as another test running beside it (pytest-xdist) makes its own."""
    made = []
    real = tempfile.mkdtemp

    def followed(*args, **kwargs):
        made.append(Path(real(*args, **kwargs)))
        return str(made[-1])

    monkeypatch.setattr(tempfile, "mkdtemp", followed)  # TemporaryDirectory makes its folder by it too
    yield
    assert not [p for p in made if p.name.startswith("mubiao-") and p.exists()]


def thrown_away(client, path: Path) -> None:
    """A project a test made, deleted through the site and out of the 回收站 too: other tests read the
    department's page."""
    from render.site.models import Version

    client.post(f"/p/2025/{path.parent.name.split('-')[0]}/{quote(path.stem)}/delete")
    assert not path.exists()
    Version.objects.filter(source__endswith=f"/{path.name}", kind="删除").delete()


def pasted(department: str, name: str, amount: str = "6") -> str:
    """One table as it is copied from the budget system: tab-separated, the form's rows."""
    code = department.split("-")[0]
    return "\n".join([
        "部门项目支出预算绩效目标表", "", "单位：万元", "",
        f"项目名称\t{name}\t\t\t", f"主管部门\t{department}\t实施单位\t{code}001-{department.split('-')[1]}本级\t",
        "项目属性\t\t项目期限\t1年\t", f"项目主管处室\t05-行政教科室\t项目年度金额\t{amount}\t",
        "年度总体绩效目标\t目标1：2025年完成网页导入测试的各项工作，服务群众不少于10件。\t\t\t",
        "一级指标\t二级指标\t三级指标\t绩效值\t",
        "1-产出指标\t11-数量指标\t网页导入的件数\t≥10件\t",
        "3-满意度指标\t31-服务对象满意度\t群众满意度\t≥90%\t", ""])


def test_pasted_text_imports_as_the_command_does_and_opens_in_the_editor(site, client_for, no_leftovers):
    content, out, _ = site
    client = client_for("clerk")
    page = client.post("/d/2025/018/import", {"text": pasted("018-平罗县司法局", NEW)}).content.decode()
    path = content / DEPT / f"11-{NEW}.md"
    assert path.is_file() and "项目年度金额: 6" in path.read_text(encoding="utf-8")
    assert f"写出：{DEPT}/11-{NEW}.md" in page and "导入：写出 1 个文件" in page
    assert str(content) not in page  # the server's folders are not the clerk's business
    editor = f"/p/2025/018/{quote(f'11-{NEW}')}/"
    assert editor in page and client.get(editor).status_code == 200
    assert (out / DEPT / f"11-{NEW}.pdf").is_file()  # rebuilt with its department
    from render.site.models import Version

    assert Version.objects.filter(source=f"{DEPT}/11-{NEW}.md", kind="导入", author="clerk").exists()
    listed = client.get("/d/2025/018/").content.decode()
    assert re.search(rf"{NEW}.*?已生成.*?clerk", listed, re.S)
    again = client.post("/d/2025/018/import", {"text": pasted("018-平罗县司法局", NEW)}).content.decode()
    assert "已存在，未覆盖" in again and "写出 0 个文件" in again
    thrown_away(client, path)


def test_an_uploaded_workbook_imports_under_a_name_of_the_sites_own(site, client_for, no_leftovers):
    from openpyxl import Workbook

    content, _, _ = site
    book = Workbook()
    for line in pasted("018-平罗县司法局", NEW + "乙").split("\n"):
        book.active.append(line.split("\t"))
    data = io.BytesIO()
    book.save(data)
    upload = io.BytesIO(data.getvalue())
    upload.name = "../../../逃出去.xlsx"
    page = client_for("clerk").post("/d/2025/018/import", {"file": upload}).content.decode()
    assert "写出 1 个文件" in page and "逃出去" not in page
    made = content / DEPT / f"11-{NEW}乙.md"
    assert made.is_file()
    assert not list(content.parent.rglob("逃出去*")) and not list(Path(tempfile.gettempdir()).glob("逃出去*"))
    thrown_away(client_for("clerk"), made)


def test_a_table_of_another_department_is_refused_and_nothing_is_written(site, client_for, no_leftovers):
    content, _, _ = site
    before = sorted(p.relative_to(content) for p in content.rglob("*"))
    for department in ("019-平罗县民政局", "020-某个新部门", "018-司法局"):
        page = client_for("clerk").post("/d/2025/018/import", {"text": pasted(department, NEW)}).content.decode()
        assert "未导入" in page and f"2025/{department}" in page, department
    assert sorted(p.relative_to(content) for p in content.rglob("*")) == before


def test_an_upload_past_its_limit_or_an_xlsx_bomb_is_refused_before_it_is_read(site, client_for, monkeypatch,
                                                                                no_leftovers):
    from render.site import uploads
    from render.source import limits

    client = client_for("clerk")
    monkeypatch.setattr(uploads, "LARGEST", 4000)  # past it, the upload stops as it arrives
    big = io.BytesIO(b"x" * 9000)
    big.name = "big.txt"
    answer = client.post("/d/2025/018/import", {"file": big})
    assert answer.status_code == 413 and "上限" in answer.content.decode()
    monkeypatch.setattr(uploads, "LARGEST", limits.PACKAGE_UPLOAD_BYTES)
    monkeypatch.setattr(limits, "FILE_BYTES", 1000)  # the import's own limit, checked before anything is read
    small = io.BytesIO(b"y" * 2000)
    small.name = "table.txt"
    answer = client.post("/d/2025/018/import", {"file": small})
    assert answer.status_code == 413 and "超过 1,000 字节 的上限" in answer.content.decode()
    monkeypatch.undo()
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (limits.XLSX_BYTES + limits.MB))
    bomb = io.BytesIO(bomb.getvalue())
    bomb.name = "bomb.xlsx"
    page = client.post("/d/2025/018/import", {"file": bomb}).content.decode()
    assert "解压后有 21 MB，超过 20 MB 的上限" in page and "写出 0 个文件" in page


def test_department_info_shows_checks_message_at_the_field_refuses_a_stale_save_and_restores(site, client_for):
    content, out, _ = site
    path = content / DEPT / "部门.yml"
    original = path.read_bytes()
    client = client_for("clerk")
    page = client.get("/d/2025/018/info").content.decode()
    base = re.search(r'name="base" value="([0-9a-f]+)"', page).group(1)
    values = dict(re.findall(r'<input name="([^"]+)" value="([^"]*)"', page))
    assert values["部门名称"] == "平罗县司法局" and values["编制日期"] == "2025-01-20"
    from render.source.importer import department_text

    assert department_text(values) == original.decode("utf-8")  # the seed's file, written back, is the same bytes
    answer = client.post("/d/2025/018/info/save", {**values, "编制日期": "2025年13月", "base": base})
    assert answer.status_code == 302
    assert "编制日期: 2025年13月" in path.read_text(encoding="utf-8")
    page = client.get(answer["Location"]).content.decode()
    field = re.search(r"<th>编制日期</th>(.*?)</tr>", page, re.S).group(1)
    assert "不是日期，应写作 2025-01-20" in field and "has-error" in field
    stale = client.post("/d/2025/018/info/save", {**values, "编制单位": "网页上改的", "base": base})
    assert stale.status_code == 409 and "网页上改的" in stale.content.decode()
    assert "网页上改的" not in path.read_text(encoding="utf-8")
    history = client.get("/d/2025/018/info/history").content.decode()
    assert "未保存（冲突）" in history and "原有" in history
    oldest = re.findall(r'action="([^"]*/info/restore/\d+)"', history)[-1]
    current = re.search(r'name="base" value="([0-9a-f]+)"', history).group(1)
    assert client.post(oldest, {"base": current}).status_code == 302
    assert path.read_bytes() == original
    assert client_for("other").get("/d/2025/018/info").status_code == 404
    assert client_for("reviewer").post("/d/2025/018/info/save", {**values, "base": base}).status_code == 404
    reader = client_for("reviewer").get("/d/2025/018/info").content.decode()
    assert "readonly" in reader and "保存</button>" not in reader


def test_the_department_answers_findings_the_reviewer_reads_them_and_review_carries_them(site, client_for):
    content, out, _ = site
    page = client_for("other").get("/d/2025/019/answers").content.decode()
    said = re.findall(r'name="file" value="([^"]*)"><input type="hidden" name="rule" value="([^"]*)">'
                      r'<input type="hidden" name="said" value="([^"]*)">', page)
    assert said, page
    import html

    file, rule, message = (html.unescape(x) for x in said[0])
    base = re.search(r'name="base" value="([0-9a-f]+)"', page).group(1)
    answer = "已按意见修改：<b>补充</b>了数量指标。"
    form = {"base": base, "file": [file, "01-伪造的.md"], "rule": [rule, "X"], "said": [message, "伪造"],
            "answer": [answer, "不该存下"]}
    assert client_for("other").post("/d/2025/019/answers/save", form).status_code == 302
    written = (content / OTHER / "反馈.yml").read_text(encoding="utf-8")
    assert "补充" in written and "伪造" not in written
    assert client_for("other").post("/d/2025/019/answers/save", form).status_code == 409  # opened before the save
    shown = client_for("reviewer").get("/d/2025/019/answers").content.decode()
    assert "已按意见修改：&lt;b&gt;补充&lt;/b&gt;了数量指标。" in shown and "<textarea" not in shown
    assert client_for("reviewer").post("/d/2025/019/answers/save", form).status_code == 404
    assert client_for("clerk").get("/d/2025/019/answers").status_code == 404
    client_for("reviewer").post("/d/2025/019/review")
    found = [[c.value for c in row] for row in load_workbook(out / OTHER / "审核意见.xlsx").active.iter_rows()]
    at = next(n for n, row in enumerate(found) if row[0] == "序号")  # under the opinion's title and issuer
    rows = [dict(zip(found[at], row, strict=True)) for row in found[at + 1:] if row[0] is not None]
    (content / OTHER / "反馈.yml").unlink()  # the department's folder as the other tests know it
    mine = [r for r in rows if (r["规则编号"], r["意见"]) == (rule, message)]
    assert [r["部门反馈"] for r in mine if Path(r["文件"]).name == file] == [answer]  # the one answered, not its twin
    assert all(r["部门反馈"] is None for r in rows if r not in mine or Path(r["文件"]).name != file)


def test_the_archivist_checks_an_uploaded_package_and_nothing_of_it_is_kept(site, client_for, no_leftovers, three_packed):
    packages = sorted(three_packed.glob("*.zip"))  # a package from elsewhere: three of the seed's tables
    assert packages
    client = client_for("archivist")
    upload = io.BytesIO(packages[0].read_bytes())
    upload.name = "../" + packages[0].name
    page = client.post("/archive/check", {"package": upload}).content.decode()
    assert "四性检测通过" in page and "mubiao-upload" not in page, page
    junk = io.BytesIO(b"PK\x03\x04 not a zip at all")
    junk.name = "junk.zip"
    answer = client.post("/archive/check", {"package": junk})
    assert answer.status_code == 200 and "未通过" in answer.content.decode()
    for name in ("clerk", "reviewer"):
        assert client_for(name).post("/archive/check", {"package": io.BytesIO(b"x")}).status_code == 403
    assert client.get("/archive/check").status_code == 405


def test_the_department_pages_total_is_the_volumes_and_each_state_follows_its_file(site, client_for):
    import subprocess

    content, out, _ = site
    client = client_for("clerk")

    def lines() -> dict[str, tuple[str, ...]]:
        page = client.get("/d/2025/018/").content.decode()
        rows = re.findall(r"<tr>\s*<td>\d+</td>(.*?)</tr>", page, re.S)
        cells = [tuple(re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)) for r in rows]
        total = re.search(r"<th>合计</th><th class=\"num\">([^<]*)</th>", page).group(1)
        return {c[0]: c for c in cells} | {"合计": (total, "不含有错误的项目" in page)}

    # the double-sided volume: not a table, a variant (…（单面）) or the 审核意见 another test may have made
    volume = next((out / DEPT).glob("*部门项目支出预算绩效目标表.pdf"))
    printed = subprocess.run(["pdftotext", "-layout", str(volume), "-"], capture_output=True,
                             text=True, check=True).stdout
    seen = lines()
    assert re.search(rf"合计\s+{re.escape(seen['合计'][0])}\s*$", printed, re.M), printed
    assert {c[3] for name, c in seen.items() if name != "合计"} == {"已生成"} and not seen["合计"][1]
    stale = content / DEPT / "03-2025年全区社区矫正经费.md"
    broken = content / DEPT / "02-2025年全区法律援助案件补助经费.md"
    kept = {p: p.read_bytes() for p in (stale, broken)}
    try:
        stale.write_bytes(kept[stale].replace("≥".encode(), "＞".encode(), 1))  # behind the site's back, not rebuilt
        broken.write_bytes(kept[broken].replace("项目年度金额: 35".encode(), "项目年度金额: 三十五".encode()))
        seen = lines()
        assert seen["2025年全区社区矫正经费"][3] == "需重新生成"
        assert [c[3] for name, c in seen.items() if "2025年全区法律援助" in name] == ["有错误"]  # named by its file
        assert seen["合计"] == ("285.43", True)  # 320.43 less the 35 of the table with an error
    finally:
        for path, data in kept.items():
            path.write_bytes(data)
    assert lines()["2025年全区社区矫正经费"][3] == "已生成"


def test_saves_waiting_for_a_build_are_made_by_one_build_that_began_after_them(site, monkeypatch):
    import threading

    from render.site import building

    content, _, _ = site
    made = []
    monkeypatch.setattr(building, "_build", lambda folder, *variant: made.append(folder) or f"built {folder}")
    folders = [content / DEPT, content / OTHER, content / DEPT]
    answers = {}
    with building._turn:  # a build under way
        threads = [threading.Thread(target=lambda n=n: answers.update({n: building.rebuild(folders[n])})) for n in range(3)]
        for t in threads:
            t.start()
        while len(building._waiting) < 3:  # all three asked while it runs
            threading.Event().wait(0.01)
    for t in threads:
        t.join()
    assert made == [None] and set(answers.values()) == {"built None"}  # one build of both departments
    assert building.rebuild(content / DEPT) == f"built {content / DEPT}" and len(made) == 2  # alone: its department
