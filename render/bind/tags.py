"""Turn WeasyPrint's structure tree into the form's: table headers from the real grid, page furniture as
artifacts, and the PDF/UA-1 identification beside the PDF/A one.

Runs inside the finisher (render/bind/archive.py), on WeasyPrint's pydyf objects, before they are written.
What WeasyPrint 70 leaves for us (docs/weasyprint.md, "Tags"): no /Scope on a TH; /Headers from a mapping
that drifts under rowspans; the margin boxes' text (the page number) marked as content of elements that are
not in the tree; a figure without a text alternative (the draft mark) in the tree; XMP naming one standard.
"""

from __future__ import annotations

import re

import pydyf

from render.bind import grid
from render.typeset import weasy

# ISO 14289-1 6.7.11 and ISO 19005-3 6.6.2.3.3: a schema outside PDF/A's own is declared in the XMP.
UA_XMP = b"""<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" \
xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Indicates which part of ISO 14289 standard is followed</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"><pdfuaid:part>1</pdfuaid:part>\
</rdf:Description>
"""
RDF_END = b"</rdf:RDF>"
CELLS = ("/TH", "/TD")
ROW_GROUPS = ("/THead", "/TBody", "/TFoot")
# What a screen reader skips: the page number, repeated on every page.
ARTIFACT = pydyf.Dictionary({"Type": "/Pagination"})


def finish(pdf: pydyf.PDF, words: dict[int, str]) -> None:
    """`words`: each link annotation's words, by its object number (weasy.link_words)."""
    if "StructTreeRoot" not in pdf.catalog:
        return
    root = weasy.pdf_object(pdf, pdf.catalog["StructTreeRoot"])
    elements = list(_elements(pdf, root))
    _layout_tables(pdf, elements)
    for n, table in enumerate(e for e in elements if e.get("S") == "/Table"):
        label_cells(pdf, table, f"t{n + 1}")
    _id_tree(pdf, root)
    _drop_decoration(pdf, root)
    _links(pdf, root, words)
    _artifacts(pdf, root)
    identify(pdf)


def _kids(pdf, element) -> list:
    """The structure elements under `element` (its marked-content ids and annotations left out)."""
    out = []
    for kid in element.get("K", ()):
        if _is_reference(kid):
            obj = weasy.pdf_object(pdf, kid)
            if obj.get("Type") == "/StructElem":
                out.append(obj)
    return out


def _elements(pdf, element) -> list:
    """`element`'s descendants in reading order."""
    out, stack = [], _kids(pdf, element)[::-1]
    while stack:
        kid = stack.pop()
        out.append(kid)
        stack += _kids(pdf, kid)[::-1]
    return out


def rows_of(pdf, table) -> list[list]:
    """A Table element's TRs (inside THead, TBody, TFoot or directly), each as its TH and TD elements."""
    rows = []
    for kid in _kids(pdf, table):
        if kid.get("S") in ROW_GROUPS:
            rows += [r for r in _kids(pdf, kid) if r.get("S") == "/TR"]
        elif kid.get("S") == "/TR":
            rows.append(kid)
    return [[c for c in _kids(pdf, row) if c.get("S") in CELLS] for row in rows]


def _span(cell, key: str) -> int:
    attributes = cell.get("A") or {}
    return int(attributes.get(key, 1))


def label_cells(pdf, table, prefix: str) -> None:
    """Give each TH an ID and a /Scope, and each TD the /Headers that the grid gives it."""
    rows = rows_of(pdf, table)
    placed = grid.place([[grid.Cell(c.get("S") == "/TH", _span(c, "RowSpan"), _span(c, "ColSpan")) for c in row]
                         for row in rows])
    scope = grid.scopes(placed)
    element = {p: rows[p.row][p.index] for p in placed}
    name = {p: f"{prefix}r{p.row}c{p.column}" for p in scope}
    for p in placed:
        attributes = element[p].get("A")
        if attributes is None:
            attributes = element[p]["A"] = pydyf.Dictionary({"O": "/Table"})
        if p in scope:
            element[p]["ID"] = pydyf.String(name[p])
            attributes["Scope"] = f"/{scope[p]}"
            attributes.pop("Headers", None)
        else:
            attributes["Headers"] = pydyf.Array(pydyf.String(name[h]) for h in grid.headers(p, placed, scope))


