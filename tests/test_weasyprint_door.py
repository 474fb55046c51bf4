"""WeasyPrint's internals are used through one door (render/typeset/weasy.py): each touch point is still
there, and no other module reaches past WeasyPrint's public API (docs/weasyprint.md, "Through one door")."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import zlib
from pathlib import Path

import pydyf
import pytest

from render.typeset import layout, weasy

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "tests" / "data" / "content"
DOOR = ROOT / "render" / "typeset" / "weasy.py"
SECTION = "docs/weasyprint.md, “Through one door”"


def _gone(touch: str, what: str) -> str:
    return f"WeasyPrint touch point `{touch}` is gone ({what}): see {SECTION}, {touch}"


def _ffi():
    return importlib.import_module(weasy.FFI_MODULE)


def check_import_fast():
    source = inspect.getsource(_ffi())
    assert hasattr(_ffi(), "_dlopen"), _gone("import_fast", "weasyprint.text.ffi._dlopen")
    for plain in ("libpango-1.0.so.0", "libharfbuzz.so.0", "libfontconfig.so.1"):
        assert f"'{plain}'" in source, _gone("import_fast", f"the plain file name {plain} among the names tried")


def check_harfbuzz_subset_loaded():
    assert hasattr(_ffi(), "harfbuzz_subset"), _gone("harfbuzz_subset_loaded", "weasyprint.text.ffi.harfbuzz_subset")
    assert weasy.harfbuzz_subset_loaded() is True, _gone("harfbuzz_subset_loaded", "it answers True here")


def check_warm_c_types():
    assert hasattr(_ffi(), "ffi") and hasattr(_ffi().ffi, "typeof"), _gone("warm_c_types", "weasyprint.text.ffi.ffi")
    weasy.warm_c_types(("PangoFcFontMap *", "hb_tag_t[100]"))
    assert hasattr(_ffi().ffi, "_parsed_types") and hasattr(_ffi().ffi, "_backend"), _gone(
        "warm_c_types", "the ffi's _parsed_types and _backend")
    weasy.warm_array_types("hb_codepoint_t", 3)
    assert _ffi().ffi.typeof("hb_codepoint_t[3]") is _ffi().ffi._backend.new_array_type(
        _ffi().ffi.typeof("hb_codepoint_t *"), 3), _gone("warm_c_types", "one array type per item and length")


def _doc(html: str):
    return layout.weasyprint.HTML(string=html).render(font_config=layout.font_config())


def check_drop_anchors():
    html = '<body><p id="row-r0-0-0">甲</p><p id="kept">乙</p></body>'
    assert b"/Dests" in _doc(html).write_pdf(uncompressed_pdf=True), _gone("drop_anchors", "anchors written as named destinations")
    doc = _doc(html)
    weasy.drop_anchors(doc, "row-")
    data = doc.write_pdf(uncompressed_pdf=True)
    assert b"(row-r0-0-0)" not in data and b"(kept)" in data, _gone("drop_anchors", "write_pdf reading Page.anchors")


def check_user_agent_sheet():
    """styles/ua.css in WeasyPrint's place prints the same bytes: a table and a volume's frame of the seed,
    with every element the templates make (the chart's SVG and the draft mark's among them)."""
    from render.produce import tasks
    from render.produce.plan import Options, plan, source_base
    from render.source import load
    from render.typeset import markup

    styles = importlib.import_module("weasyprint.css")
    assert "html._ua_stylesheets(" in inspect.getsource(styles.get_all_computed_styles), _gone(
        "user_agent_sheet", "get_all_computed_styles asking HTML._ua_stylesheets")
    content, _ = load.load(CONTENT, source_base(CONTENT))
    projects, volumes, _ = plan(content, [], Options(CONTENT, ROOT / "unused"), source_base(CONTENT))
    env, volume = tasks.environment(), volumes[0]
    pages = tuple(2 if n % 3 == 0 else 1 for n in range(len(volume.projects)))
    htmls = [markup.project_html(env, projects[0].project, frozenset(), "2025-01-20", "征求意见稿"),
             markup.volume_html(env, volume.department, pages, True, "2025-01-20", markup.Folios(2, 3))]
    ours = [layout.write(layout.document(h)) for h in htmls]
    own = weasy.user_agent_sheet
    try:
        weasy.user_agent_sheet = lambda html, sheet: None
        theirs = [layout.write(layout.document(h)) for h in htmls]
    finally:
        weasy.user_agent_sheet = own
    assert ours == theirs, _gone("user_agent_sheet", "the same bytes as with WeasyPrint's own sheet")


def check_subset():
    fonts = importlib.import_module("weasyprint.pdf.fonts")
    method = getattr(fonts.Font, weasy.SUBSET_METHOD.rpartition(".")[2], None)
    assert method is not None, _gone("subset", weasy.SUBSET_METHOD)
    source = inspect.getsource(method)
    for tag in weasy.SUBSET_DROPPED_TABLES:
        assert repr(tag) in source, _gone("subset", f"the dropped table {tag!r} in {weasy.SUBSET_METHOD}")
    for flag in weasy.SUBSET_FLAGS:
        assert f"HB_SUBSET_FLAGS_{flag}" in source, _gone("subset", f"the flag {flag} in {weasy.SUBSET_METHOD}")


def check_pydyf():
    pdf = pydyf.PDF()
    stream = pydyf.Stream([b"data"], compress=True)
    pdf.add_object(stream)
    assert weasy.pdf_object(pdf, stream.reference) is stream, _gone("pydyf", "PDF.objects by number")
    assert weasy.pdf_object(pdf, stream.reference.decode()) is stream, _gone("pydyf", "a reference as text")
    assert weasy.pdf_objects(pdf)[weasy.object_number(stream)] is stream, _gone("pydyf", "Object.number")
    assert weasy.stream_bytes(stream) == b"data", _gone("pydyf", "Stream.stream")
    weasy.write_uncompressed(stream)
    assert stream.compress is False, _gone("pydyf", "Stream.compress")
    deflated = pydyf.Stream([b"q", b"Q"], compress=True)
    assert weasy.deflate_now(deflated, 6) and not weasy.deflate_now(deflated, 6)
    data = deflated.data
    weasy.set_stream_bytes(stream, b"new")
    assert weasy.stream_bytes(stream) == b"new", _gone("pydyf", "Stream.stream as a list of items")
    marked = pydyf.Stream()
    marked.begin_marked_content("Span", pydyf.Dictionary({"MCID": 0}))
    items = weasy.stream_items(marked)
    assert items[1]["MCID"] == 0 and items[2] == b"BDC", _gone("pydyf", "a property list kept as an item")
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert weasy.page_references(pdf) == [pdf.objects[-1].reference], _gone("pydyf", "PDF.page_references")
    assert b"/Filter /FlateDecode" in data and zlib.decompress(data.split(b"stream\n", 1)[1].rsplit(b"\nendstream", 1)[0]) \
        == b"q\nQ", _gone("pydyf", "Stream.extra, and Stream.data writing the items as they are")


def check_link_words():
    doc = layout.document('<html lang="zh-CN"><body><p><a href="#x" title="目录第一项">第一项</a> <a href="#x">三</a>'
                          '</p><p id="x">x</p></body></html>')
    seen: dict[int, str] = {}
    doc.write_pdf(pdf_variant="pdf/a-3a", finisher=lambda document, pdf: seen.update(weasy.link_words(document)))
    assert sorted(seen.values()) == ["三", "目录第一项"], _gone("link_words", "Page.links' boxes with their "
                                                               "link_annotation and element")


CHECKS = {
    "link_words": check_link_words,
    "import_fast": check_import_fast,
    "harfbuzz_subset_loaded": check_harfbuzz_subset_loaded,
    "warm_c_types": check_warm_c_types,
    "drop_anchors": check_drop_anchors,
    "user_agent_sheet": check_user_agent_sheet,
    "subset": check_subset,
    "pydyf": check_pydyf,
}
# Every public name of the door, by the check that covers it.
COVERED = {"FFI_MODULE": "import_fast", "warm_array_types": "warm_c_types", "SUBSET_METHOD": "subset", "SUBSET_DROPPED_TABLES": "subset",
           "SUBSET_FLAGS": "subset", "pdf_objects": "pydyf", "pdf_object": "pydyf", "object_number": "pydyf",
           "stream_bytes": "pydyf", "write_uncompressed": "pydyf", "deflate_now": "pydyf",
           "set_stream_bytes": "pydyf", "stream_items": "pydyf", "page_references": "pydyf", **{name: name for name in CHECKS}}
COVERED.pop("subset")
COVERED.pop("pydyf")


@pytest.mark.parametrize("touch", sorted(CHECKS))
def test_each_touch_point_is_still_there(touch):
    CHECKS[touch]()


def test_every_name_of_the_door_has_a_check_and_a_section_in_the_docs():
    names = {n for n, v in vars(weasy).items() if not n.startswith("_") and getattr(v, "__module__", weasy.__name__)
             == weasy.__name__ and not inspect.ismodule(v) and n != "annotations"}
    assert names == set(COVERED), f"door names without a check, or checks of names gone: {names ^ set(COVERED)}"
    doc = (ROOT / "docs" / "weasyprint.md").read_text(encoding="utf-8")
    assert "## Through one door" in doc
    for touch in CHECKS:
        assert f"`{touch}`" in doc.split("## Through one door")[1], f"{touch} has no entry in {SECTION}"


def test_a_touch_point_taken_away_fails_by_name(monkeypatch):
    monkeypatch.delattr(_ffi(), "harfbuzz_subset")
    with pytest.raises(AssertionError, match=r"`harfbuzz_subset_loaded` is gone .*Through one door"):
        check_harfbuzz_subset_loaded()


def test_a_subset_flag_weasyprint_stopped_setting_fails_by_name(monkeypatch):
    monkeypatch.setattr(weasy, "SUBSET_FLAGS", weasy.SUBSET_FLAGS + ("NOTDEF_GLYPHS",))
    with pytest.raises(AssertionError, match=r"`subset` is gone .*NOTDEF_GLYPHS"):
        check_subset()


# What only the door may do: import these, read or set these attributes, name these modules in a string.
PUBLIC_MODULES = {"weasyprint", "weasyprint.urls"}
PUBLIC_NAMES = {("weasyprint.text.fonts", "FontConfiguration")}  # documented in WeasyPrint's API reference
PRIVATE_ATTRIBUTES = {"_page_box", "_folder", "_harfbuzz_subset", "_dlopen", "harfbuzz_subset", "_ua_stylesheets",
                      "_parsed_types", "_backend"}
PYDYF_ATTRIBUTES = {"objects", "number", "stream", "compress", "extra"}
MODULE_NAME = re.compile(r"(weasyprint|pydyf)(\.\w+)+")


def touches(source: str) -> list[str]:
    """What a module's source does beyond WeasyPrint's public API, one line each."""
    tree = ast.parse(source)
    uses_pydyf = any(isinstance(n, ast.Import) and any(a.name == "pydyf" for a in n.names) for n in ast.walk(tree))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names
                      if a.name.startswith("weasyprint.") and a.name not in PUBLIC_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("weasyprint."):
            if node.module not in PUBLIC_MODULES:
                found += [f"from {node.module} import {a.name}" for a in node.names
                          if (node.module, a.name) not in PUBLIC_NAMES]
        elif isinstance(node, ast.Attribute):
            if node.attr in PRIVATE_ATTRIBUTES or (uses_pydyf and node.attr in PYDYF_ATTRIBUTES):
                found.append(f".{node.attr} (line {node.lineno})")
            if node.attr == "find_library" and isinstance(node.ctx, ast.Store):
                found.append(f"find_library replaced (line {node.lineno})")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and MODULE_NAME.fullmatch(node.value):
            found.append(f"the module name {node.value!r} (line {node.lineno})")
    return found


def test_no_module_but_the_door_reaches_past_weasyprints_public_api():
    found = {}
    for path in sorted((ROOT / "render").rglob("*.py")):
        if path != DOOR and (hits := touches(path.read_text(encoding="utf-8"))):
            found[str(path.relative_to(ROOT))] = hits
    assert not found, f"only render/typeset/weasy.py may touch WeasyPrint's internals ({SECTION}): {found}"
    assert touches(DOOR.read_text(encoding="utf-8")), "the scan no longer sees the door's own touches"


@pytest.mark.parametrize("source", [
    "for box in page._page_box.descendants(): pass",
    "folder = config._folder",
    "html._ua_stylesheets = lambda forms=False: [sheet]",
    "from weasyprint.text.ffi import ffi",
    "import weasyprint.layout.table",
    "from weasyprint.pdf import fonts",
    "ffi = sys.modules.get('weasyprint.text.ffi')",
    "import ctypes.util\nctypes.util.find_library = lambda name: None",
    "import pydyf\ndata = b''.join(program.stream)",
    "import pydyf\nspec.number",
])
def test_the_scan_sees_each_kind_of_touch(source):
    assert touches(source)


def test_the_scan_lets_the_public_api_through():
    assert not touches("import weasyprint\nfrom weasyprint.urls import URLFetcher\n"
                       "from weasyprint.text.fonts import FontConfiguration\nimport ctypes.util\n"
                       "ctypes.util.find_library('harfbuzz-subset')\npage.anchors\n")
