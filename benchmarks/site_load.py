"""Load the site as a county would: N accounts of N departments saving at once (issue 31).

    python benchmarks/site_load.py [--accounts 60] [--seconds 60]

Loopback only, bounded: a temporary content folder of N departments (each one of the seed's tables, its
department renamed), built once, N 填报员 accounts, `build.py serve` on a free port of 127.0.0.1; then N
threads, one per account, each in a loop for --seconds: open its project's editor, change a 绩效值, 保存,
and fetch the preview's first page. A save started before the deadline finishes (each bounded by a
10-minute timeout), then the server is stopped and the folder removed.
Prints saves per second, the median and 95th percentile from 保存 to the refreshed preview received, the
peak memory of the server's process tree (the site and its build workers), errors (must be 0) and the
load average before and after (the machine is shared: say so when quoting).
"""

from __future__ import annotations

import argparse
import html
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "data" / "content" / "2025" / "018-平罗县司法局"
PROJECT = "01-2025年全区安置帮教经费"
PASSWORD = "Load-test-password-31"
TIMEOUT = 600  # seconds a request may take before it counts as an error


def content(root: Path, n: int) -> list[str]:
    """N departments, codes 101…, each with the seed's first table as its own; their codes."""
    codes = []
    text = (SEED / f"{PROJECT}.md").read_text(encoding="utf-8")
    for i in range(n):
        code, name = f"{101 + i:03d}", f"测试部门{i + 1:02d}"
        folder = root / "2025" / f"{code}-{name}"
        folder.mkdir(parents=True)
        (folder / "部门.yml").write_text(f'部门名称: {name}\n部门编码: "{code}"\n年度: 2025\n编制日期: 2025-01-20\n',
                                        encoding="utf-8")
        (folder / f"{PROJECT}.md").write_text(text.replace("018-平罗县司法局", f"{code}-{name}")
                                              .replace("018001-平罗县司法局本级", f"{code}001-{name}本级"), encoding="utf-8")
        codes.append(code)
    return codes


def accounts(content_dir: Path, out: Path, state: Path, codes: list[str]) -> None:
    """One 填报员 per department, made as `user add` makes them, in one process (N processes would take minutes)."""
    sys.path.insert(0, str(ROOT))
    from render.site import settings

    settings.configure(content_dir, out, state, jobs=1)
    settings.migrate()
    from django.contrib.auth import get_user_model

    from render.site.models import Account

    for code in codes:
        user = get_user_model().objects.create_user(f"clerk{code}", password=PASSWORD)
        Account.objects.create(user=user, role="填报员", departments=code)


class Browser:
    """A clerk's browser: cookies, the CSRF token from its cookie, forms posted as the page has them."""

    def __init__(self, base: str):
        self.base, self.jar = base, http.cookiejar.CookieJar()
        self.open = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar)).open

    def get(self, path: str) -> bytes:
        with self.open(self.base + path, timeout=TIMEOUT) as answer:
            return answer.read()

    def post(self, path: str, fields: list[tuple[str, str]]) -> bytes:
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        body = urllib.parse.urlencode([("csrfmiddlewaretoken", token), *fields]).encode()
        with self.open(urllib.request.Request(self.base + path, body, headers={"Referer": self.base + path}),
                       timeout=TIMEOUT) as answer:
            return answer.read()

    def login(self, name: str) -> None:
        self.get("/login/")
        page = self.post("/login/", [("username", name), ("password", PASSWORD)]).decode()
        if "退出" not in page:
            raise RuntimeError(f"{name}: login refused")


def editor_form(page: str) -> list[tuple[str, str]]:
    """The editor form's fields, in order, as the browser posts them."""
    form = page[page.index('id="editor"'):page.index("</form>", page.index('id="editor"'))]
    form = form[: form.find('<template id="row-template"')] if "<template" in form else form
    fields = [(html.unescape(n), html.unescape(v)) for n, v in re.findall(r'<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', form)]
    goal = re.search(r'<textarea name="goal"[^>]*>(.*?)</textarea>', form, re.S)
    return [f for f in fields if f[0] != "csrfmiddlewaretoken"] + [("goal", html.unescape(goal.group(1)))]


