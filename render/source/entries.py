"""Turn front-matter entries into the values their fields hold: text, amounts in 万元, dates."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal

from render.problems import Problem
from render.source import limits
from render.source import model as m
from render.source.limits import excerpt

_AMOUNT = re.compile(r"^[+-]?\d+(\.\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")  # 1,234.5: thousands separators


def read_amount(path: str, line: int, field: str, text: str) -> tuple[Decimal | None, list[Problem]]:
    """An amount in 万元 as a clerk types it: full-width digits and thousands separators are read (and
    said), anything else that is not a plain number is an error, and so is a negative one or a fraction
    of a fen."""
    typed = text.strip()
    shown = excerpt(typed)
    plain = unicodedata.normalize("NFKC", typed)
    how = ["全角字符"] if plain != typed else []
    if _GROUPED.match(plain):
        plain = plain.replace(",", "")
        how.append("千位分隔符")
    if not _AMOUNT.match(plain):
        what = "是空的" if not typed else f"“{shown}”不是数字"
        return None, [Problem(path, line, field, f"{what}（单位已是万元，只写数字，如 39.05）")]
    value = Decimal(plain.lstrip("+"))
    if value.adjusted() >= limits.MAX_AMOUNT_DIGITS:  # also before arithmetic: Decimal keeps 28 digits
        return None, [Problem(path, line, field, f"“{excerpt(typed)}”超过 {limits.MAX_AMOUNT_DIGITS} 位整数：单位是万元，请核对")]
    if value < 0:
        return None, [Problem(path, line, field, f"“{shown}”不能为负数")]
    places = -value.as_tuple().exponent
    if places > m.MAX_PLACES:
        return None, [Problem(path, line, field, f"“{shown}”有 {places} 位小数：单位是万元，"
                                                 f"最多 {m.MAX_PLACES} 位小数（即精确到分）")]
    if how:
        return value, [Problem(path, line, field, f"“{shown}”含{'和'.join(how)}，已按 {plain} 读取", "warning")]
    return value, []


def parse_date(text: str) -> dt.date | None:
    """Accept 2025-01-20, 2025/1/20 or 2025年1月20日."""
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text.strip())
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        return None
