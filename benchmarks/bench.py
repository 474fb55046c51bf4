"""Measure the build against the anchor, in one go, alternating runs (the machine is shared and noisy).

    python benchmarks/bench.py [--runs 3] [--county 200] [--large 1000] [--skip-county] [--busy]

It refuses to measure while the load average is 1.5 or more (waiting two minutes for it to fall), prints
the load average before and after, and flags a run whose anchor varied by more than 20 %.

The anchor: plain WeasyPrint renders the ten seed tables as one naive volume (benchmarks/anchor.py), in
the system's full face (the ratios' base) and, printed beside it, in the cut faces the build uses.
Cases (medians of --runs runs, each next to an anchor run):
  cold    rm -rf dist, then python3 build.py: every project PDF, the volume, the manifest
  noop    python3 build.py again, nothing changed
  edit    one project's 年度总体绩效目标 edited, python3 build.py
  watch   the same edit saved while `python3 build.py watch` runs: from the save to its line saying the
          table and the volume are rebuilt
  county  N projects in N/10 departments made from the seed with `build.py import`, --jobs 2, cold,
          each run next to an anchor run (the ratio is the median of the pairs); also N/2 projects, to
          show the cost is linear, and --large projects against N's; peak memory of the build's process
          tree.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SEED = ROOT / "tests" / "data" / "seed.txt"


def timed(cmd: list[str], cwd: Path = ROOT, sample: bool = False) -> tuple[float, int]:
    """Wall seconds until the command returns (as /usr/bin/time counts), and with `sample` the peak RSS
    (bytes) summed over the process tree, every 100 ms
    (walking /proc costs CPU: the seed's short cases are timed without it)."""
    start = time.monotonic()
    err_file = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err_file)
    peak = [0]

    def sampler():
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss(proc.pid))
            time.sleep(0.1)

    t = threading.Thread(target=sampler if sample else (lambda: None), daemon=True)
    t.start()
    proc.wait()
    elapsed = time.monotonic() - start
    t.join()
    if proc.returncode not in (0, 1):
        err_file.seek(0)
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err_file.read().decode()[-2000:]}")
    return elapsed, peak[0]


def tree_rss(*roots: int | None) -> int:
    """Summed over the processes under these roots, each counted once."""
    total, stack, seen = 0, [r for r in roots if r], set()
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(stat[1]), []).append(int(entry.name))
            except OSError:
                pass
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
        stack += children.get(p, [])
    return total


def anchor(work: Path, cut: bool = False) -> float:
    return timed([PY, str(ROOT / "benchmarks" / "anchor.py"), str(work / "anchor.pdf"), *(["--cut"] if cut else [])])[0]


BUSY = 1.5  # the 1-minute load average above which a 2-core machine's timings are not worth reporting
SPREAD = 0.20  # the anchor's (slowest - fastest) / median above which the run is flagged


def quiet(wait: float) -> float:
    """The load average once it is below BUSY (waiting up to `wait` seconds for it); refuses to measure a
    busy machine: a busy machine doubled the anchor, and every ratio with it."""
    deadline = time.monotonic() + wait
    while True:
        load = os.getloadavg()[0]
        if load < BUSY:
            return load
        if time.monotonic() > deadline:
            raise SystemExit(f"load average {load:.2f} ≥ {BUSY}: something else is running; stop it (helpers, "
                             f"tests) and measure again, or pass --busy to measure anyway (and say so)")
        time.sleep(5)


def compiled() -> None:
    """Our modules compiled, as Python leaves them after a program's first run (WeasyPrint's were compiled
    when pip installed it): where PYTHONDONTWRITEBYTECODE is set, as on this project's machine, every
    process would compile them again, 25 ms each, and the anchor would not."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "render"), str(ROOT / "build.py")], env=env, check=True,
                   stdout=subprocess.DEVNULL)


def spread(values: list[float]) -> float:
    return (max(values) - min(values)) / statistics.median(values)


def build(content: Path, out: Path, *extra: str, sample: bool = False) -> tuple[float, int]:
    return timed([PY, str(ROOT / "build.py"), "--content", str(content), "--out", str(out), *extra], sample=sample)


def watched_edit(content: Path, out: Path, n: int) -> float:
    """Seconds from saving an edit to the line of `watch` that names it rebuilt (the first build done)."""
    proc = subprocess.Popen([PY, str(ROOT / "build.py"), "watch", "--content", str(content), "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for line in proc.stdout:
            if "正在监视" in line:
                break
        time.sleep(1.5)  # the watcher is set up, and the workers primed, just after that line
        saved = time.monotonic()
        edit_goal(content, n)
        for line in proc.stdout:
            if "01-" in line and "用时" in line:
                return time.monotonic() - saved
        raise SystemExit("watch ended without rebuilding")
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)


def edit_goal(content: Path, n: int) -> None:
    """Change the first project's 年度总体绩效目标, differently each time."""
    path = sorted(content.rglob("01-*.md"))[0]
    lines = path.read_text(encoding="utf-8").split("\n")
    at = lines.index("## 年度总体绩效目标") + 2
    lines[at] = lines[at].split("（修订")[0] + f"（修订{n}）"
    path.write_text("\n".join(lines), encoding="utf-8")


