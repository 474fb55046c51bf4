"""The code's shape, as the team keeps it: stages that never import each other back, small modules, each
saying its job in its first line."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RENDER = ROOT / "render"
LIMIT = 300  # lines
# The stages, lowest first: each imports only itself and those before it. The modules directly under
# render/ (problems, system, state) are below them all and import none. README's Layout lists them in this order.
STAGES = ("source", "typeset", "bind", "produce", "review", "archive", "commands", "site")
# Imports that look up, each named with why it is left and where it belongs: the test fails when one is gone,
# so that the list only shrinks.
UPWARD = {
    # the two commands that start the site and manage its accounts: the site's front door on the command line
    "render.commands.serve → render.site.building": "serve starts the site's warm workers",
    "render.commands.serve → render.site.settings": "serve configures Django",
    "render.commands.serve → render.site.wsgi": "serve hands requests to the site",
    "render.commands.serve → render.site.uploads": "serve bounds the server's request body to the site's largest upload",
    "render.commands.user → render.site.models": "user edits the site's accounts",
}


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(RENDER.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def imports(path: Path, name: str, known: dict[str, Path]) -> set[str]:
    """Every render module this one imports, at the top or inside a function: `from render.x import y`
    imports render.x, and render.x.y too when y is a module."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}
    # a package's __init__ runs on the way to its modules, but imports nothing of theirs: not an edge
    return {m for m in found if m in known and m != name and not name.startswith(m + ".")}


def cycles(graph: dict[str, set[str]]) -> list[str]:
    """Every way back to a module from the modules it imports, as the path `a → b → a`."""
    found = []
    for start in graph:
        stack, seen = [(start, (start,))], set()
        while stack:
            node, trail = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    found.append(" → ".join(trail + (start,)))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, trail + (nxt,)))
    return sorted(set(found))


def test_no_module_imports_one_that_imports_it_back():
    known = modules()
    graph = {name: imports(path, name, known) for name, path in known.items()}
    found = cycles(graph)
    assert not found, "\n".join(found)


def test_a_cycle_through_a_function_level_import_is_reported_with_its_path(tmp_path):
    """The check above can fail: three modules in a ring, the last one importing the first inside a
    function, relatively, are reported with the ring's path."""
    package = tmp_path / "render" / "x"
    package.mkdir(parents=True)
    sources = {"__init__": '"""Turn x."""\n', "a": "from render.x import b\n", "b": "import render.x.c\n",
               "c": "def f():\n    from . import a\n"}
    known = {}
    for stem, text in sources.items():
        (package / f"{stem}.py").write_text(text, encoding="utf-8")
        known["render.x" if stem == "__init__" else f"render.x.{stem}"] = package / f"{stem}.py"
    graph = {name: imports(path, name, known) for name, path in known.items()}
    assert "render.x.a → render.x.b → render.x.c → render.x.a" in cycles(graph)
    assert not cycles({**graph, "render.x.c": set()})


def test_the_graph_sees_imports_inside_functions(tmp_path):
    """The check above can fail: a function-level import, relative or not, is an edge."""
    known = {"render.x.a": Path("a.py"), "render.x.b": Path("b.py"), "render.x": Path("__init__.py")}
    path = tmp_path / "a.py"
    path.write_text("def f():\n    from render.x import b\n\ndef g():\n    from . import b\n", encoding="utf-8")
    assert imports(path, "render.x.a", known) == {"render.x.b"}


def stage(name: str) -> int:
    """A module's place in STAGES; -1 for one directly under render/."""
    parts = name.split(".")
    return STAGES.index(parts[1]) if len(parts) > 2 else -1


def upward(graph: dict[str, set[str]]) -> list[str]:
    """Every import of a stage above the importer's own, as `a → b`."""
    return sorted(f"{name} → {other}" for name, imported in graph.items() for other in imported
                  if stage(other) > stage(name))


def test_every_stage_imports_only_the_stages_below_it():
    known = modules()
    assert {name.split(".")[1] for name in known if name.count(".") > 1} == set(STAGES)
    found = upward({name: imports(path, name, known) for name, path in known.items()})
    assert not [f for f in found if f not in UPWARD], "\n".join(f for f in found if f not in UPWARD)
    assert not [f for f in UPWARD if f not in found], f"no longer imported, take it off UPWARD: {set(UPWARD) - set(found)}"


def test_an_import_of_a_stage_above_is_reported():
    """The check above can fail: a source module reaching up to a command, and the base reaching into a stage."""
    graph = {"render.source.a": {"render.source.b", "render.commands.c"}, "render.problems": {"render.typeset.d"},
             "render.commands.c": {"render.source.a", "render.problems"}}
    assert upward(graph) == ["render.problems → render.typeset.d", "render.source.a → render.commands.c"]


def test_the_readme_lists_the_stages_in_their_order():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = [line.split("`render/")[1].split("/")[0] for line in text.splitlines() if line.startswith("| `render/")
              and line.split("`")[1].endswith("/")]
    assert tuple(listed) == STAGES


def test_only_the_state_module_reads_the_environment_or_moves_the_temp_folder():
    """Process-wide state is named in render/state.py and read or set there only."""
    found = [name for name, path in modules().items() if name != "render.state"
             and re.search(r"os\.environ|os\.getenv|tempfile\.tempdir", path.read_text(encoding="utf-8"))]
    assert not found, found


def test_no_module_is_over_the_limit():
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT}
    assert not long, f"over {LIMIT} lines: {long}"


def test_every_module_says_its_job_in_its_first_line():
    vague = []
    for name, path in modules().items():
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        if not doc.startswith("Turn "):
            vague.append(name)
    assert not vague, f"no “Turn X into Y” docstring: {vague}"
