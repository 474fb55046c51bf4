"""Turn a tagged PDF into what is wrong with its structure tree, which page-validation does not look at: marked
content reaching no element, MCIDs used twice on a page, /Headers naming a missing or wrong cell, a table
read in another order than it is printed.

Run by the tests on every PDF the program writes and by `archive --check` (render/archive/intake.py) on those
that claim PDF/A-3a or PDF/UA-1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pikepdf

from render.bind import grid

# Operators that put marks on the page: each must be inside an element's marked content or an artifact.
PAINT = {"Tj", "TJ", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "BI", "Do"}
LIMIT = 20  # problems of one kind reported per file: the rest say nothing new


@dataclass
class Page:
    """What one page's content marks: its MCIDs in drawing order, each with its scope (None: the page's;
    a form's objgen where the form has /StructParents of its own), and what it paints outside any."""

    mcids: list[tuple] = field(default_factory=list)
    keys: dict = field(default_factory=dict)  # scope → its /StructParents
    untagged: int = 0  # painting operators neither in marked content with an MCID nor in an artifact


def check(path) -> list[str]:
    """`problems` of the PDF at `path`."""
    try:
        with pikepdf.open(path) as pdf:
            return problems(pdf)
    except Exception as e:  # a file made to break readers fails the check; it is not a fault of ours
        return [f"无法读出结构树（{type(e).__name__}）"]


def problems(pdf: pikepdf.Pdf) -> list[str]:
    """Everything wrong with the tree of an open PDF, each in one line (Chinese: the clerk reads them)."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return ["没有结构树（未加标签）"]
    found: list[str] = []
    number = {page.objgen: n for n, page in enumerate(pdf.pages)}
    pages = [_marks(page.obj, found, n) for n, page in enumerate(pdf.pages)]
    elements = list(_walk(root))
    owner = _owners(elements, number, found)
    parents = _parent_tree(root)
    for n, marks in enumerate(pages):
        for scope, mcid in dict.fromkeys(marks.mcids):
            key = marks.keys.get(scope)
            if (n, scope, mcid) not in owner:
                found.append(f"第 {n + 1} 页标记内容 MCID {mcid} 不属于结构树中的任何元素")
            elif key is None or parents.get((int(key), mcid)) != owner[(n, scope, mcid)]:
                found.append(f"第 {n + 1} 页 MCID {mcid} 的父树（ParentTree）条目与结构树不符")
        if marks.untagged:
            found.append(f"第 {n + 1} 页有 {marks.untagged} 处绘制内容既无标签也未标为 Artifact")
    for (n, scope, mcid) in owner:
        if (scope, mcid) not in pages[n].mcids:
            found.append(f"结构元素指向第 {n + 1} 页不存在的 MCID {mcid}")
    found += _tables(elements, pages, number)
    return _capped(found)


def _capped(found: list[str]) -> list[str]:
    out, kinds = [], {}
    for line in found:
        kind = re.sub(r"\d+", "N", line)
        kinds[kind] = kinds.get(kind, 0) + 1
        if kinds[kind] <= LIMIT:
            out.append(line)
    return out + ([f"（另有 {len(found) - len(out)} 处问题未列出）"] if len(out) < len(found) else [])


def _marks(page: pikepdf.Dictionary, found: list[str], n: int) -> Page:
    """The page's marked content, the forms it draws included (as drawn: an MCID in a form belongs to the
    page unless the form has its own /StructParents, which no writer of ours gives)."""
    out = Page(keys={None: page.get("/StructParents")})
    _read(page, page.get("/Resources") or pikepdf.Dictionary(), out, [], 0, None)
    seen = set()
    for mcid in out.mcids:
        if mcid in seen:
            found.append(f"第 {n + 1} 页 MCID {mcid[1]} 用了不止一次")
        seen.add(mcid)
    return out


def _read(owner, resources, out: Page, stack: list[str], depth: int, scope) -> None:
    properties = resources.get("/Properties") or pikepdf.Dictionary()
    for operands, operator in pikepdf.parse_content_stream(owner):
        op = str(operator)
        if op in ("BMC", "BDC"):
            tag = str(operands[0])
            props = operands[1] if op == "BDC" else None
            if isinstance(props, pikepdf.Name):
                props = properties.get(props)
            mcid = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
            if tag == "/Artifact":
                stack.append("artifact")
            elif mcid is not None:
                out.mcids.append((scope, int(mcid)))
                stack.append("mcid")
            else:
                stack.append("plain")
        elif op == "EMC":
            if stack:
                stack.pop()
        elif op in PAINT:
            inside = "artifact" in stack or "mcid" in stack
            form = (resources.get("/XObject") or {}).get(operands[0]) if op == "Do" else None
            if form is not None and form.get("/Subtype") == "/Form" and depth < 8 and "artifact" not in stack:
                inner = scope
                if "/StructParents" in form:
                    inner = form.objgen
                    out.keys[inner] = form.StructParents
                _read(form, form.get("/Resources") or resources, out, stack, depth + 1, inner)
            elif not inside:
                out.untagged += 1


def _kids(element) -> list:
    k = element.get("/K")
    return list(k) if isinstance(k, pikepdf.Array) else [] if k is None else [k]


def _walk(element, seen: set | None = None):
    """Every structure element under `element`, in reading order; each once, should the tree loop."""
    seen = set() if seen is None else seen
    for kid in _kids(element):
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/MCR", "/OBJR") and "/S" in kid:
            key = kid.objgen if kid.is_indirect else id(kid)
            if key in seen:
                continue
            seen.add(key)
            yield kid
            yield from _walk(kid, seen)


def _owners(elements, number: dict, found: list[str]) -> dict[tuple, tuple]:
    """(page index, scope, MCID) → the element whose content it is."""
    out: dict[tuple, tuple] = {}
    for element in elements:
        page = element.get("/Pg")
        for kid in _kids(element):
            if isinstance(kid, int):
                where, scope, mcid = page, None, int(kid)
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                where, mcid = kid.get("/Pg", page), int(kid.MCID)
                scope = kid.Stm.objgen if "/Stm" in kid else None
            else:
                continue
            if where is None or where.objgen not in number:
                found.append(f"结构元素 {element.S} 的 MCID {mcid} 没有所在页（/Pg）")
                continue
            key = (number[where.objgen], scope, mcid)
            if key in out:
                found.append(f"第 {key[0] + 1} 页 MCID {mcid} 属于两个结构元素")
            out[key] = element.objgen
    return out


def _parent_tree(root) -> dict[tuple[int, int], tuple]:
    """(StructParents key, MCID) → the element the parent tree names for it."""
    out: dict[tuple[int, int], tuple] = {}

    def read(node) -> None:
        for kid in node.get("/Kids", ()):
            read(kid)
        nums = list(node.get("/Nums", ()))
        for key, value in zip(nums[::2], nums[1::2], strict=True):
            if isinstance(value, pikepdf.Array):
                for mcid, element in enumerate(value):
                    if isinstance(element, pikepdf.Dictionary):
                        out[(int(key), mcid)] = element.objgen

    tree = root.get("/ParentTree")
    if tree is not None:
        read(tree)
    return out


def _tables(elements, pages: list[Page], number: dict) -> list[str]:
    """Each table's /Headers against its grid, and its cells read in the order they are drawn."""
    found = []
    ids = {bytes(e.ID): e for e in elements if "/ID" in e}
    for t, table in enumerate(e for e in elements if e.S == "/Table"):
        name = f"第 {t + 1} 个表格"
        rows = _rows(table)
        placed = grid.place([[grid.Cell(c.S == "/TH", _span(c, "/RowSpan"), _span(c, "/ColSpan")) for c in row]
                             for row in rows])
        where = {rows[p.row][p.index].objgen: p for p in placed}
        for p in placed:
            cell = rows[p.row][p.index]
            if p.cell.header:
                if _attribute(cell, "/Scope") not in ("/Row", "/Column", "/Both"):
                    found.append(f"{name}第 {p.row + 1} 行表头单元格没有 Scope")
                continue
            named = _attribute(cell, "/Headers")
            if not named:
                found.append(f"{name}第 {p.row + 1} 行第 {p.column + 1} 列数据单元格没有 /Headers")
                continue
            for header in named:
                target = ids.get(bytes(header))
                spot = where.get(target.objgen) if target is not None else None
                if spot is None or not spot.cell.header:
                    found.append(f"{name}第 {p.row + 1} 行第 {p.column + 1} 列的 /Headers 指向本表中不存在的表头 "
                                 f"{bytes(header).decode('latin-1')}")
                elif not _labels(spot, p, _attribute(target, "/Scope")):
                    found.append(f"{name}第 {p.row + 1} 行第 {p.column + 1} 列的 /Headers 指向不在其行或列上的表头 "
                                 f"{bytes(header).decode('latin-1')}")
        order = list(_content(table, number))
        drawn = {(n, *m): i for n, page in enumerate(pages) for i, m in enumerate(page.mcids)}
        positions = [(key[0], drawn[key]) for key in order if key in drawn]
        if positions != sorted(positions):
            found.append(f"{name}的结构顺序与印出的顺序不一致")
    return found


