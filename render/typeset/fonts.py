"""Turn the configured font faces into what they can print, and say what this machine lacks."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from render.resources import STYLES
from render.problems import Kind, Problem
from render.source import fields
from render.source import model as m
from render.typeset import fontconfig, libraries, weasy

FONT_FAMILY = "Noto Serif CJK SC"
# The same face cut down to GB 2312, shipped in styles/fonts/: what most text is set in (styles/form.css).
FAST_FAMILY = FONT_FAMILY + " GB"
SHIPPED = STYLES / "fonts"
FACE_STYLES = {"Regular": "", "Bold": "-Bold"}  # fontconfig's style, and what WeasyPrint appends to the PDF name


# The 审核意见's faces, as GB/T 9704 names them: family (styles/review.css) and shipped file. No licence-free
# 小标宋 exists; Noto Serif CJK SC Bold stands in, as on the tables' titles (docs/fonts.md says why these).
OFFICIAL_FACES = {
    "仿宋": ("FandolFang GB", "FandolFang-GB-Regular.otf"),
    "楷体": ("FandolKai GB", "FandolKai-GB-Regular.otf"),
    "黑体": ("Noto Sans CJK SC GB", "NotoSansCJKsc-GB-Regular.otf"),
}


def shipped_faces() -> list[Path]:
    """Every face file styles/fonts/ ships."""
    return [shipped_face(style) for style in FACE_STYLES] + [SHIPPED / file for _, file in OFFICIAL_FACES.values()]


def families() -> frozenset[str]:
    """The families a PDF may set text in: the shipped faces and the full face a character outside them
    falls back to; anything else is Pango's own fallback, and refused (render/typeset/layout.py)."""
    return frozenset({FONT_FAMILY, FAST_FAMILY} | {family for family, _ in OFFICIAL_FACES.values()})


def shipped_face(style: str) -> Path:
    """The cut-down face of that style in styles/fonts/ (styles/form.css names the same files)."""
    return SHIPPED / f"NotoSerifCJKsc-GB-{style}.otf"


def glyph_count() -> int:
    """The most glyphs a shipped face has: a subset of one keeps at most this many (maxp, read by fontTools,
    which WeasyPrint has loaded)."""
    from fontTools.ttLib import TTFont

    return max(TTFont(shipped_face(style), lazy=True)["maxp"].numGlyphs for style in FACE_STYLES)


def embedded_faces() -> dict[str, tuple[str, int]]:
    """Each face the PDFs may embed, by the name WeasyPrint gives it there (tag aside), with its file."""
    faces = {}
    for style, suffix in FACE_STYLES.items():
        faces[FAST_FAMILY.replace(" ", "-") + suffix] = (str(shipped_face(style)), 0)
        found = font_file(FONT_FAMILY, style)
        if found:
            faces[FONT_FAMILY.replace(" ", "-") + suffix] = found
    return faces


def preflight() -> list[Problem]:
    """What this machine lacks to print correctly, in words a clerk can pass on."""
    missing = []
    if not _has_harfbuzz_subset():
        missing.append(Problem("本机", 0, "程序库", "缺少 HarfBuzz 字体子集库（libharfbuzz-subset0）：请运行 make setup，"
                               "或 apt-get install libharfbuzz-subset0", kind=Kind.SETUP))
    if font_file(FONT_FAMILY, "Regular") is None or font_file(FONT_FAMILY, "Bold") is None:
        missing.append(Problem("本机", 0, "字体", f"缺少字体 {FONT_FAMILY}（常规与粗体）：请运行 make setup，"
                               "或 apt-get install fonts-noto-cjk", kind=Kind.SETUP))
    for path in shipped_faces():
        if not path.is_file():
            missing.append(Problem("本机", 0, "字体", f"缺少字体文件 {path.relative_to(STYLES.parent)}：请从本程序的"
                                   "版本库重新取出 styles/fonts/，或运行 scripts/make-fonts.py（docs/fonts.md）",
                                   kind=Kind.SETUP))
    return missing


@lru_cache(maxsize=1)
def _has_harfbuzz_subset() -> bool:
    # WeasyPrint's own answer once it is loaded; before, the library lookup it makes, without the second
    # that loading WeasyPrint takes (`check` runs after every edit).
    loaded = weasy.harfbuzz_subset_loaded()
    if loaded is not None:
        return loaded
    return libraries.load("harfbuzz-subset") is not None


