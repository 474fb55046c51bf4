"""Turn a tagged table's rows of cells (with their spans) into its real grid: where each cell sits, and the
header cells that label it.

Pure: the finisher (render/bind/tags.py, on WeasyPrint's objects) and the structure check
(render/bind/structure.py, on a written PDF) both read a table through it. WeasyPrint's own mapping shifts by
one column for every row that a rowspan from above reaches into (docs/weasyprint-rowspan-headers.md).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    header: bool  # TH
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Placed:
    """A cell where the grid puts it: row `row` (of the table's TRs), column `column`, `index` in its TR."""

    row: int
    index: int
    column: int
    cell: Cell

    @property
    def rows(self) -> range:
        return range(self.row, self.row + self.cell.rowspan)

    @property
    def columns(self) -> range:
        return range(self.column, self.column + self.cell.colspan)


COLUMN, ROW = "Column", "Row"


def place(rows: list[list[Cell]]) -> list[Placed]:
    """Each cell at the first column its row leaves free, after the cells merged into it from above (the
    HTML table model; ISO 32000-1 14.8.4.3.4 reads /RowSpan and /ColSpan the same way)."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, cells in enumerate(rows):
        column = 0
        for i, cell in enumerate(cells):
            while (r, column) in taken:
                column += 1
            spot = Placed(r, i, column, cell)
            taken.update((y, x) for y in spot.rows for x in spot.columns)
            out.append(spot)
            column += cell.colspan
    return out


def scopes(placed: list[Placed]) -> dict[Placed, str]:
    """Each header's scope. A header in a row of headers heads its column (the indicators' 一级指标…绩效值);
    one in a row that also holds data heads its row (项目名称 beside the name; 一级, 二级 and 三级 beside
    the 绩效值)."""
    data_rows = {p.row for p in placed if not p.cell.header}
    return {p: ROW if p.row in data_rows else COLUMN for p in placed if p.cell.header}


def headers(spot: Placed, placed: list[Placed], scope: dict[Placed, str]) -> list[Placed]:
    """The headers that label a cell, in reading order: for each grid row it covers, the row headers
    running up to its left (stopping at a data cell, so that 实施单位 labels only its own value, not the
    主管部门 before it), then the column headers above it."""
    at = {(y, x): p for p in placed for y in p.rows for x in p.columns}
    found: list[Placed] = []
    for y in spot.rows:
        run = []
        for x in range(spot.column - 1, -1, -1):
            other = at.get((y, x))
            if other is None or scope.get(other) != ROW:
                break
            if other not in run:
                run.insert(0, other)
        found += [p for p in run if p not in found]
    found += [p for p in placed if scope.get(p) == COLUMN and p.row < spot.row
              and set(p.columns) & set(spot.columns) and p not in found]
    return found