def _id_tree(pdf, root) -> None:
    """/IDTree, which ISO 32000-1 14.7.2 requires once an element has an ID (WeasyPrint writes none)."""
    named = sorted(((e["ID"], e) for e in _elements(pdf, root) if "ID" in e), key=lambda x: str(x[0].string))
    if named:
        tree = pydyf.Dictionary({"Names": pydyf.Array(x for key, e in named for x in (key, e.reference))})
        pdf.add_object(tree)
        root["IDTree"] = tree.reference


def _drop_decoration(pdf, root) -> None:
    """Take every figure without a text alternative out of the tree, with the elements holding only it:
    our templates give each figure that means something a title (the chart); one without is the draft
    mark, which a screen reader should not read on every page. Its content becomes an artifact."""
    def prune(element) -> bool:  # True: nothing left worth reading
        if element.get("S") == "/Figure" and "Alt" not in element:
            return True
        kids = _kids(pdf, element)
        dropped = {weasy.object_number(k) for k in kids if prune(k)}
        if dropped:
            element["K"] = pydyf.Array(k for k in element["K"] if not _is_one_of(pdf, k, dropped))
        own = [k for k in element.get("K", ()) if not isinstance(k, (bytes, str)) or not _is_one_of(pdf, k, dropped)]
        return bool(dropped) and not own and element.get("S") in ("/Div", "/NonStruct", "/Span")

    prune(root)


def _links(pdf, root, words: dict[int, str]) -> None:
    """Each link annotation under its Link element (ISO 14289-1 7.18.5), with the link's words in
    /Contents (7.18.1; WeasyPrint puts the anchor's name there). WeasyPrint gives every inline box inside an
    `<a>` (our `keep` spans) an annotation of its own, filed under that box's Span; generated content in a
    link (the contents' dot leader) is taken out of the tree, to become an artifact."""
    parents = weasy.pdf_object(pdf, root["ParentTree"])["Nums"]
    slot = {key: i for i, key in enumerate(parents[::2])}
    annotations: dict[int, list] = {}
    moved: dict[int, tuple] = {}  # link's number → (the link, the annotations' OBJRs moved up to it)

    def walk(element, link) -> None:
        kept = []
        for kid in list(element.get("K", ())):
            obj = weasy.pdf_object(pdf, kid) if _is_reference(kid) else None
            if obj is not None and obj.get("Type") == "/OBJR" and link is not None:
                annotation = weasy.pdf_object(pdf, obj["Obj"])
                annotations.setdefault(weasy.object_number(link), []).append(annotation)
                if link is not element:
                    moved.setdefault(weasy.object_number(link), (link, []))[1].append(kid)
                    parents[2 * slot[annotation["StructParent"]] + 1] = link.reference
                    continue
            if obj is not None and obj.get("Type") == "/StructElem":
                walk(obj, obj if obj.get("S") == "/Link" else link)
                if link is not None and obj.get("S") == "/NonStruct":
                    continue  # generated content: the leader
            kept.append(kid)
        if len(kept) != len(element.get("K", ())):
            element["K"] = pydyf.Array(kept)

    walk(root, None)
    for link, objrs in moved.values():
        link["K"].extend(objrs)
    for linked in annotations.values():
        said = [words.get(weasy.object_number(a), "") for a in linked]
        text = max(said, key=len) if said else ""
        for annotation in linked:
            annotation["Contents"] = pydyf.String(text)


