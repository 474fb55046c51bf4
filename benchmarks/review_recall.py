"""How well `review` reads: on the test set of tests/review_variants.py (a department of its own, not the
seed), the share of one-defect copies caught by their rule at 需修改 or 建议修改 (and at any level), the
correct variants given a finding at those levels (false alarms), and the other serious findings each defect
drew besides its own. Usage: python benchmarks/review_recall.py [-v]"""

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from review_variants import CORRECT, DEFECTS, STEMS, alarms, caught, judge  # noqa: E402


def main(verbose: bool) -> None:
    serious = anywhere = 0
    extra = []
    for v in DEFECTS:
        with tempfile.TemporaryDirectory(prefix="mubiaobiao-recall-") as scratch:
            found = judge(Path(scratch), v)
        hit = caught(v, found)
        serious += hit
        anywhere += any(f.rule.id in v.must for f in found[STEMS[v.where]])
        others = [f for f in alarms(found) if f.rule.id not in v.must]
        extra += others
        if verbose or not hit:
            print(f"{'caught' if hit else 'MISSED'} {v.name} ({'/'.join(sorted(v.must))})"
                  + "".join(f"\n    also {f.rule.id} {f.message}" for f in others))
    false = []
    for v in CORRECT:
        with tempfile.TemporaryDirectory(prefix="mubiaobiao-recall-") as scratch:
            wrong = alarms(judge(Path(scratch), v))
        if wrong:
            false.append(v.name)
            print(f"FALSE ALARM {v.name}: " + "; ".join(f"{f.rule.id} {f.message}" for f in wrong))
    n = len(DEFECTS)
    print(f"defects caught at 需修改/建议修改: {serious} of {n} ({100 * serious / n:.0f}%); at any level: {anywhere} of {n}")
    print(f"correct variants with a finding at 需修改/建议修改: {len(false)} of {len(CORRECT)}")
    print(f"other findings at 需修改/建议修改 on the defect variants: {len(extra)} in {n} variants")


if __name__ == "__main__":
    main("-v" in sys.argv[1:])