def _fc_match(family: str, style: str, fields: str) -> str | None:
    try:
        return subprocess.run(["fc-match", "-f", fields, f"{family}:style={style}"],
                              capture_output=True, text=True, check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None


@lru_cache(maxsize=None)
def _picked(family: str, style: str) -> fontconfig.Match | None:
    """What fontconfig picks for the face: through libfontconfig (WeasyPrint's), else its fc-match."""
    if fontconfig.available():
        return fontconfig.match(family, style)
    out = _fc_match(family, style, "%{family}\t%{file}\t%{index}\t%{charset}")
    if out is None:
        return None
    families, file, index, charset = (out.split("\t") + ["", "", "0", ""])[:4]
    points: set[int] = set()
    for part in charset.split():
        first, _, last = part.partition("-")
        points.update(range(int(first, 16), int(last or first, 16) + 1))
    return fontconfig.Match(tuple(families.split(",")), file, int(index or 0), frozenset(points))


@lru_cache(maxsize=None)
def font_file(family: str, style: str) -> tuple[str, int] | None:
    """The file fontconfig picks for a face, or None when it would substitute another family."""
    picked = _picked(family, style)
    if picked is None or family not in picked.families:
        return None
    return picked.file, picked.index


@lru_cache(maxsize=None)
def coverage() -> frozenset[int]:
    """Code points that both embedded faces can draw, from fontconfig's own charset: what Pango sees."""
    sets = []
    for style in FACE_STYLES:
        picked = _picked(FONT_FAMILY, style) if font_file(FONT_FAMILY, style) else None
        if picked is None:
            return frozenset()
        sets.append(picked.charset)
    return frozenset(sets[0] & sets[1])


@lru_cache(maxsize=1)
def package_version() -> str:
    """The Debian package of the faces, else the font's own version: it decides the embedded glyphs."""
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "fonts-noto-cjk"],
                             capture_output=True, text=True, timeout=30)
        if out.returncode == 0 and out.stdout:
            return out.stdout
    except (OSError, subprocess.SubprocessError):
        pass
    found = font_file(FONT_FAMILY, "Regular")
    if not found:
        return "missing"
    from fontTools.ttLib import TTFont

    font = TTFont(found[0], fontNumber=found[1], lazy=True)
    return f"{FONT_FAMILY} {font['head'].fontRevision:.3f}"


def glyph_problems(projects: Iterable[m.Project]) -> list[Problem]:
    """Characters the embedded faces cannot draw would print as boxes: name each with its file and line."""
    drawable = coverage()
    if not drawable:
        return []  # preflight has already said the font is missing
    return [Problem(p.source, line, field, said) for p in projects for field, line, text in _texts(p)
            if (said := undrawable(text))]


# What every shipped face draws: ASCII, CJK punctuation and unified ideographs, full-width forms. A value of
# only these needs no look at the fonts (fontconfig starts in some 50 ms, which `verify` need not pay).
_COMMON = re.compile(r"[\x20-\x7e\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]*")


def unprintable(path: str, values: dict[str, str], lines: dict[str, int], keys: tuple[str, ...]) -> list[Problem]:
    """Each of `keys` whose value the PDF cannot print (an emoji, a control character, an Extension B
    character the faces lack): checked as a project file's text is, so that it is the clerk's to mend."""
    found = []
    for key in keys:
        if values.get(key) and not _COMMON.fullmatch(values[key]):
            if said := undrawable(values[key]):
                found.append(Problem(path, lines[key], key, said))
    return found


def department_problems(departments: Iterable[m.Department]) -> list[Problem]:
    """The texts of each department's 部门.yml the volume prints (its cover, its running heads, the archive's
    records) that the faces cannot: named at their lines as a project file's are."""
    found = []
    for d in departments:
        texts = {f.label: getattr(d.filing if hasattr(d.filing, f.attr) else d, f.attr) for f in fields.DEPARTMENT
                 if f.kind == "text" and f.label in d.lines}
        found += unprintable(d.source, {k: v for k, v in texts.items() if isinstance(v, str)}, d.lines, tuple(texts))
    return found


