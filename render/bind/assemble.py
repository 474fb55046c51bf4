"""Turn a volume's frame and its tables' own PDFs into the bound volume, with the sources attached."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pikepdf
from pikepdf import Name, Rectangle

from render.bind import archive, embed, graft
from render.typeset import fonts, geometry, streams


def assemble(frame: bytes, tables: tuple[bytes, ...], placements,
             attachments: tuple[tuple[str, bytes], ...], stamp: datetime, duplex: bool = True) -> bytes:
    """Lay each table page onto its numbered slot; the frame keeps its PDF/A metadata, bookmarks, links."""
    with pikepdf.open(io.BytesIO(frame)) as volume:
        for page in volume.pages:
            _own_resources(volume, page)
        sources = [pikepdf.open(io.BytesIO(data)) for data in tables]
        try:
            slots = []
            for p in placements:
                page = sources[p.table].pages[p.page]
                drop_page_number(sources[p.table], page)
                form = _lay_under(volume, p.frame_page, page, f"/Table{p.table + 1}p{p.page + 1}",
                                  _shift(p.page, p.frame_page if duplex else 0))
                slots.append((p.table, p.frame_page, form))
            graft.graft(volume, sources, slots)
        finally:
            for s in sources:
                s.close()
        embed.unify(volume, fonts.embedded_faces())
        _drop_opaque_groups(volume)
        attach(volume, attachments, stamp)
        return streams.settled(saved(volume))


# zlib's default, then another: the same streams deflated at another level end in other bytes.
LEVELS = (-1, 9)


def saved(volume: pikepdf.Pdf) -> bytes:
    """The volume's bytes, with object streams: the structure tree's thousands of small dictionaries
    deflated together (2.0× the untagged volume's bytes without, 1.14× with). The writer's own streams
    (about 24) may end in the CR page-validation misreads, which render/typeset/streams.py would mend by
    writing the file again without object streams: saved again at another deflate level first, such a
    volume keeps them but one time in 256²."""
    for level in LEVELS:
        pikepdf.settings.set_flate_compression_level(level)
        try:
            out = io.BytesIO()
            volume.save(out, deterministic_id=True, compress_streams=True,
                        object_stream_mode=pikepdf.ObjectStreamMode.generate)
        finally:
            pikepdf.settings.set_flate_compression_level(LEVELS[0])
        if streams.MISREAD not in out.getvalue():
            break
    return out.getvalue()


def mark_frame(frame: bytes, mark: bytes, slots: set[int], duplex: bool) -> bytes:
    """A draft's frame with its mark (the one page of `mark`, laid out as a right-hand page) under every page
    but the slots: the table laid onto a slot brings its own mark under its text, and a second one drawn
    by the frame over it would grey that text. WeasyPrint repeats a fixed box on every page, and has no
    public way to leave it off some: so the frame is laid out without one, and marked here."""
    with pikepdf.open(io.BytesIO(frame)) as volume, pikepdf.open(io.BytesIO(mark)) as source:
        page = source.pages[0]  # numbered by nothing (templates/mark.html.j2): the frame's number stays
        for n in range(len(volume.pages)):
            if n not in slots:
                _lay_under(volume, n, page, "/DraftMark", _shift(0, n if duplex else 0))
        out = io.BytesIO()
        volume.save(out, deterministic_id=True, compress_streams=True)
        return streams.settled(out.getvalue())


def _lay_under(volume: pikepdf.Pdf, n: int, page: pikepdf.Page, name: str, dx: float) -> pikepdf.Object:
    """Draw `page` (of another PDF) first on the volume's page n, shifted right by dx points."""
    form = volume.copy_foreign(page.as_form_xobject())
    target = volume.pages[n]
    width, height = float(target.mediabox[2]), float(target.mediabox[3])
    # A name of our own: pikepdf's add_underlay picks random ones, and the bytes must not vary.
    target.add_resource(form, Name.XObject, Name(name))
    place = target.calc_form_xobject_placement(form, Name(name), Rectangle(dx, 0, width + dx, height))
    target.contents_add(volume.make_stream(b"q\n" + place + b"\nQ\n"), prepend=True)
    return form


def _own_resources(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    """Give the page resources of its own, naming only the forms it draws.

    WeasyPrint gives every page of a document one shared resource dictionary. Shared, each table page
    laid onto a slot would be listed on every page, and with it the chart's transparency groups: a print
    path that looks for transparency in a page's resources (Ghostscript's ps2write) then rasterises
    every page, a 15-page volume becoming a 9 MB print job.
    """
    resources = page.obj.get("/Resources")
    if not isinstance(resources, pikepdf.Dictionary):
        return
    own = pikepdf.Dictionary({key: value for key, value in resources.items()})
    forms = resources.get("/XObject")
    if isinstance(forms, pikepdf.Dictionary):
        drawn = set(DRAWN.findall(_content(page)))
        own.XObject = pikepdf.Dictionary({k: v for k, v in forms.items() if k[1:].encode() in drawn})
    page.obj.Resources = pdf.make_indirect(own)


DRAWN = re.compile(rb"/([^\s/\[\]<>(){}%]+)\s+Do\b")


def _content(page: pikepdf.Page) -> bytes:
    contents = page.obj.get("/Contents")
    streams = contents if isinstance(contents, pikepdf.Array) else [contents] if contents is not None else []
    return b"\n".join(s.read_bytes() for s in streams)


def _drop_opaque_groups(pdf: pikepdf.Pdf) -> None:
    """Remove transparency groups that hold nothing transparent (WeasyPrint wraps each SVG text in one).

    An isolated group of opaque content draws exactly as its content does; left in, it makes print paths
    rasterise the page it is on.
    """
    for page in pdf.pages:
        for form in (page.obj.get("/Resources") or {}).get("/XObject", {}).values():
            if form.get("/Subtype") == Name.Form and "/Group" in form and _opaque(form):
                del form["/Group"]


def _opaque(form, depth: int = 0) -> bool:
    resources = form.get("/Resources") or pikepdf.Dictionary()
    for state in (resources.get("/ExtGState") or {}).values():
        if any(float(state.get(k, 1)) != 1 for k in ("/CA", "/ca")):
            return False
        if state.get("/SMask", Name("/None")) != Name("/None") or state.get("/BM", Name.Normal) not in (
                Name.Normal, Name.Compatible):
            return False
    for inner in (resources.get("/XObject") or {}).values():
        if "/SMask" in inner or "/Group" in inner or depth > 8:
            return False
        if inner.get("/Subtype") == Name.Form and not _opaque(inner, depth + 1):
            return False
    return True


def _shift(table_page: int, frame_page: int) -> float:
    """A table's page k was laid out as a right page when k is even (0-based); the slot may be a left one
    (single-sided, every slot is a right page: pass 0)."""
    table_right, slot_right = table_page % 2 == 0, frame_page % 2 == 0
    if table_right == slot_right:
        return 0.0
    # odd and even pages mirror their margins: the binding side is wider
    shift = geometry.PAGE.parity_shift_pt
    return -shift if table_right else shift


def drop_page_number(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    """Remove the text drawn below the type area: the table's own `— N —`; the slot prints the volume's."""
    data = page.Contents.read_bytes() if isinstance(page.Contents, pikepdf.Stream) else b""
    # WeasyPrint draws the margin boxes last, the bottom one after the top one: the number is the last
    # text object. Checking that one block is 40 times quicker than parsing the whole page in Python.
    start = data.rfind(b"\nBT\n") + 1
    end = data.find(b"\nET\n", start) + 4
    if 0 < start < end and _below_type_area(pikepdf.parse_content_stream(pdf.make_stream(data[start:end]))):
        page.Contents = pdf.make_stream(data[:start] + data[end:])
        return
    ops = pikepdf.parse_content_stream(page)
    kept, i = [], 0
    while i < len(ops):
        if str(ops[i][1]) == "BT":
            j = i
            while str(ops[j][1]) != "ET":
                j += 1
            if _below_type_area(ops[i:j + 1]):
                i = j + 1
                continue
        kept.append(ops[i])
        i += 1
    page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))


def _below_type_area(ops) -> bool:
    """One text object (BT … ET) placed only below the type area, where only the page number is drawn
    (WeasyPrint's content stream works in CSS px, y growing downwards)."""
    names = [str(op) for _, op in ops]
    ys = [float(operands[5]) for operands, op in ops if str(op) == "Tm"]
    return (names[:1] == ["BT"] and names[-1:] == ["ET"] and names.count("BT") == 1 and bool(ys)
            and all(y > geometry.PAGE.number_zone_px for y in ys))


def pdf_date(stamp: datetime) -> str:
    offset = stamp.strftime("%z") or "+0000"
    return f"D:{stamp:%Y%m%d%H%M%S}{offset[:3]}'{offset[3:]}'"


def attach(pdf: pikepdf.Pdf, files: tuple[tuple[str, bytes], ...], stamp: datetime) -> None:
    """Embed the sources as PDF/A-3 associated files (/AFRelationship /Source), dated by the content, each
    once, named in /UF and by an ASCII name in /F (render/bind/archive.py)."""
    date = pdf_date(stamp)
    specs = []
    for (name, data), plain in zip(files, archive.ascii_names([n for n, _ in files]), strict=True):
        mime = "text/markdown" if name.endswith(".md") else "application/yaml"
        spec = pikepdf.AttachedFileSpec(pdf, data, description="源文件", filename=name, mime_type=mime,
                                        creation_date=date, mod_date=date, relationship=Name.Source)
        spec.obj.F = pikepdf.String(plain)
        spec.obj.UF = pikepdf.String(name)
        pdf.attachments[name] = spec
        specs.append(spec.obj)
    pdf.Root.AF = pikepdf.Array(specs)