def county_text(projects: int) -> str:
    """The seed's ten tables, again and again, as departments 101, 102, … of one county."""
    tables = SEED.read_text(encoding="utf-8").split("部门项目支出预算绩效目标表")[1:]
    out = []
    for d in range(projects // len(tables)):
        code, name = f"{101 + d}", f"县第{d + 1}局"
        for t in tables:
            out.append("部门项目支出预算绩效目标表" + t.replace("018-平罗县司法局", f"{code}-{name}")
                       .replace("018001-平罗县司法局本级", f"{code}001-{name}本级"))
    return "".join(out)


def make_county(work: Path, projects: int) -> Path:
    src = work / f"county{projects}.txt"
    src.write_text(county_text(projects), encoding="utf-8")
    content = work / f"county{projects}" / "content"
    subprocess.run([PY, str(ROOT / "build.py"), "import", str(src), "--content", str(content),
                    "--year", "2025", "--date", "2025-01-20"], check=True, capture_output=True)
    return content


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--county", type=int, default=200)
    ap.add_argument("--skip-county", action="store_true")
    ap.add_argument("--large", type=int, default=0, help="also a county this large (1000), against --county's")
    ap.add_argument("--busy", action="store_true", help="measure even with the load average above 1.5")
    args = ap.parse_args()
    compiled()
    loads = [os.getloadavg()[0] if args.busy else quiet(120)]
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    content = work / "seed" / "content"
    shutil.copytree(ROOT / "content", content)
    out = work / "seed" / "dist"
    r: dict[str, list[float]] = {k: [] for k in ("anchor", "cut", "cold", "noop", "edit", "watch", "county", "half",
                                                 "large")}
    peaks: list[int] = []
    ratios: list[float] = []  # each county build against the seed cold build just before it
    edits = 0
    for run in range(args.runs):
        r["anchor"].append(anchor(work))
        r["cut"].append(anchor(work, cut=True))
        shutil.rmtree(out, ignore_errors=True)
        r["cold"].append(build(content, out)[0])
        r["anchor"].append(anchor(work))
        r["noop"].append(build(content, out)[0])
        r["anchor"].append(anchor(work))
        edits += 1
        edit_goal(content, edits)
        r["edit"].append(build(content, out)[0])
        edits += 1
        r["watch"].append(watched_edit(content, out, edits))
        print(f"run {run + 1}: anchor {r['anchor'][-1]:.2f}s cold {r['cold'][-1]:.2f}s "
              f"noop {r['noop'][-1]:.2f}s edit {r['edit'][-1]:.2f}s watch {r['watch'][-1]:.2f}s", flush=True)
    if not args.skip_county:
        big, half = make_county(work, args.county), make_county(work, args.county // 2)
        large = make_county(work, args.large) if args.large else None
        for run in range(args.runs):
            shutil.rmtree(big.parent / "dist", ignore_errors=True)
            seconds, peak = build(big, big.parent / "dist", "--jobs", "2", sample=True)
            r["county"].append(seconds)
            peaks.append(peak)
            r["anchor"].append(anchor(work))
            ratios.append(seconds / r["anchor"][-1])  # against the anchor run just after it: the machine drifts
            shutil.rmtree(half.parent / "dist", ignore_errors=True)
            r["half"].append(build(half, half.parent / "dist", "--jobs", "2")[0])
            line = (f"county run {run + 1}: {args.county} projects {seconds:.1f}s ({ratios[-1]:.2f}× anchor, peak "
                    f"{peak / 2**20:.0f} MiB), {args.county // 2} projects {r['half'][-1]:.1f}s")
            if large:
                shutil.rmtree(large.parent / "dist", ignore_errors=True)
                seconds, peak = build(large, large.parent / "dist", "--jobs", "2", sample=True)
                r["large"].append(seconds)
                peaks.append(peak)
                line += f", {args.large} projects {seconds:.1f}s (peak {peak / 2**20:.0f} MiB)"
            print(line, flush=True)
        pdfs = sum(1 for _ in (big.parent / "dist").rglob("*.pdf") if ".cache" not in _.parts)
    loads.append(os.getloadavg()[0])
    med = {k: statistics.median(v) for k, v in r.items() if v}
    a = med["anchor"]
    print(f"\nmachine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"load average {loads[0]:.2f} before, {loads[-1]:.2f} after" + ("  (--busy: not a quiet machine)" if args.busy else ""))
    print(f"medians of {args.runs} runs; anchor {a:.2f} s in the full face ({min(r['anchor']):.2f}–{max(r['anchor']):.2f}, "
          f"spread {spread(r['anchor']):.0%}), {med['cut']:.2f} s in the cut faces")
    if spread(r["anchor"]) > SPREAD:
        print(f"FLAGGED: the anchor varies by {spread(r['anchor']):.0%} (> {SPREAD:.0%}): the machine was not steady; "
              "measure again before quoting these")
    print(f"cold full build   {med['cold']:6.2f} s  {med['cold'] / a:5.2f}× anchor   (target 0.8×)")
    print(f"no-op rebuild     {med['noop']:6.2f} s  {med['noop'] / a:5.2f}× anchor   (target 0.1×)")
    print(f"one goal edited   {med['edit']:6.2f} s  {med['edit'] / a:5.2f}× anchor   (target 0.45×)")
    print(f"edit under watch  {med['watch']:6.2f} s  {med['watch'] / a:5.2f}× anchor   (target 0.12×)")
    if not args.skip_county:
        print(f"county {args.county:4d} proj  {med['county']:6.2f} s  {statistics.median(ratios):5.2f}× anchor "
              f"(target 7×), peak {max(peaks) / 2**20:.0f} MiB (target 500), {pdfs} PDFs")
        print(f"county {args.county // 2:4d} proj  {med['half']:6.2f} s  → {args.county} projects cost "
              f"{med['county'] / med['half']:.2f}× {args.county // 2} (linear: 2.0)")
        if args.large:
            print(f"county {args.large:4d} proj  {med['large']:6.2f} s  → {med['large'] / med['county']:.2f}× the "
                  f"{args.county}'s (target {args.large / args.county * 1.06:.1f}×)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
