"""Time what the bounds (render/source/limits.py) read at their limit or refuse past it: the tests check
what is said and the memory, never the clock, so the times are measured here.

    python benchmarks/limits.py [--runs 3]

Prints the median seconds, each a whole command (`python build.py …`) but the first two:
  rules 1 MB     a rules file just under its limit, read (in time linear in its size: 10 MB once took 600 s)
  rules 11 MB    one past it, refused unread
  paste rows     a paste of ROWS + 1 lines, refused by `import` as one problem
  100,000 rows   a project file of 100,000 rows, refused by `check` by its size
  zip bomb       a 1 MB .xlsx that inflates to 1 GB, refused by `import` from its zip directory
The README's 限制 quotes these (0.3 s for the bomb, under a second for the 100,000 rows). Run it on a
quiet machine (benchmarks/bench.py says why).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # the tests' own makers of these files, not a copy of them

from conftest import department_file, long_rows, project_file  # noqa: E402
from test_import_limits import bomb  # noqa: E402
from test_review import largest_rules  # noqa: E402

from render.review import rules as rl  # noqa: E402
from render.source import limits  # noqa: E402


def clock(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def command(*args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True, check=False, timeout=600)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    runs = ap.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        rules = tmp / "大.yml"
        largest_rules(rules)
        big = tmp / "大11.yml"
        big.write_bytes(rules.read_bytes() * 11)
        paste = tmp / "长.txt"
        paste.write_text("不认识\t1\n" * (limits.ROWS + 1), encoding="utf-8")
        content = tmp / "content"
        dept = content / "2025" / "901-测试局"
        department_file(dept, "901", "测试局")
        table = project_file(dept, "01-巨表", "巨表", "901-测试局", "1", long_rows(3))
        with table.open("a", encoding="utf-8") as f:
            f.write("|  |  | 对刑满释放人员进行衔接帮教率 | ≥95% |\n" * 100_000)
        book = tmp / "炸弹.xlsx"
        bomb(book, 1024 * limits.MB)
        cases = {
            "rules 1 MB": lambda: rl.load(rules, tmp),
            "rules 11 MB": lambda: rl.load(big, tmp),
            "paste rows": lambda: command("import", str(paste), "--content", str(tmp / "imported")),
            "100,000 rows": lambda: command("check", "--content", str(content)),
            "zip bomb": lambda: command("import", str(book), "--content", str(tmp / "imported")),
        }
        for name, fn in cases.items():
            print(f"{name:14} {statistics.median(clock(fn) for _ in range(runs)):.2f} s")


if __name__ == "__main__":
    main()