def _layout_tables(pdf, elements: list) -> None:
    """A table without a header cell lays text out; it is not data. The 目录 (each row a link) becomes a
    TOC of TOCI entries, a label and references; any other such table a Div of Divs. WeasyPrint has no way
    for the HTML to say so (no `role`)."""
    for table in [e for e in elements if e.get("S") == "/Table"]:
        rows = rows_of(pdf, table)
        if any(c.get("S") == "/TH" for row in rows for c in row):
            continue
        trs = [weasy.pdf_object(pdf, r) for r in _row_references(pdf, table)]
        toc = bool(trs) and all(any(e.get("S") == "/Link" for e in _elements(pdf, tr)) for tr in trs)
        table["S"] = "/TOC" if toc else "/Div"
        table["K"] = pydyf.Array(tr.reference for tr in trs)
        for tr, cells in zip(trs, rows, strict=True):
            tr["S"] = "/TOCI" if toc else "/Div"
            tr["P"] = table.reference
            for cell in cells:
                cell.pop("A", None)
                linked = any(e.get("S") == "/Link" for e in _elements(pdf, cell))
                cell["S"] = ("/Reference" if linked else "/Lbl") if toc else "/Div"


def _row_references(pdf, table) -> list:
    out = []
    for kid in table.get("K", ()):
        obj = weasy.pdf_object(pdf, kid) if _is_reference(kid) else None
        if obj is None:
            continue
        if obj.get("S") in ROW_GROUPS:
            out += [k for k in obj.get("K", ()) if _is_reference(k) and weasy.pdf_object(pdf, k).get("S") == "/TR"]
        elif obj.get("S") == "/TR":
            out.append(kid)
    return out


def _is_reference(kid) -> bool:
    """In a /K array: an element or OBJR (pydyf writes references as bytes), not an MCID (an int)."""
    return isinstance(kid, bytes)


def _is_one_of(pdf, kid, numbers: set[int]) -> bool:
    return _is_reference(kid) and weasy.object_number(weasy.pdf_object(pdf, kid)) in numbers


def _artifacts(pdf, root) -> None:
    """Every marked-content sequence whose element is not in the tree becomes an artifact, and leaves the
    parent tree. WeasyPrint tags the margin boxes' text (the page number) under elements it never links
    into the tree (its tags.py: an Artifact there is allowed only in PDF 2.0); ISO 14289-1 7.1 wants each
    piece of content either in the tree or an artifact."""
    reachable = {weasy.object_number(root)} | {weasy.object_number(e) for e in _elements(pdf, root)}
    parents = weasy.pdf_object(pdf, root["ParentTree"])
    nums = parents["Nums"]
    pages = [weasy.pdf_object(pdf, page) for page in weasy.page_references(pdf)]
    for key, value in zip(nums[::2], nums[1::2], strict=True):
        if not isinstance(value, pydyf.Array) or key >= len(pages):
            continue
        orphans = {mcid for mcid, reference in enumerate(value)
                   if weasy.object_number(weasy.pdf_object(pdf, reference)) not in reachable}
        if not orphans:
            continue
        for mcid in orphans:
            value[mcid] = "null"
        while value and value[-1] == "null":
            value.pop()
        _unmark(weasy.pdf_object(pdf, pages[key]["Contents"]), orphans)


def _unmark(stream, mcids: set[int]) -> None:
    """`/Tag <</MCID n>> BDC` → `/Artifact <</Type /Pagination>> BDC` for each n given."""
    items = weasy.stream_items(stream)
    for i, item in enumerate(items):
        if (isinstance(item, pydyf.Dictionary) and item.get("MCID") in mcids and i > 0
                and i + 1 < len(items) and items[i + 1] == b"BDC"):
            items[i - 1] = "/Artifact"
            items[i] = ARTIFACT


UA_PART = re.compile(rb"pdfuaid:part")


def identify(pdf) -> None:
    """The XMP says PDF/UA-1 as well as PDF/A-3a, with the extension schema PDF/A asks for pdfuaid."""
    if "Metadata" not in pdf.catalog:
        return
    stream = weasy.pdf_object(pdf, pdf.catalog["Metadata"])
    data = weasy.stream_bytes(stream)
    if UA_PART.search(data) or RDF_END not in data:
        return
    weasy.set_stream_bytes(stream, data.replace(RDF_END, UA_XMP + RDF_END, 1))
