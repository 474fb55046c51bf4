"""Turn a job into PDF bytes, in a worker: a table, a volume's frame, or (here) the volume itself."""

from __future__ import annotations

from dataclasses import dataclass

from render.produce.plan import ProjectJob, SourceFile, VolumeJob


@dataclass(frozen=True)
class Placement:
    """Table page `page` (0-based) of table `table` goes onto volume page `frame_page` (0-based)."""

    frame_page: int
    table: int
    page: int


def environment():
    """The templates, compiled once per process (in the fork server, by render/produce/preload.py)."""
    from render.typeset import reads

    return reads.environment()


def prime() -> None:
    """In a worker that will stay (`watch`): lay out and write a table of the form's own words now, so that
    the first saved edit costs only its own layout, not the fonts, the stylesheet, the faces' glyphs and
    the first pass through every code path a table takes."""
    from datetime import datetime, timezone
    from decimal import Decimal

    from render.source import fields, model as m

    words = "、".join(fields.PROJECT_LABELS + fields.INDICATOR_HEADS + (fields.GOAL,)) + "，2025年（≥95%）。"
    rows = tuple(m.Indicator(words[k:k + 12], f"≥{k}%", 0) for k in range(0, 36, 6))
    project = m.Project(source="prime.md", stem="00-prime", year="2025", department_dir="000-部门", name=words[:20],
                        department="000-部门", implementer="000001-部门本级", attribute="", term="1年",
                        office="01-综合办", amount=Decimal("1.00"), goal=(words,),
                        levels=(m.Level1("1-产出指标", (m.Level2("11-数量指标", rows, 0),), 0),))
    job = ProjectJob("prime.pdf", project, SourceFile("prime.md", "prime.md", words.encode()),
                     datetime(2025, 1, 1, tzinfo=timezone.utc), "")
    render_project(job)


def render_project(job: ProjectJob) -> tuple[bytes, int]:
    """In a worker: lay out one table (page breaks that keep its labels) and write its PDF/A."""
    from render.typeset import layout, paginate

    doc = paginate.project(environment(), job.project, job.stamp.isoformat(), job.draft)
    return layout.write(doc, (layout.Attached(job.source.name, job.source.data),), job.stamp), len(doc.pages)


def render_frame(v: VolumeJob, pages: tuple[int, ...]) -> tuple[bytes, tuple[Placement, ...], int]:
    """In a worker: the volume's cover, summary, chart and contents, and a numbered slot per table page."""
    from render.typeset import layout, markup, paginate

    doc = paginate.frame(environment(), v.department, pages, v.duplex, v.stamp.isoformat(), v.draft,
                         v.tables_on_right)
    at = layout.anchor_pages(doc)
    placements = tuple(Placement(at[markup.slot(n, k)], n, k)
                       for n, count in enumerate(pages) for k in range(count))
    frame = layout.write(doc, (), v.stamp, body=at["summary"])
    if v.draft:
        from render.bind.assemble import mark_frame

        mark = layout.write(layout.document(markup.mark_html(environment(), v.draft)), (), v.stamp)
        frame = mark_frame(frame, mark, {p.frame_page for p in placements}, v.duplex)
    return frame, placements, len(doc.pages)


def assemble_volume(v: VolumeJob, frame: bytes, tables: tuple[bytes, ...], placements: tuple[Placement, ...]) -> bytes:
    from render.bind.assemble import assemble

    return assemble(frame, tables, placements, tuple((s.name, s.data) for s in v.sources), v.stamp, v.duplex)
