"""Our C libraries are found by the names WeasyPrint finds them by, on every platform it names."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

from render.typeset import libraries


def weasyprint_names() -> dict[str, tuple[str, ...]]:
    """The names weasyprint/text/ffi.py passes to its _dlopen for each library, read from its source."""
    source = Path(importlib.util.find_spec("weasyprint").submodule_search_locations[0], "text", "ffi.py")
    found = {}
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                and getattr(node.value.func, "id", "") == "_dlopen":
            found[node.targets[0].id] = tuple(a.value for a in node.value.args[1:] if isinstance(a, ast.Constant))
    return found


def test_our_names_are_weasyprints_own():
    theirs = weasyprint_names()
    for ours, name in (("pango", "pango"), ("harfbuzz", "harfbuzz"), ("harfbuzz-subset", "harfbuzz_subset"),
                       ("fontconfig", "fontconfig")):
        assert set(libraries.NAMES[ours]) == set(theirs[name]), f"WeasyPrint now loads {name} by {theirs[name]}"


def test_each_library_loads_here():
    for name in libraries.NAMES:
        assert libraries.load(name) is not None, name


def test_fontconfig_through_its_library_answers_as_fc_match_does():
    """The faces found without running fc-match: the same family, file, index and every code point."""
    import shutil
    import subprocess

    import pytest

    from render.typeset import fontconfig, fonts

    if not shutil.which("fc-match"):
        pytest.skip("no fc-match to compare with")
    for style in fonts.FACE_STYLES:
        ours = fontconfig.match(fonts.FONT_FAMILY, style)
        said = subprocess.run(["fc-match", "-f", "%{family}\t%{file}\t%{index}\t%{charset}",
                               f"{fonts.FONT_FAMILY}:style={style}"], capture_output=True, text=True).stdout
        families, file, index, charset = said.split("\t")
        points = set()
        for part in charset.split():
            first, _, last = part.partition("-")
            points.update(range(int(first, 16), int(last or first, 16) + 1))
        assert (set(ours.families), ours.file, ours.index) == (set(families.split(",")), file, int(index)), style
        assert ours.charset == points and len(points) > 20000, style


def test_without_libfontconfig_fc_match_gives_the_same_faces(monkeypatch):
    from render.typeset import fontconfig, fonts

    caches = (fonts._picked, fonts.font_file, fonts.coverage)
    through_library = (fonts.font_file(fonts.FONT_FAMILY, "Regular"), fonts.coverage())
    monkeypatch.setattr(fontconfig, "available", lambda: False)
    for cache in caches:
        cache.cache_clear()
    try:
        assert (fonts.font_file(fonts.FONT_FAMILY, "Regular"), fonts.coverage()) == through_library
    finally:
        monkeypatch.undo()
        for cache in caches:
            cache.cache_clear()