def undrawable(text: str) -> str:
    """What in `text` would print as boxes or not at all (an emoji, a control character, a character of CJK
    Extension B the faces lack), named, or "" when the faces draw all of it."""
    drawable = coverage()
    bad = sorted({ch for ch in text if ord(ch) not in drawable and ch not in "\t\n"}) if drawable else []
    if not bad:
        return ""
    names = "、".join(f"“{ch}”(U+{ord(ch):04X} {unicodedata.name(ch, '控制字符')})" for ch in bad[:5])
    return f"含有字体 {FONT_FAMILY} 无法显示的字符：{names}"


def _texts(p: m.Project):
    for f in fields.PROJECT:
        if f.kind == "text":
            yield f.label, p.lines.get(f.label, 1), getattr(p, f.attr)
    for para in p.goal:
        yield fields.GOAL, p.lines.get(fields.GOAL, 1), para
    for level in p.levels:  # the labels too: a bureau's own scheme may name them in any characters
        yield "一级指标", level.line, level.label
        for group in level.groups:
            yield "二级指标", group.line, group.label
            for ind in group.indicators:
                yield "三级指标", ind.line, ind.name
                yield "绩效值", ind.line, ind.value


# The shipped faces' advance widths where they are not 1 em (Latin, digits, some punctuation), made from the
# faces by `write_advances` (scripts/make-fonts.py calls it; a test checks it against the faces): reading
# them from the faces takes 0.2 s, in the critical path of every build's first table.
ADVANCES = SHIPPED / "advances.json"


def measured_advances(style: str) -> tuple[dict[int, int], int]:
    """The face's own advance widths, by code point, and its units per em."""
    from fontTools.ttLib import TTFont

    face = TTFont(shipped_face(style), lazy=True)
    metrics = face["hmtx"].metrics
    return {code: metrics[name][0] for code, name in face.getBestCmap().items()}, face["head"].unitsPerEm


DASH = "—"  # the 一字线 either side of a page number


def measured_heights(style: str) -> dict[str, float]:
    """The face's line metrics (hhea's, which Pango sets a line by) and the middle of its dash's ink, in
    its units above the baseline."""
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    face = TTFont(shipped_face(style), lazy=True)
    glyphs = face.getGlyphSet()
    pen = BoundsPen(glyphs)
    glyphs[face.getBestCmap()[ord(DASH)]].draw(pen)
    return {"ascent": face["hhea"].ascent, "descent": -face["hhea"].descent,
            "dash_middle": (pen.bounds[1] + pen.bounds[3]) / 2}


def write_advances() -> None:
    table = {}
    for style in FACE_STYLES:
        advances, upem = measured_advances(style)
        table[style] = {"upem": upem, "advances": {str(c): a for c, a in sorted(advances.items()) if a != upem},
                        "heights": measured_heights(style), "sha256": face_digest(style)}
    ADVANCES.write_text(json.dumps(table, indent=0, sort_keys=True) + "\n", encoding="utf-8")


def face_digest(style: str) -> str:
    return hashlib.sha256(shipped_face(style).read_bytes()).hexdigest()


def recorded_digests() -> dict[str, str]:
    """The digest of each shipped face that styles/fonts/advances.json was measured from: it stands for the
    face's 5 MB in every cache key (render/produce/cache.py), and tests/test_advances.py checks it."""
    table = json.loads(ADVANCES.read_text(encoding="utf-8"))
    return {style: table[style]["sha256"] for style in FACE_STYLES}


@lru_cache(maxsize=None)
def _advances(bold: bool) -> tuple[dict[int, int], int]:
    face = json.loads(ADVANCES.read_text(encoding="utf-8"))["Bold" if bold else "Regular"]
    return {int(c): a for c, a in face["advances"].items()}, face["upem"]


@lru_cache(maxsize=None)
def heights(bold: bool = False) -> tuple[float, float, float]:
    """The face's ascent, descent and the middle of its dash above the baseline, in ems (measured_heights)."""
    face = json.loads(ADVANCES.read_text(encoding="utf-8"))["Bold" if bold else "Regular"]
    h = face["heights"]
    return h["ascent"] / face["upem"], h["descent"] / face["upem"], h["dash_middle"] / face["upem"]


def text_em(text: str, bold: bool = False) -> float:
    """The advance width of a line of text in ems, as the shipped face sets it (a character it lacks, like
    every Han character: 1 em)."""
    advances, upem = _advances(bold)
    return sum(advances.get(ord(c), upem) for c in text) / upem
