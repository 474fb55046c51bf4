"""Turn a volume's frame tree and its tables' own trees into one structure tree: each table's elements where
its empty slots stood, in reading order (cover, 目录, 汇总表, chart, the tables), their marked content found
in the form each table page is drawn as.

A table page is laid onto its slot as a form XObject (render/bind/assemble.py); its MCIDs keep their numbers,
scoped by the form's own /StructParents, and each element points at them through a marked-content
reference naming the form (ISO 32000-1 14.7.4.3). Element IDs and /Headers get the table's number in front,
so that they stay unique in the volume; the table's title becomes an H2 under the cover's H1.
"""

from __future__ import annotations

import pikepdf
from pikepdf import Name

SKIP = ("/MCR", "/OBJR")
COPIED = {"/Alt", "/ActualText", "/Lang", "/T", "/E"}


def graft(volume: pikepdf.Pdf, sources: list[pikepdf.Pdf], slots: list[tuple[int, int, pikepdf.Object]]) -> None:
    """`slots`: for each table page in order, (table, volume page index, the form it is drawn as). The slots
    are the frame's empty Div elements, in the same order."""
    root = volume.Root.get("/StructTreeRoot")
    if root is None:
        return
    nums = root.ParentTree.Nums
    key = max([int(k) for k in list(nums)[::2]] + [-1]) + 1
    empty = [e for e in _walk(root) if e.S == "/Div" and not _kids(e)]
    if len(empty) < len(slots):
        raise ValueError(f"the frame has {len(empty)} empty slots for {len(slots)} table pages")
    forms: dict[tuple[int, tuple], tuple[pikepdf.Object, pikepdf.Object, int]] = {}
    pages_of: dict[int, list[tuple]] = {}
    for table, page, form in slots:
        source_page = sources[table].pages[len(pages_of.setdefault(table, []))]
        pages_of[table].append(source_page.objgen)
        form.StructParents = key
        forms[(table, source_page.objgen)] = (volume.pages[page].obj, form, key)
        key += 1
    parents: dict[int, dict[int, pikepdf.Object]] = {}
    done: set[int] = set()
    for (table, _, _), slot in zip(slots, empty, strict=False):
        parent = slot.P
        kids = list(parent.K)
        at = next(i for i, k in enumerate(kids) if k.objgen == slot.objgen)
        grafted = []
        if table not in done:
            done.add(table)
            document = sources[table].Root.StructTreeRoot.K[0]
            grafted = [_copy(volume, e, parent, f"p{table + 1}-", forms, table, parents) for e in _kids(document)]
        parent.K = pikepdf.Array(kids[:at] + grafted + kids[at + 1:])
    for k in sorted(parents):
        nums.append(k)
        nums.append(pikepdf.Array([parents[k].get(m, None) for m in range(max(parents[k]) + 1)]))
    root.ParentTreeNextKey = key
    _id_tree(volume, root)


def _copy(volume, element, parent, prefix: str, forms, table: int, parents) -> pikepdf.Object:
    """A new element of the volume for `element` of a table's PDF, and its descendants."""
    present = set(element.keys())
    tag = element.S
    new = volume.make_indirect(pikepdf.Dictionary(Type=Name.StructElem, S=Name.H2 if tag == "/H1" else tag,
                                                  P=parent))
    for key in present & COPIED:
        new[key] = element[key]
    if "/ID" in present:
        new.ID = pikepdf.String(prefix + str(element.ID))
    if "/A" in present:
        attributes = pikepdf.Dictionary({k: v for k, v in element.A.items()})  # a direct copy: not shared
        if "/Headers" in attributes:
            attributes.Headers = pikepdf.Array([pikepdf.String(prefix + str(h)) for h in attributes.Headers])
        new.A = attributes
    page = element.get("/Pg")
    where = forms.get((table, page.objgen)) if page is not None else None
    if where is not None:
        new.Pg = where[0]
    kids = []
    for kid in _kids(element, with_content=True):
        if isinstance(kid, int) and where is not None:
            pg, form, key = where
            kids.append(pikepdf.Dictionary(Type=Name.MCR, Pg=pg, Stm=form, MCID=int(kid)))
            parents.setdefault(key, {})[int(kid)] = new
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            kids.append(_copy(volume, kid, new, prefix, forms, table, parents))
    new.K = pikepdf.Array(kids)
    return new


def _kids(element, with_content: bool = False) -> list:
    k = element.get("/K")
    items = list(k) if isinstance(k, pikepdf.Array) else [] if k is None else [k]
    if with_content:
        return items
    return [x for x in items if isinstance(x, pikepdf.Dictionary) and "/S" in x and x.get("/Type") not in SKIP]


def _walk(element):
    for kid in _kids(element):
        yield kid
        yield from _walk(kid)


def _id_tree(volume, root) -> None:
    named = sorted(((bytes(e.ID), e) for e in _walk(root) if "/ID" in e), key=lambda x: x[0])
    if named:
        root.IDTree = volume.make_indirect(pikepdf.Dictionary(
            Names=pikepdf.Array([x for key, e in named for x in (pikepdf.String(key), e)])))
    elif "/IDTree" in root:
        del root["/IDTree"]