def _labels(header: grid.Placed, cell: grid.Placed, scope) -> bool:
    """A row header sits on one of the cell's rows, left of it; a column header above it, on its columns."""
    on_rows = set(header.rows) & set(cell.rows) and header.column < cell.column
    on_columns = set(header.columns) & set(cell.columns) and header.row < cell.row
    return bool({"/Row": on_rows, "/Column": on_columns}.get(str(scope), on_rows or on_columns))


def _content(element, number: dict, depth: int = 0):
    """(page index, scope, MCID) of everything under `element`, in the tree's order."""
    if depth > 64:  # deeper than any tree we write: a loop
        return
    page = element.get("/Pg")
    for kid in _kids(element):
        if isinstance(kid, int) and page is not None and page.objgen in number:
            yield number[page.objgen], None, int(kid)
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            where = kid.get("/Pg", page)
            if where is not None and where.objgen in number:
                yield number[where.objgen], kid.Stm.objgen if "/Stm" in kid else None, int(kid.MCID)
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield from _content(kid, number, depth + 1)


def _rows(table) -> list[list]:
    rows = []
    for kid in _kids(table):
        if not isinstance(kid, pikepdf.Dictionary):
            continue
        if kid.get("/S") in ("/THead", "/TBody", "/TFoot"):
            rows += [r for r in _kids(kid) if isinstance(r, pikepdf.Dictionary) and r.get("/S") == "/TR"]
        elif kid.get("/S") == "/TR":
            rows.append(kid)
    return [[c for c in _kids(r) if isinstance(c, pikepdf.Dictionary) and c.get("/S") in ("/TH", "/TD")]
            for r in rows]


def _attribute(element, key: str):
    attributes = element.get("/A")
    for a in (attributes if isinstance(attributes, pikepdf.Array) else [attributes] if attributes else []):
        if isinstance(a, pikepdf.Dictionary) and key in a:
            return a[key]
    return None


def _span(cell, key: str) -> int:
    value = _attribute(cell, key)
    return int(value) if value is not None else 1
