"""Turn a 绩效值 as a clerk writes it into its number(s), unit and comparison."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Kind = Literal["number", "range", "year", "date", "words", "none", "empty"]

# Written signs and words, longest first so that 不低于 is not read as 低于. NFKC has already turned the
# full-width ＞＜＝ into > < =; ≧ ≦ ⩾ ⩽ it leaves alone.
_SIGNS = (
    (">=", "≥"), ("≧", "≥"), ("⩾", "≥"), ("≥", "≥"), ("不低于", "≥"), ("不少于", "≥"), ("不小于", "≥"),
    ("不下于", "≥"), ("至少", "≥"), ("达到", "≥"),
    ("<=", "≤"), ("≦", "≤"), ("⩽", "≤"), ("≤", "≤"), ("不高于", "≤"), ("不超过", "≤"), ("不大于", "≤"),
    ("不多于", "≤"), ("最多", "≤"),
    (">", ">"), ("高于", ">"), ("大于", ">"), ("多于", ">"), ("超过", ">"),
    ("<", "<"), ("低于", "<"), ("小于", "<"), ("少于", "<"),
    ("=", "="), ("等于", "="),
)
# 95%以上 says ≥ after the number.
_SUFFIX_SIGNS = (("及以上", "≥"), ("以上", "≥"), ("及以下", "≤"), ("以下", "≤"), ("以内", "≤"))
_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_DASH = r"\s*[-–—~～至到]\s*"
_RANGE = re.compile(rf"^({_NUMBER})\s*([^\d\s]*?){_DASH}({_NUMBER})\s*(.*)$")
_SINGLE = re.compile(rf"^({_NUMBER})\s*(.*)$")
# A bare year, or one that says only "in that year" (2025年内完成, 2025年度内): no deadline inside it.
_YEAR = re.compile(r"^(19|20)\d{2}\s*年(度|年度|全年|年内|内|度内|年度内)?(完成)?$")
# What a clerk writes for "this project has none of it": 生态效益 无, 四类's 社会成本 不涉及.
NONE = ("无", "不涉及", "无此项", "不适用", "/", "-", "—", "——")
# 20人（含兼职2人）, ≥95%（含）: a note after the value, which says nothing of its number (NFKC: full-width
# brackets are ASCII by then).
_NOTE = re.compile(r"\s*[(\[【][^()\[\]【】]*[)\]】]\s*$")
# The words before a number, or in a 成本 line's 三级指标, that make money a rate, and what it is per ("" for
# 单位成本: per the project's one count).
RATE_WORDS = {"人均": "人", "每人": "人", "次均": "次", "每次": "次", "户均": "户", "每户": "户",
              "件均": "件", "每件": "件", "每场": "场次", "场均": "场次", "单位成本": ""}
# 每人每月4583元, 人均500元: what the rate is per, written before the number; 元 after it then is 元/人/月.
_AVERAGE = "|".join(w for w in RATE_WORDS if w.endswith("均"))
_PER_BEFORE = re.compile(rf"^((?:每[^\d每]{{1,2}}?)+|{_AVERAGE})(?=[\d≥≤<>=不至最达])")
_IN_YEAR = re.compile(r"^(19|20)\d{2}\s*年\S")
# 12月底前, 6月30日前, 10月中旬: a deadline within the year, the year unsaid (12个月 is a duration).
_IN_MONTH = re.compile(r"^(1[0-2]|0?[1-9])\s*月\s*(\d{1,2}\s*日|底|末|前|初|中|上旬|中旬|下旬)")
# 每月月末, 每季度末, 每月10日前: a deadline that comes back each period (每月4583元 is a rate, read before).
_EACH_PERIOD = re.compile(r"^每个?(月|季度|季|半年|年|周|旬)(的)?[月季年]?(末|底|初|前|内|\d{1,2}\s*日)")
# 元每人每月 / 元/人·月 / 元/人/月: one spelling, the slashes.
_PER = re.compile(r"每|/|·|／")
MONEY = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000), "亿元": Decimal(100000000)}
TIME = {"月": Decimal(1), "年": Decimal(12)}  # in months: how 项目期限 pairs with a rate


@dataclass(frozen=True)
class Value:
    """A 绩效值 read: `low`..`high` (equal for a single number) in `unit`, with the comparison it states."""

    text: str
    kind: Kind
    sign: str = ""  # ≥ ≤ > < = or "" when none is written
    low: Decimal | None = None
    high: Decimal | None = None
    unit: str = ""  # normalised: 元/人/月, %, 万元, 人次, 年 …

    @property
    def quantified(self) -> bool:
        """A number a reviewer can check: with a unit or %, or a date; not a bare year."""
        return self.kind == "date" or self.kind in ("number", "range") and bool(self.unit)

    @property
    def base(self) -> str:
        """The unit before any “/”: 元 of 元/人/月, 人次 of 人次."""
        return self.unit.split("/")[0]

    @property
    def per(self) -> tuple[str, ...]:
        """What a rate is counted per: (人, 月) of 元/人/月."""
        return tuple(p for p in self.unit.split("/")[1:] if p)

    @property
    def money(self) -> Decimal | None:
        """元 per unit of the base when the value is money (1 for 元, 10000 for 万元), else None."""
        return MONEY.get(self.base)

    @property
    def amount_text(self) -> str:
        """The number as a reviewer reads it back: 300–500, 4583.33."""
        if self.low is None:
            return ""
        if self.kind == "range":
            return f"{format_number(self.low)}–{format_number(self.high)}"
        return format_number(self.low)


def format_number(n: Decimal) -> str:
    text = format(n, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def normal_unit(text: str) -> str:
    """元每人每月 → 元/人/月, 元/人·月 → 元/人/月, without spaces."""
    text = re.sub(r"\s+", "", text)
    parts = _PER.split(text)
    if len(parts) > 1:
        return "/".join([parts[0]] + [p for p in parts[1:] if p])
    return text


def parse(text: str) -> Value:
    """Read one 绩效值; anything that is not a number, a range or a bare year is words (qualitative)."""
    raw = text
    s = unicodedata.normalize("NFKC", text).strip()
    if not s:
        return Value(raw, "empty")
    if s in NONE:
        return Value(raw, "none")
    s = _NOTE.sub("", s) or s
    if _YEAR.match(s):
        year = Decimal(s[:4])
        return Value(raw, "year", "", year, year, "年")
    if _EACH_PERIOD.match(s):
        return Value(raw, "date", "", None, None, s)
    sign, s = _sign(s)
    s = s.strip()
    per = ""
    m = _PER_BEFORE.match(s)
    if m:
        words = m.group(1)
        per = "/".join(RATE_WORDS.get(w, w[1:]) for w in re.findall(rf"每[^\d每]{{1,2}}|{_AVERAGE}", words))
        s = s[len(words):]
        if not sign:
            sign, s = _sign(s.strip())
    suffix = ""
    for word, meaning in _SUFFIX_SIGNS:
        if s.endswith(word) and len(s) > len(word):
            s, suffix = s[: -len(word)].strip(), meaning
            break
    sign = sign or suffix
    if _IN_YEAR.match(s):  # 2025年年底, 2025年6月30日前: a deadline inside the year
        year = Decimal(s[:4])
        return Value(raw, "date", sign, year, year, s[4:].strip())
    if _IN_MONTH.match(s):
        return Value(raw, "date", sign, None, None, s)
    m = _RANGE.match(s)
    if m and (not m.group(2) or _unit_ok(m.group(2))) and _unit_ok(m.group(4)):
        low, high = _dec(m.group(1)), _dec(m.group(3))
        unit = _per(normal_unit(m.group(4) or m.group(2)), per)
        if low > high:
            low, high = high, low
        return Value(raw, "range", sign, low, high, unit)
    m = _SINGLE.match(s)
    if m and _unit_ok(m.group(2)):
        n = _dec(m.group(1))
        return Value(raw, "number", sign, n, n, _per(normal_unit(m.group(2)), per))
    return Value(raw, "words", sign)


def _per(unit: str, per: str) -> str:
    """元 of 每人每月4583元 with what it is per: 元/人/月; a unit without a number stays as it is."""
    return f"{unit}/{per}" if per and unit else unit


def _sign(s: str) -> tuple[str, str]:
    for word, meaning in _SIGNS:
        if s.startswith(word):
            return meaning, s[len(word):]
    return "", s


def _dec(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


# A unit is short and holds no digit and no sentence: 元/人/月, 人次, %, 万元, 场次, 个工作日.
_UNIT = re.compile(r"^[%‰]?$|^[^\d,，。；;：:（）()]{1,8}$")


def _unit_ok(unit: str) -> bool:
    return bool(_UNIT.match(unit.strip()))
