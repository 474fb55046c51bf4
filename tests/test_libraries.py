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
    for ours, name in (("pango", "pango"), ("harfbuzz", "harfbuzz"), ("harfbuzz-subset", "harfbuzz_subset")):
        assert set(libraries.NAMES[ours]) == set(theirs[name]), f"WeasyPrint now loads {name} by {theirs[name]}"


def test_each_library_loads_here():
    for name in libraries.NAMES:
        assert libraries.load(name) is not None, name
