"""`review` on a department of its own (tests/review_variants.py, not the seed): every correct variant draws
no finding at 需修改 or 建议修改, every one-defect copy draws the finding of the rule it is about."""

from __future__ import annotations

import pytest
from review_variants import CORRECT, DEFECTS, alarms, caught, judge


@pytest.mark.parametrize("variant", CORRECT, ids=[v.name for v in CORRECT])
def test_a_correct_variant_draws_no_serious_finding(tmp_path, variant):
    assert [str(f) for f in alarms(judge(tmp_path, variant))] == []


@pytest.mark.parametrize("variant", DEFECTS, ids=[v.name for v in DEFECTS])
def test_a_defect_draws_the_finding_it_is_about(tmp_path, variant):
    found = judge(tmp_path, variant)
    assert caught(variant, found), [str(f) for fs in found.values() for f in fs]


def test_the_set_is_large_enough():
    assert len(DEFECTS) >= 30 and len(CORRECT) >= 10
    assert len({v.name for v in CORRECT + DEFECTS}) == len(CORRECT + DEFECTS)
