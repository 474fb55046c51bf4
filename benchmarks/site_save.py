"""Measure the site from the click on 保存 to the refreshed preview, in Chromium, beside the anchor; then
twenty browsers saving different projects at once.

    python benchmarks/site_save.py [--runs 5] [--browsers 20] [--rounds 3] [--busy]

The site is `build.py serve` itself (waitress, the warm workers, the watcher), started on 127.0.0.1 over a
county made from the seed (--browsers departments of ten tables, as benchmarks/bench.py makes it), with
one 填报员 account for all of them; Debian's chromium is driven by Playwright.

  save     one browser: the 年度总体绩效目标 of a table changed, then the time from the click on 保存 to the
           first frame that shows the new preview, by the page's own clock (the table's PDF rebuilt and
           drawn in between; the volume is bound after the answer); median of --runs, each next to an
           anchor run (benchmarks/anchor.py, as bench.py measures it): the ratio is the median of the
           pairs. Also as Playwright sees it: its waits poll at growing intervals (up to half a second),
           so it sees the new preview some 0.4 s after the page shows it.
  crowd    --browsers browser contexts (each its own session, as many browsers are) in one Chromium, each
           saving a table of its own department at the same moment, --rounds times: every save's time to
           its preview, their median and 95th percentile; then every file is checked to hold its browser's
           last text and every table's PDF to print it.

Loopback only, bounded: at most 50 browsers, each wait at most WAIT seconds. The server and the temp
folder are removed at the end, whatever happens. Like bench.py it refuses a load average of 1.5 or more
unless --busy (the machine is shared: say so with the figures).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import PY, ROOT, anchor, compiled, make_county, quiet, spread  # noqa: E402

PASSWORD = "bench-site-pass-9Xq"
WAIT = 300_000  # ms: the longest any one step may take before the run is abandoned
MOST = 50  # browsers at most: a benchmark, not a load test of the machine others share


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(content: Path, out: Path, state: Path, codes: list[str]) -> tuple[subprocess.Popen, str]:
    """The site, as a bureau starts it, with one clerk for these departments; its address once it answers."""
    subprocess.run([PY, str(ROOT / "build.py"), "user", "add", "clerk", "--role", "填报员", "--department", *codes,
                    "--out", str(out), "--state", str(state)], input=PASSWORD + "\n", text=True, check=True,
                   capture_output=True)
    port = free_port()
    proc = subprocess.Popen([PY, str(ROOT / "build.py"), "serve", "--content", str(content), "--out", str(out),
                             "--state", str(state), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + WAIT / 1000
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"serve ended with {proc.returncode}") from None
            time.sleep(0.5)
    raise SystemExit("serve did not answer")


def stop(proc: subprocess.Popen) -> None:
    """Ctrl-C, as a person stops it (the build under way finishes, the workers end); killed if it hangs."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


async def logged_in(browser, url: str):
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(WAIT)
    await page.goto(url + "/login/")
    await page.fill("input[name=username]", "clerk")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(url + "/")
    return page


# In the page, the clerk's clock: the click's own time (its event's timeStamp) and the frame that first shows
# the new preview (the animation frame after the script put the decoded images and the notice in).
WATCH = """() => {
  document.querySelector("button.primary").addEventListener("click", e => { window.clicked = e.timeStamp; }, true);
  new MutationObserver((_, seen) => {
    if (document.getElementById("saved")) { seen.disconnect(); requestAnimationFrame(() => { window.shown = performance.now(); }); }
  }).observe(document.body, {subtree: true, childList: true, attributes: true});
}"""


async def save(page, editor: str, mark: str) -> tuple[float, float]:
    """Seconds from the click on 保存 to the first frame that shows the new preview, as the page's own clock
    has them; and as Playwright sees them (its click, its wait for the notice, the first image decoded: its
    round trips to the browser and its polling added). The goal ends in `mark`."""
    await page.goto(editor)
    goal = await page.input_value("textarea[name=goal]")
    await page.fill("textarea[name=goal]", re.sub(r"（第[^）]*）$", "", goal) + mark)
    await page.evaluate(WATCH)
    start = time.monotonic()
    await page.click("button.primary")
    await page.wait_for_selector("#saved")
    await page.locator(".preview img").first.evaluate("i => i.decode()")
    outside = time.monotonic() - start
    await page.wait_for_function("window.shown !== undefined")
    inside = await page.evaluate("(window.shown - window.clicked) / 1000")
    return inside, outside


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def check(content: Path, out: Path, expected: dict[Path, str]) -> list[str]:
    """Every file holds its browser's last text, and its table's PDF prints it."""
    wrong = []
    for path, text in expected.items():
        if text not in path.read_text(encoding="utf-8"):
            wrong.append(f"{path.name}: the file lost its save")
        pdf = out / path.relative_to(content).with_suffix(".pdf")
        printed = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        if squash(text) not in squash(printed):
            wrong.append(f"{pdf.name}: the PDF does not print the saved text")
    return wrong


