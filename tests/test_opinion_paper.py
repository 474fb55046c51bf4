"""The seed's 审核意见 read back as paper (pdfplumber): set as GB/T 9704 sets a 公文, and its lines filled:
no line of running text ends three characters short or more but a paragraph's last, and no two punctuation
marks show a full blank between them."""

from __future__ import annotations

import shutil
from collections import Counter

import pdfplumber
import pytest
from conftest import CONTENT, DEPT, run_cli, squash

from render.typeset import geometry

PT = 72 / 25.4
SIZE = geometry.GRID.size
ADVANCE = geometry.GRID.advance
MARKS = "，。、；：！？）（“”‘’《》〔〕"


@pytest.fixture(scope="module")
def opinion(tmp_path_factory):
    root = tmp_path_factory.mktemp("paper")
    shutil.copytree(CONTENT, root / "content")
    (root / "content" / DEPT / "审核.yml").write_text("审核单位: 平罗县财政局\n审核日期: 2025-01-25\n", encoding="utf-8")
    done = run_cli("review", str(root / "content"), "--out", str(root / "dist"))
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "dist" / DEPT / "审核意见.pdf"


def face(c: dict) -> tuple[str, int]:
    return c["fontname"].split("+", 1)[1], round(c["size"])


def body_lines(pdf) -> list[tuple[int, list[dict]]]:
    """Each line of 三号 text in reading order, with its page number (1-based): the title (二号) and the
    table (五号) left out."""
    out = []
    with pdfplumber.open(pdf) as doc:
        for n, page in enumerate(doc.pages, 1):
            chars = sorted((c for c in page.chars if round(c["size"]) == SIZE and c["text"].strip()),
                           key=lambda c: (c["bottom"], c["x0"]))
            lines: list[list[dict]] = []
            for c in chars:
                if lines and abs(lines[-1][0]["bottom"] - c["bottom"]) < SIZE / 3:
                    lines[-1].append(c)
                else:
                    lines.append([c])
            out += [(n, sorted(line, key=lambda c: c["x0"])) for line in lines]
    return out


def edges(page: int) -> tuple[float, float]:
    """The type area's left and right edge, in pt: odd pages are bound on the left."""
    p = geometry.PAGE
    left = (p.inner if page % 2 else p.outer) * PT
    return left, left + p.type_width * PT


def test_the_opinion_is_set_as_a_gongwen(opinion):
    """附件 in 黑体, the title in 小标宋 二号, the body in 仿宋 三号, 一级 headings in 黑体, 二级 in 楷体, on
    the grid's line pitch; nothing above the type area (no running head)."""
    with pdfplumber.open(opinion) as doc:
        chars = [c for page in doc.pages for c in page.chars if c["text"].strip()]
        above = [c["text"] for page in doc.pages for c in page.chars if c["bottom"] < geometry.PAGE.top * PT]
    text = "".join(c["text"] for c in chars)

    def faces(words: str) -> set[tuple[str, int]]:
        at = text.index(words)
        return {face(c) for c in chars[at:at + len(words)]}

    assert above == []
    assert faces("附件") == {("Noto-Sans-CJK-SC-GB", 16)}
    assert faces("预算绩效目标的审核意见") == {("Noto-Serif-CJK-SC-GB-Bold", 22)}
    assert faces("你单位报送的") == {("FandolFang-GB", 16)}
    assert faces("一、审核结论") == faces("三、整改要求") == {("Noto-Sans-CJK-SC-GB", 16)}
    assert faces("（一）2025年全区安置帮教经费") == {("FandolKai-GB", 16)}
    assert faces("共性问题。") == {("FandolKai-GB", 16)}
    # baselines of one face (another face's ascent sets its baseline a little apart in the same line box)
    first = [line for page, line in body_lines(opinion) if page == 1 and face(line[-1])[0] == "FandolFang-GB"]
    pitch = geometry.GRID.pitch
    steps = [(b[0]["bottom"] - a[0]["bottom"]) / pitch for a, b in zip(first, first[1:], strict=False)]
    assert steps and all(abs(s - round(s)) < 0.02 for s in steps), steps  # on the grid, blank lines too


def test_every_line_is_filled_but_a_paragraphs_last(opinion):
    lines = body_lines(opinion)
    # from the first paragraph on: 附件 and the addressee stand alone, flush left
    start = next(k for k, (page, line) in enumerate(lines) if line[0]["x0"] - edges(page)[0] > ADVANCE)
    short = []
    for k in range(start, len(lines) - 1):
        page, line = lines[k]
        left, right = edges(page)
        gap = (right - line[-1]["x1"]) / ADVANCE
        follower_page, follower = lines[k + 1]
        new_paragraph = follower[0]["x0"] - edges(follower_page)[0] > 1.5 * ADVANCE
        if gap >= 3 and not new_paragraph:
            short.append("".join(c["text"] for c in line))
        # a full line holds 28 characters' room, no more: it ends at the edge (a closing mark may stand out half)
        assert gap > -0.6, "".join(c["text"] for c in line)
    assert short == []
    # 28 characters to a line (26 after a paragraph's indent), where none is squeezed or half-width; fewer
    # where the next piece could not be cut (“2025年6月底前”), spaced out to the edge
    plain = []
    for page, line in lines[start:]:
        text = "".join(c["text"] for c in line)
        if all(not ch.isascii() for ch in text) and text[-1] not in MARKS and not any(
                a in MARKS and b in MARKS for a, b in zip(text, text[1:], strict=False)):
            indent = round((line[0]["x0"] - edges(page)[0]) / ADVANCE)
            if (edges(page)[1] - line[-1]["x1"]) / ADVANCE < 0.5:
                plain.append((len(text) + indent, text))
    counts = Counter(n for n, _ in plain)
    assert counts.most_common(1)[0][0] == 28 and max(counts) == 28, counts


def test_punctuation_is_squeezed_where_two_marks_meet(opinion):
    """（2处）：“ shows half a blank, not a full one: each mark that meets another takes half its width (and
    a justified line's spacing: 0.5 to 0.7 em, where a full blank is 1)."""
    pairs = []
    for _, line in body_lines(opinion):
        for a, b in zip(line, line[1:], strict=False):
            if a["text"] in MARKS and b["text"] in MARKS and face(a) == face(b):
                pairs.append((a["text"] + b["text"], (b["x0"] - a["x0"]) / SIZE))
    assert any(p == "）：" for p, _ in pairs) and any(p == "：“" for p, _ in pairs)
    assert all(step < 0.75 for _, step in pairs), [p for p in pairs if p[1] >= 0.75]


def test_numbers_and_units_are_spaced_as_gb_t_15835(opinion):
    with pdfplumber.open(opinion) as doc:
        text = squash("".join(page.extract_text() for page in doc.pages))
    assert "20人×55000元/年" in text and "2-效益指标4项中" in text
    assert "低于50%" not in text and "占0%" not in text  # the method's figures are the workbook's


def test_a_missing_shipped_face_is_named_by_the_preflight(monkeypatch):
    from render.typeset import fonts

    assert fonts.preflight() == [] or all("styles/fonts" not in p.message for p in fonts.preflight())
    monkeypatch.setitem(fonts.OFFICIAL_FACES, "仿宋", ("FandolFang GB", "无此字体.otf"))
    assert [p.message for p in fonts.preflight() if "styles/fonts/无此字体.otf" in p.message]
