"""Where a table's time goes: each step of a build, measured on its own in one process, beside plain
WeasyPrint laying out the same ten tables as one document.

    python benchmarks/profile.py [--runs 5]

Prints medians (seconds) of:
  import      importing WeasyPrint and our layout modules (the fork server does it once per build)
  warm-up     what a fresh worker does before its first table: fontconfig and Pango's font map, the
              stylesheet with its @font-face faces, HarfBuzz's subsetter on first use
  table       per seed table, warm: laying it out (our page breaks included) and writing its PDF/A
  frame       a department's frame: cover, contents, summary, chart and a numbered slot per table page
  assemble    laying the tables onto the frame, merging the subsets, attaching the sources (pikepdf)
  anchor      per table, plain WeasyPrint: the ten seed tables in one naive HTML, laid out and written
Run it on a quiet machine (benchmarks/bench.py says why); README, Performance, quotes it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def clock(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    runs = ap.parse_args().runs
    seconds, _ = clock(lambda: __import__("render.typeset.paginate"))
    from render.produce import tasks
    from render.produce.outputs import jobs
    from render.produce.plan import Options, source_base
    from render.source import load
    from render.typeset import layout, paginate

    content_dir = ROOT / "content"
    content, problems = load.load(content_dir, source_base(content_dir))
    planned, _ = jobs(content, problems, Options(content_dir, ROOT / "dist"), source_base(content_dir))
    projects, volumes = [j for j in planned if not j.parts], [j for j in planned if j.parts]
    env = tasks.environment()

    def warm_up():
        layout.font_config()
        layout.stylesheet()
        tasks.prime()

    warm, _ = clock(warm_up)
    table = {"layout": [], "write": []}
    pages = {}
    for _ in range(runs):
        for job in projects:
            t, doc = clock(paginate.project, env, job.project, job.stamp.isoformat(), "")
            table["layout"].append(t)
            t, _ = clock(layout.write, doc, (layout.Attached(job.source.name, job.source.data),), job.stamp)
            table["write"].append(t)
            pages[job.target] = len(doc.pages)
    v = volumes[0]
    counts = tuple(pages[p.target] for p in v.projects)
    frames = [clock(tasks.render_frame, v, counts) for _ in range(runs)]
    frame = frames[-1][1]
    tables = tuple(tasks.render_project(p)[0] for p in v.projects)
    assemble = [clock(tasks.assemble_volume, v, frame[0], tables, frame[1])[0] for _ in range(runs)]

    import weasyprint
    from anchor import naive_html

    html = naive_html()
    anchor = []
    for _ in range(runs):
        t, doc = clock(weasyprint.HTML(string=html).render)
        w, _ = clock(doc.write_pdf)
        anchor.append(t + w)
    med = statistics.median
    n = len(v.projects)
    print(f"import (WeasyPrint and the layout)  {seconds:6.3f}")
    print(f"a fresh worker's warm-up           {warm:6.3f}")
    print(f"a table, laid out                  {med(table['layout']):6.3f}")
    print(f"a table, written (PDF/A, sources)  {med(table['write']):6.3f}")
    print(f"a department's frame ({n} tables)   {med(t for t, _ in frames):6.3f}")
    print(f"its assembly                       {med(assemble):6.3f}")
    print(f"the anchor, per table              {med(anchor) / n:6.3f}  ({med(anchor):.3f} for all {n}, one document)")


if __name__ == "__main__":
    main()