def percentile(values: list[float], p: float) -> float:
    """Nearest rank: the smallest value with at least p % of them at or below it."""
    ordered = sorted(values)
    return ordered[max(math.ceil(len(ordered) * p / 100), 1) - 1]


async def measure(args, work: Path) -> None:
    from playwright.async_api import async_playwright

    content = make_county(work, 10 * args.browsers)
    out, state = work / "dist", work / "state"
    departments = sorted(d for d in (content / "2025").iterdir() if d.is_dir())
    proc, url = serve(content, out, state, [d.name.split("-")[0] for d in departments])
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
            targets = [sorted(d.glob("*.md"))[0] for d in departments]
            editors = [f"{url}/p/2025/{t.parent.name.split('-')[0]}/{quote(t.stem)}/" for t in targets]
            one = await logged_in(browser, url)
            await save(one, editors[0], "（第0次修改）")  # the first build of all, the workers warmed
            saves, seen, anchors = [], [], []
            for run in range(args.runs):
                inside, outside = await save(one, editors[0], f"（第{run + 1}次修改）")
                saves.append(inside)
                seen.append(outside)
                await asyncio.sleep(2)  # the volume bound and the watcher's look at the saved file settled
                anchors.append(anchor(work))
                print(f"run {run + 1}: save→preview {inside:.3f} s (Playwright {outside:.3f} s), anchor {anchors[-1]:.2f} s",
                      flush=True)
            pages = [one] + [await logged_in(browser, url) for _ in targets[1:]]
            crowd, expected = [], {}
            for rnd in range(args.rounds):
                texts = [f"（第{rnd + 1}轮浏览器{k + 1}）" for k in range(len(targets))]
                crowd += [inside for inside, _ in await asyncio.gather(
                    *(save(pg, e, tx) for pg, e, tx in zip(pages, editors, texts, strict=True)))]
                expected = dict(zip(targets, texts, strict=True))
                print(f"round {rnd + 1}: {len(targets)} saves at once, slowest {max(crowd[-len(targets):]):.2f} s", flush=True)
                await asyncio.sleep(2)
            await browser.close()
        wrong = check(content, out, expected)
    finally:
        stop(proc)
    ratios = [s / a for s, a in zip(saves, anchors, strict=True)]
    a = statistics.median(anchors)
    print(f"load average (1 min) before {args.load:.2f}, after {os.getloadavg()[0]:.2f}")
    print(f"anchor median {a:.2f} s ({min(anchors):.2f}–{max(anchors):.2f}, spread {spread(anchors):.0%})")
    print(f"one browser, save → preview: median {statistics.median(saves):.3f} s, "
          f"{statistics.median(ratios):.2f}× the anchor (target 0.2×); as Playwright sees it "
          f"{statistics.median(seen):.3f} s, {statistics.median([s / a for s, a in zip(seen, anchors, strict=True)]):.2f}×")
    print(f"{len(targets)} browsers at once, {args.rounds} rounds, {len(crowd)} saves: median {statistics.median(crowd):.2f} s, "
          f"95th percentile {percentile(crowd, 95):.2f} s, slowest {max(crowd):.2f} s")
    print("every save kept, every PDF right" if not wrong else "WRONG:\n" + "\n".join(wrong))
    if wrong:
        raise SystemExit(1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--browsers", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--busy", action="store_true", help="measure even with the load average above 1.5")
    args = ap.parse_args()
    args.browsers = max(1, min(args.browsers, MOST))
    compiled()
    args.load = os.getloadavg()[0] if args.busy else quiet(120)
    work = Path(tempfile.mkdtemp(prefix="bench-site-"))
    try:
        asyncio.run(measure(args, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
