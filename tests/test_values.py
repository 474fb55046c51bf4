"""render/review/values.py: a 绩效值 read into number(s), unit and comparison, however the clerk typed it."""

from __future__ import annotations

from decimal import Decimal
from itertools import product

import pytest

from render.review.values import parse

D = Decimal

# (written, kind, sign, low, high, unit)
CASES = [
    ("≥95%", "number", "≥", "95", "95", "%"),
    ("≥95％", "number", "≥", "95", "95", "%"),
    ("＞＝９５％", "number", "≥", "95", "95", "%"),
    (">=95%", "number", "≥", "95", "95", "%"),
    ("≧95%", "number", "≥", "95", "95", "%"),
    ("不低于90%", "number", "≥", "90", "90", "%"),
    ("不少于14场次", "number", "≥", "14", "14", "场次"),
    ("95%以上", "number", "≥", "95", "95", "%"),
    ("95%及以上", "number", "≥", "95", "95", "%"),
    ("≤0.03%", "number", "≤", "0.03", "0.03", "%"),
    ("<=3万元", "number", "≤", "3", "3", "万元"),
    ("≦3万元", "number", "≤", "3", "3", "万元"),
    ("不高于3万元", "number", "≤", "3", "3", "万元"),
    ("不超过30人", "number", "≤", "30", "30", "人"),
    ("30人以内", "number", "≤", "30", "30", "人"),
    ("＜5%", "number", "<", "5", "5", "%"),
    ("=100%", "number", "=", "100", "100", "%"),
    ("100%", "number", "", "100", "100", "%"),
    ("20人", "number", "", "20", "20", "人"),
    ("１２万元", "number", "", "12", "12", "万元"),
    ("82.38万元", "number", "", "82.38", "82.38", "万元"),
    ("1,500元/件", "number", "", "1500", "1500", "元/件"),
    ("4583.33元每人每月", "number", "", "4583.33", "4583.33", "元/人/月"),
    ("4583.33元/人/月", "number", "", "4583.33", "4583.33", "元/人/月"),
    ("4583.33 元/人·月", "number", "", "4583.33", "4583.33", "元/人/月"),
    ("260元/人/年", "number", "", "260", "260", "元/人/年"),
    ("55000元/年", "number", "", "55000", "55000", "元/年"),
    ("2500元/次", "number", "", "2500", "2500", "元/次"),
    ("300元/人次", "number", "", "300", "300", "元/人次"),
    ("200-1000元/人", "range", "", "200", "1000", "元/人"),
    ("300–500", "range", "", "300", "500", ""),
    ("300-500元/人次", "range", "", "300", "500", "元/人次"),
    ("300元～500元/人次", "range", "", "300", "500", "元/人次"),
    ("5至10次", "range", "", "5", "10", "次"),
    ("１０—５", "range", "", "5", "10", ""),
    ("2025年", "year", "", "2025", "2025", "年"),
    ("２０２５年", "year", "", "2025", "2025", "年"),
    ("2025年度", "year", "", "2025", "2025", "年"),
    ("2025年年度", "year", "", "2025", "2025", "年"),
    ("2025年年底", "date", "", "2025", "2025", "年年底"),
    ("2025年6月30日前", "date", "", "2025", "2025", "年6月30日前"),
    ("2025年内完成", "year", "", "2025", "2025", "年"),
    ("2025年度内", "year", "", "2025", "2025", "年"),
    ("2025年完成", "year", "", "2025", "2025", "年"),
    # the rate before the number: 每人每月4583元 is 4583 元/人/月
    ("每人每月4583元", "number", "", "4583", "4583", "元/人/月"),
    ("每人每月≥4583元", "number", "≥", "4583", "4583", "元/人/月"),
    ("人均500元", "number", "", "500", "500", "元/人"),
    ("每场2500元", "number", "", "2500", "2500", "元/场次"),
    ("4583元每人每年", "number", "", "4583", "4583", "元/人/年"),
    # a note in brackets says nothing of the number
    ("20人（含兼职2人）", "number", "", "20", "20", "人"),
    ("≥95%（含）", "number", "≥", "95", "95", "%"),
    ("≥95%(含)", "number", "≥", "95", "95", "%"),
    ("12月底前", "date", "", None, None, "12月底前"),
    ("6月30日前", "date", "", None, None, "6月30日前"),
    ("12个月", "number", "", "12", "12", "个月"),
    ("无", "none", "", None, None, ""),
    ("/", "none", "", None, None, ""),
    ("不涉及", "none", "", None, None, ""),
    ("有效促进", "words", "", None, None, ""),
    ("明显改善", "words", "", None, None, ""),
    ("每月月末完成支付", "date", "", None, None, "每月月末完成支付"),  # a deadline each month
    ("每季度末", "date", "", None, None, "每季度末"),
    ("每季度≥1次", "number", "≥", "1", "1", "次/季度"),
    ("人民调解挽回经济损失1000万元", "words", "", None, None, ""),
    ("", "empty", "", None, None, ""),
    ("   ", "empty", "", None, None, ""),
]


@pytest.mark.parametrize("text,kind,sign,low,high,unit", CASES)
def test_parse(text, kind, sign, low, high, unit):
    v = parse(text)
    assert (v.kind, v.sign, v.low, v.high, v.unit) == (kind, sign, low and D(low), high and D(high), unit)
    assert v.text == text  # the clerk's own spelling stays for the message


SIGNS = {"≥": ["≥", ">=", "≧", "＞＝", "不低于", "不少于"], "≤": ["≤", "<=", "≦", "＜＝", "不高于", "不超过"],
         "": [""]}
NUMBERS = {"95": D(95), "９５": D(95), "0.5": D("0.5"), "1,200": D(1200), "４５８３.３３": D("4583.33")}
UNITS = {"%": "%", "％": "%", "人次": "人次", "万元": "万元", "元/人/月": "元/人/月", "元每人每月": "元/人/月",
         "元/场次": "元/场次", "件": "件"}


@pytest.mark.parametrize("sign,spelling", [(s, w) for s, ws in SIGNS.items() for w in ws])
def test_every_spelling_of_a_sign_with_every_number_and_unit(sign, spelling):
    for (number, n), (unit, meant) in product(NUMBERS.items(), UNITS.items()):
        v = parse(f"{spelling}{number}{unit}")
        assert (v.kind, v.sign, v.low, v.high, v.unit) == ("number", sign, n, n, meant), f"{spelling}{number}{unit}"
        assert v.quantified


@pytest.mark.parametrize("dash", ["-", "–", "—", "~", "～", "至", "到", " - "])
def test_every_dash_of_a_range(dash):
    v = parse(f"200{dash}1000元/人")
    assert (v.kind, v.low, v.high, v.unit, v.amount_text) == ("range", D(200), D(1000), "元/人", "200–1000")


@pytest.mark.parametrize("text,base,per,money", [
    ("4583.33元每人每月", "元", ("人", "月"), D(1)), ("12万元", "万元", (), D(10000)), ("20人", "人", (), None),
    ("300-500元/人次", "元", ("人次",), D(1)), ("≥95%", "%", (), None)])
def test_units_split_into_base_and_per(text, base, per, money):
    v = parse(text)
    assert (v.base, v.per, v.money) == (base, per, money)


@pytest.mark.parametrize("text,quantified", [("≥95%", True), ("20人", True), ("300–500", False), ("2025年", False),
                                             ("2025年年底", True), ("有效促进", False), ("", False)])
def test_quantified_means_a_number_with_a_unit_or_a_date(text, quantified):
    assert parse(text).quantified is quantified
