"""A build with nothing to do is the last build again (render/produce/memo.py): it says the same and parses
nothing; anything that could change an output takes the full path."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from render.produce import memo
from render.produce.plan import Options


def build(ws: Path, *extra: str) -> tuple[subprocess.CompletedProcess, bool]:
    """The build's result, and whether it parsed the content (Python's import log names the parser)."""
    done = subprocess.run([sys.executable, "-X", "importtime", str(ROOT / "build.py"), "--content",
                           str(ws / "content"), "--out", str(ws / "dist"), *extra],
                          capture_output=True, text=True, timeout=600)
    parsed = "markdown_it" in done.stderr
    lines = [line for line in done.stderr.splitlines() if not line.startswith("import time:")]
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout, "\n".join(lines)), parsed


def said(done: subprocess.CompletedProcess) -> str:
    return re.sub(r"用时 [\d.]+ 秒", "用时 … 秒", done.stdout)


def test_nothing_to_do_says_what_the_full_path_says_without_parsing(ws):
    first, parsed = build(ws)  # ws's dist was made from a copy elsewhere: the full path, then the record
    assert first.returncode == 0 and parsed
    again, parsed = build(ws, "-v")
    assert again.returncode == 0 and not parsed, again.stdout
    (ws / "dist" / memo.RECORD).unlink()
    full, parsed = build(ws, "-v")
    assert full.returncode == 0 and parsed
    assert said(again) == said(full) and "（未改动，沿用）" in again.stdout and "警告" in again.stdout


def test_a_changed_byte_anywhere_takes_the_full_path(ws):
    build(ws)
    table = sorted((ws / "content").rglob("01-*.md"))[0]
    table.write_bytes(table.read_bytes() + b"\n")  # no change to any PDF, but a change to what was read
    done, parsed = build(ws)
    assert done.returncode == 0 and parsed
    (ws / "content" / "2025" / "笔记.txt").write_text("备忘", encoding="utf-8")  # a stray file is said too
    done, parsed = build(ws)
    assert parsed and "笔记.txt" in done.stdout + done.stderr
    done, parsed = build(ws)
    assert not parsed and "笔记.txt" in done.stdout + done.stderr  # recorded with its warning


@pytest.mark.slow
def test_a_spoiled_output_or_another_commands_manifest_takes_the_full_path(ws):
    build(ws)
    pdf = sorted((ws / "dist").rglob("01-*.pdf"))[0]
    good = pdf.read_bytes()
    pdf.write_bytes(good[:-10])
    done, parsed = build(ws)
    assert done.returncode == 0 and parsed and pdf.read_bytes() == good  # made again, the same bytes
    done, parsed = build(ws, "--simplex")  # another variant: its own inputs, and a manifest that lists it
    assert parsed
    done, parsed = build(ws)
    assert parsed  # the manifest is not the one the record was made over
    done, parsed = build(ws)
    assert not parsed


def test_a_build_whose_content_changed_while_it_ran_is_not_recorded(ws):
    options = Options(ws / "content", ws / "dist")
    record = ws / "dist" / memo.RECORD
    record.unlink(missing_ok=True)
    memo.remember(options, "the inputs as they were when it began", memo.Unchanged((), 0, ()))
    assert not record.exists()
    memo.remember(options, memo.inputs(options), memo.Unchanged((), 4, ()))
    assert record.exists() and memo.recall(options, memo.inputs(options)) == memo.Unchanged((), 4, ())
    assert memo.recall(Options(ws / "content", ws / "dist", simplex=True), memo.inputs(
        Options(ws / "content", ws / "dist", simplex=True))) is None
    assert memo.inputs(Options(ws / "content", ws / "dist", only=ws / "content" / "2025")) is None