def clerk(base: str, code: str, deadline: float, times: list[float], errors: list[str]) -> None:
    browser, url = Browser(base), f"/p/2025/{code}/{urllib.parse.quote(PROJECT)}/"
    try:
        browser.login(f"clerk{code}")
        n = 0
        while time.monotonic() < deadline:
            n += 1
            fields = editor_form(browser.get(url).decode())
            at = next(i for i, (k, _) in enumerate(fields) if k == "value")
            fields[at] = ("value", f"≥{n}人（压力测试）")
            started = time.monotonic()
            page = browser.post(url + "save", fields).decode()  # the redirect to the editor, followed
            src = re.search(r'<img src="(page-1\.png\?v=[0-9a-f]+)"', page)
            if f"≥{n}人（压力测试）" not in page or src is None or "已保存" not in page:
                errors.append(f"{code}: save {n} not shown with its preview")
                continue
            if browser.get(url + html.unescape(src.group(1)))[:4] != b"\x89PNG":
                errors.append(f"{code}: preview {n} is not a PNG")
                continue
            times.append(time.monotonic() - started)
    except Exception as e:  # counted, not raised: every thread's errors are reported together
        errors.append(f"{code}: {type(e).__name__}: {e}")


def tree_rss(pid: int) -> int:
    """Resident memory of a process and its descendants, in bytes (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            total += int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{p}/status").read_text()).group(1)) * 1024
        except (OSError, AttributeError):
            pass
    return total


def wait_for(base: str, seconds: float = 300) -> None:
    """Until the site answers (it migrates and starts its workers first)."""
    until = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(base + "/login/", timeout=5).read()
            return
        except OSError:
            if time.monotonic() > until:
                raise
            time.sleep(0.5)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--accounts", type=int, default=60)
    ap.add_argument("--seconds", type=float, default=60)
    args = ap.parse_args()
    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="site-load-"))
    server = None
    try:
        codes = content(work / "content", args.accounts)
        out, state = work / "dist", work / "state"
        built = subprocess.run([sys.executable, str(ROOT / "build.py"), "--content", str(work / "content"), "--out",
                                str(out), "--jobs", "2", "-q"], capture_output=True, text=True, timeout=1800)
        if built.returncode:
            print(built.stdout + built.stderr)
            return 1
        accounts(work / "content", out, state, codes)
        port = free_port()
        server = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--content", str(work / "content"),
                                   "--out", str(out), "--state", str(state), "--bind", f"127.0.0.1:{port}"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        wait_for(base)
        time.sleep(5)  # the site's own first build (nothing to do: built above) and warm workers
        times: list[float] = []
        errors: list[str] = []
        peak, started = 0, time.monotonic()
        deadline = started + args.seconds
        threads = [threading.Thread(target=clerk, args=(base, c, deadline, times, errors), daemon=True) for c in codes]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads) and time.monotonic() < deadline + TIMEOUT:
            peak = max(peak, tree_rss(server.pid))
            time.sleep(1)
        elapsed = time.monotonic() - started
        ordered = sorted(times)
        p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)] if ordered else float("nan")
        print(f"{args.accounts} 个账户（{args.accounts} 个部门）同时保存 {args.seconds:.0f} 秒（最后一次保存完成共 {elapsed:.0f} 秒）")
        print(f"保存 {len(times)} 次，每秒 {len(times) / elapsed:.2f} 次；从保存到预览图收到：中位数 "
              f"{statistics.median(ordered) if ordered else float('nan'):.1f} 秒，95% {p95:.1f} 秒")
        print(f"服务器进程树内存峰值 {peak / 2**20:.0f} MB；错误 {len(errors)} 个")
        for e in errors[:10]:
            print("  ", e)
        print(f"负载（1/5/15 分钟）之前 {load_before[0]:.1f}/{load_before[1]:.1f}/{load_before[2]:.1f}，之后 "
              f"{'/'.join(f'{x:.1f}' for x in os.getloadavg())}；{os.cpu_count()} 个核，与其他进程共用")
        return 1 if errors else 0
    finally:
        if server is not None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=120)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
