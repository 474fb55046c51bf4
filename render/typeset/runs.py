"""Turn text into pieces that a line must not break: a number with its sign and unit, a short parenthesis."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# Units as the forms write them; longer ones first, so that 万元 is not read as 万 then 元.
_UNIT = r"(?:万元|千元|元|人次|人|户次|户|次|个月|个|件|天|日|小时|周|月|年|家|场|期|项|份|名|册|篇|所|台|套|公里|米|吨|%|‰)"
_NUMBER = r"[≥≤＞＜>＝=≈±~<]?\d+(?:[.,]\d+)*(?:[-~～]\d+(?:\.\d+)*)?"
# Pango breaks between a Han character and a figure, after ≥ and inside （区级）: these runs it must not.
# Marks that may not open or end a line go with the run, as Pango keeps them with it anyway: （260元/人/年） is
# one piece for the chart's wrap too. A word alone (人次) is not a run: Pango allows no break beside a quotation
# mark, so “人次”） held whole left a line of the 审核意见 no break at all, and it ran out of its cell.
# A figure with its sign and unit alone, the part of a run no line may cut even where a long run must be (GB/T
# 15835): 12万元, ≥95%, 200-1000元/人.
QUANTITY = re.compile(rf"{_NUMBER}(?: ?{_UNIT}(?:/{_UNIT})*)?")
RUN = re.compile(
    r"[“‘《「『（]*(?:"
    rf"{_NUMBER}(?: ?{_UNIT}(?:/{_UNIT})*)?"  # ≥95%, 8万元, ≤30元/人, 200-1000元/人, 4583.33 元/人/月
    rf"|{_UNIT}(?:/{_UNIT})+"  # 元/人/次
    r"|目标\d+[：:]"  # a goal's own numbering: 目标2：
    r"|（[^（）\s]{1,6}）|\([^()\s]{1,6}\)"  # （区级）, （司法协理员）
    r")[”’）》」』，。、；：！？]*"
)


def pieces(text: str) -> list[str]:
    """`text` cut where a line may break: each run whole, every other character on its own."""
    out, at = [], 0
    for match in RUN.finditer(text):
        out += list(text[at:match.start()])
        out.append(match.group())
        at = match.end()
    return out + list(text[at:])


def _needs(run: str) -> bool:
    # figures alone hold together already; wrapping them only adds spans
    return not run.isdigit()


def keep(text: object) -> Markup:
    """Escaped text with each run that must stay on one line in `<span class="nb">` (styles/form.css)."""
    if isinstance(text, Markup):
        return text
    text = str(text)
    out, at = [], 0
    for match in RUN.finditer(text):
        if _needs(match.group()):
            out += [escape(text[at:match.start()]), Markup('<span class="nb">{}</span>').format(match.group())]
            at = match.end()
    return Markup("").join(out + [escape(text[at:])])


# The characters at least that go down with the leader: `8万元` alone on the last line of an entry read as a
# line of its own (目录 entry 9); `经费8万元` reads as the end of the title.
TAIL = 5


def keep_tail(text: object) -> Markup:
    """As `keep`, with the last pieces (TAIL characters at least) in `<span class="tail">`: the contents
    hang their dot leader on it, so that an entry as long as its line takes its last words along to the
    leader's line."""
    text = str(text)
    parts = pieces(text)
    if not parts:
        return Markup("")
    cut = len(parts) - 1
    while cut > 0 and len("".join(parts[cut:])) < TAIL:
        cut -= 1
    return keep("".join(parts[:cut])) + Markup('<span class="tail">{}</span>').format("".join(parts[cut:]))


QUOTES = "“”‘’"
CLOSING = "，。、；：！？）》」』”’"  # marks a line may not start with


def glued(text: str) -> list[str]:
    """`text` cut where a line may break as Pango breaks it: the pieces, joined where a quotation mark or a
    closing one stands between them (如“≥95%”“≤30人” is one)."""
    out: list[str] = []
    for piece in pieces(text):
        if out and (out[-1][-1] in QUOTES or piece[0] in QUOTES or piece[0] in CLOSING):
            out[-1] += piece
        else:
            out.append(piece)
    return out
