"""A new kind of output is its registry entry, its planner and maker: planned, made, published, listed in
the manifest with its variant, verified and filed in the archive's records without a line elsewhere."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

import pytest
from conftest import DEPT, run_cli
from pypdf import PdfReader

from render.produce import cache as kc
from render.produce import outputs, plan

TOY = f"{DEPT}/项目一览（A5）.pdf"


@dataclass(frozen=True)
class ToyJob:
    target: str
    key: str
    title: str
    sources: tuple[plan.SourceFile, ...]
    origin: str
    names: tuple[str, ...]
    stamp: datetime
    kind: ClassVar[str] = "toy"
    parts: ClassVar[tuple] = ()
    project: ClassVar[None] = None
    weight: ClassVar[int] = 0
    reuse_only: ClassVar[bool] = False


def plan_toys(content, bad, options, base, planned):
    """A list of each department's projects, carrying its 部门.yml."""
    jobs = []
    for d in content.departments:
        source = plan.read_source(d.source, base)
        target = f"{plan.department_folder(d)}/项目一览（{options.simplex and 'A4' or 'A5'}）.pdf"
        names = tuple(p.name for p in d.projects)
        jobs.append(ToyJob(target, kc.key("toy", target, source.data, *names), f"{d.title}项目一览", (source,),
                           d.folder, names, plan.stamp_for(d)))
    return jobs, []


def make_toy(job: ToyJob) -> tuple[bytes, int]:
    from render.typeset import layout

    items = "".join(f"<li>{name}</li>" for name in job.names)
    html = f"<html lang=\"zh-CN\"><head><title>{job.title}</title></head><body><ol>{items}</ol></body></html>"
    doc = layout.document(html)
    return layout.write(doc, tuple(layout.Attached(s.name, s.data) for s in job.sources), job.stamp), len(doc.pages)


@pytest.fixture
def toy(monkeypatch):
    paper = outputs.Option("paper", "A5", read=lambda options: "A4" if options.simplex else "A5")
    monkeypatch.setitem(outputs.KINDS, "toy", outputs.OutputKind(
        "toy", "build", (".pdf",), (".pdf",), (paper, outputs.KINDS["project"].options[0]), record="一览",
        label="项目一览", planner=plan_toys, maker=make_toy))


def manifest(out):
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def test_a_kind_registered_is_planned_made_published_listed_and_verified(ws, toy):
    out = ws / "dist"
    built = run_cli("--content", str(ws / "content"), "--out", str(out), "--jobs", "1")
    assert built.returncode == 0, built.stdout + built.stderr
    assert f"  {TOY}（1 页）" in built.stdout
    entry = next(e for e in manifest(out)["files"] if e["path"] == TOY)
    assert entry["kind"] == "toy" and entry["variant"] == {"paper": "A5", "draft": ""}
    assert entry["sources"] == ["content/2025/018-平罗县司法局/部门.yml"]
    text = PdfReader(out / TOY).pages[0].extract_text()
    assert "安置帮教" in text
    assert run_cli("verify", "--out", str(out)).returncode == 0

    from render.archive import records
    from render.source import load

    content, _ = load.load(ws / "content", ws)
    package, = records.packages(out, manifest(out), content.departments, out)
    assert package.counts() == {"project": 3, "volume": 1, "toy": 1}
    assert next(r for r in package.records if r.kind == "toy").genre == "一览"

    # Another variant of it lives beside it; the first is left as it was.
    again = run_cli("--content", str(ws / "content"), "--out", str(out), "--jobs", "1", "--simplex")
    assert again.returncode == 0 and "过期" not in again.stdout, again.stdout
    variants = {e["path"]: e["variant"] for e in manifest(out)["files"] if e["kind"] == "toy"}
    assert variants == {TOY: {"paper": "A5", "draft": ""}, TOY.replace("A5", "A4"): {"paper": "A4", "draft": ""}}


def test_a_manifest_with_options_this_program_does_not_know_is_read(ws, toy):
    """A manifest written before an option was recorded, or by a program that records another: the one
    missing takes its default, the unknown one is no part of the variant, and nothing raises."""
    out = ws / "dist"
    assert run_cli("--content", str(ws / "content"), "--out", str(out), "--jobs", "1").returncode == 0
    data = manifest(out)
    for e in data["files"]:
        e["variant"] = {"colour": "red"} if e["kind"] == "toy" else {**e["variant"], "binding": "spiral"}
    (out / "manifest.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    again = run_cli("--content", str(ws / "content"), "--out", str(out), "--jobs", "1", "--simplex")
    assert again.returncode == 0 and "过期" not in again.stdout, again.stdout + again.stderr
    kept = {e["path"]: e for e in manifest(out)["files"]}
    assert kept[TOY]["variant"] == {"colour": "red"} and not kept[TOY]["stale"]  # left as it was
    assert run_cli("verify", "--out", str(out)).returncode == 0
    assert outputs.recorded_variant({"path": TOY, "kind": "toy", "variant": {"colour": "red"}}) == \
        {"paper": "A5", "draft": ""}
