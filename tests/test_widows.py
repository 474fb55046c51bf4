"""No cell of a table ends in a line of one character, and a unit's name is never broken: read back from the
seed's PDFs (pdfplumber gives each ruled cell's lines)."""

from __future__ import annotations

import pdfplumber
import pytest

from conftest import DEPT
from render.typeset import columns, geometry, runs, widows


def cells(path):
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                for row in table:
                    yield from (cell for cell in row if cell)


@pytest.fixture(scope="module")
def printed(built) -> dict[str, list[str]]:
    return {path.name: list(cells(path)) for path in sorted((built / DEPT).glob("*.pdf"))}


def test_no_cell_of_the_seed_ends_in_a_lone_character(printed):
    lonely = [(name, cell) for name, found in printed.items() for cell in found
              if "\n" in cell and len(cell.split("\n")[-1].strip().rstrip(runs.CLOSING)) <= 1]
    assert not lonely, lonely
    # the cells that had one before, whole now
    seen = "".join(cell for found in printed.values() for cell in found)
    for text in ("社会和谐\n稳定。", "强化基层\n法治", "促进社会\n稳定", "完成\n时效"):
        assert text in seen, text


def test_a_unit_name_is_never_broken(printed):
    units = [cell for found in printed.values() for cell in found if cell.startswith("018001-")]
    assert len(units) == 2 * (len(printed) - 1)  # each table's own, and again in the volume  # one a table, one a table in the volume
    assert set(units) == {"018001-\n平罗县司法局本级"}


def test_the_lines_are_reckoned_from_the_face():
    page = geometry.PAGE
    width = 11.5 * page.em + 2 * page.cell_padding + columns.RULES  # mm: 11 Han characters a line
    text = "解决高校毕业生就业，促进社会稳定"
    found = widows.lines(text, width)
    assert ["".join(line) for line in found] == ["解决高校毕业生就业，促", "进社会稳定"]
    assert str(widows.fitted(text, width)) == text  # five on the last line: nothing to mend
    short = "解决高校毕业生就业，促进"  # 12: one alone on the second line
    assert widows.lonely(widows.lines(short, width)[-1])
    assert str(widows.fitted(short, width)) == '解决高校毕业生就业，<span class="nb">促进</span>'
    assert str(widows.fitted("<b>", width)) == "&lt;b&gt;"  # still escaped: content is data


def test_the_cover_lines_start_under_one_another_and_no_contents_entry_ends_in_its_amount(built):
    volume = next((built / DEPT).glob("*部门项目支出预算绩效目标表.pdf"))
    with pdfplumber.open(volume) as pdf:
        cover = {w["text"][:4]: w["x0"] for w in pdf.pages[0].extract_words() if w["text"].startswith("编制")}
        contents = pdf.pages[2].extract_text().split("\n")
    assert set(cover) == {"编制单位", "编制日期"}
    assert abs(cover["编制单位"] - cover["编制日期"]) < 0.3  # points; they were 2.3 mm apart, centred each
    at = next(n for n, line in enumerate(contents) if line.startswith("9."))
    last = contents[at + 1].split(".")[0].strip()  # the line the leader is on, up to its first dot
    assert len(last) >= runs.TAIL and last.endswith("8万元"), contents[at:at + 2]
