"""Bad paper is refused: a glyph the font lacks, any WeasyPrint warning, a fetch outside the project,
a missing font or subsetter. Never a PDF with boxes."""

import re
import subprocess
import sys

import pytest
from conftest import department_file, project_file, run_build

from render.resources import ROOT
from render.typeset import fonts
from render.typeset import layout as pdf


def test_a_character_the_font_cannot_draw_stops_that_table_only(tmp_path):
    folder = tmp_path / "content" / "2025" / "901-测试局"
    department_file(folder, "901", "测试局")
    rows = [("1-产出指标", "11-数量指标", "培训人次😀", "≥100人次")]
    project_file(folder, "01-有表情符号", "有表情符号的项目", "901-测试局", "1", rows)
    project_file(folder, "02-正常项目", "正常项目", "901-测试局", "2", rows[:0] + [("1-产出指标", "11-数量指标", "培训", "1次")])
    out = tmp_path / "dist"
    result = run_build("--content", str(tmp_path / "content"), "--out", str(out), "--jobs", "1")
    assert result.returncode == 1
    assert "01-有表情符号.md:19: 三级指标: 含有字体 Noto Serif CJK SC 无法显示的字符" in result.stdout
    assert "U+1F600" in result.stdout
    assert not list(out.rglob("01-*.pdf")) and list(out.rglob("02-*.pdf"))
    assert not [p for p in out.rglob("*.pdf") if "部门项目" in p.name]  # no volume with a table missing


def test_any_weasyprint_warning_fails_the_layout():
    with pytest.raises(pdf.RenderError):
        pdf.document('<html lang="zh-CN"><body style="text-spacing: auto; colour: red">文字</body></html>')


def test_a_weasyprint_warning_reads_in_chinese_with_its_words_only_under_debug(monkeypatch):
    with pytest.raises(pdf.RenderError) as caught:
        pdf.document('<html lang="zh-CN"><body><p style="width: -1.3mm">文字</p></body></html>')
    assert "排版程序报告了问题" in str(caught.value) and "--debug" in str(caught.value)
    assert not re.search("[A-Za-z]{3,}", str(caught.value).replace("--debug", ""))
    assert "Ignored" in caught.value.detail
    from render import state

    monkeypatch.setenv(state.DEBUG, "1")  # as --debug sets it
    assert "Ignored `width: -1.3mm`" in str(caught.value)


def test_no_fetch_outside_the_project():
    with pytest.raises(pdf.RenderError) as caught:
        pdf.document('<html lang="zh-CN"><body><img src="file:///etc/passwd"></body></html>')
    assert "拒绝读取外部资源" in caught.value.detail
    with pytest.raises(pdf.RenderError):
        pdf.document('<html lang="zh-CN"><body><img src="http://example.com/x.png"></body></html>')


def test_a_missing_subsetter_or_font_is_named(monkeypatch):
    import weasyprint.text.ffi as ffi

    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    fonts._has_harfbuzz_subset.cache_clear()  # an earlier test in this process asked already
    assert any("libharfbuzz-subset0" in str(p) for p in fonts.preflight())
    monkeypatch.undo()
    fonts._has_harfbuzz_subset.cache_clear()
    fonts.font_file.cache_clear()
    monkeypatch.setattr(fonts, "FONT_FAMILY", "No Such Family SC")
    assert any("fonts-noto-cjk" in str(p) for p in fonts.preflight())
    fonts.font_file.cache_clear()


def test_a_font_other_than_the_embedded_face_is_refused():
    doc = pdf.document('<html lang="zh-CN"><body style="font-family: sans-serif">abc 文字</body></html>')
    with pytest.raises(pdf.RenderError, match="以外的字体"):
        pdf.write(doc)


def test_a_volume_title_the_faces_cannot_print_is_refused_by_check_at_its_line(tmp_path):
    """Such a 册名 once reached the frame's layout, which refused it (the guard above); `check` now names it
    at its line and field, as it names a project file's, and nothing of the department is laid out."""
    folder = tmp_path / "content" / "2025" / "901-测试局"
    department_file(folder, "901", "测试局", extra="册名: 测试局😀装订册\n")
    project_file(folder, "01-项目", "项目", "901-测试局", "1", [("1-产出指标", "11-数量指标", "培训", "1次")])
    out = tmp_path / "dist"
    result = run_build("--content", str(tmp_path / "content"), "--out", str(out), "--jobs", "1")
    assert result.returncode == 1
    line = next(n for n, text in enumerate((folder / "部门.yml").read_text(encoding="utf-8").splitlines(), 1)
                if text.startswith("册名"))
    assert f"部门.yml:{line}: 册名" in result.stdout and "U+1F600" in result.stdout, result.stdout
    assert "无法正确排版" not in result.stdout and not list(out.rglob("*.pdf"))


def test_a_character_outside_the_shipped_gb2312_face_prints_from_the_full_face():
    doc = pdf.document('<html lang="zh-CN"><body>王堃和张喆的项目</body></html>')
    pdf.write(doc)
    assert {f.family for f in doc.fonts.values()} == {fonts.FONT_FAMILY, fonts.FAST_FAMILY}


IMPORT_PROBE = """
import ctypes.util, sys
searches = []
search = ctypes.util.find_library
ctypes.util.find_library = lambda name: searches.append(name) or search(name)
if sys.argv[1] == "plain names fail":
    import cffi.api
    load = cffi.api._load_backend_lib
    def refuse_plain_names(backend, name, flags):
        if ".so" in name and not searches:
            raise OSError("dlopen cannot find " + name)
        return load(backend, name, flags)
    cffi.api._load_backend_lib = refuse_plain_names
from render.typeset import layout as pdf
import weasyprint.text.ffi as ffi
print(len(searches), ffi.pango is not None, ffi.harfbuzz_subset is not None)
"""


def test_weasyprint_loads_without_the_library_search_and_with_it_when_needed():
    """The search (ldconfig, gcc, ld for each name) costs 0.3 s a worker; where dlopen alone cannot find
    the libraries, the build must still start, quietly."""
    def probe(case):
        return subprocess.run([sys.executable, "-c", IMPORT_PROBE, case], capture_output=True, text=True,
                              cwd=ROOT, check=True).stdout

    assert probe("usual") == "0 True True\n"
    searched, pango, subset = probe("plain names fail").split()
    assert int(searched) > 0 and pango == subset == "True"


def test_a_warning_in_the_stylesheet_fails_every_table_not_only_the_first(tmp_path, monkeypatch):
    """The stylesheet is parsed once per worker; were it cached with its warning, later tables would pass."""
    (tmp_path / "form.css").write_text("td { colour: red }", encoding="utf-8")
    monkeypatch.setattr(pdf, "STYLES", tmp_path)
    pdf.stylesheet.cache_clear()
    try:
        for _ in range(2):
            with pytest.raises(pdf.RenderError) as caught:
                pdf.document('<html lang="zh-CN"><body>文字</body></html>')
            assert "colour" in caught.value.detail
    finally:
        pdf.stylesheet.cache_clear()
