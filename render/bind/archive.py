"""Turn the PDF WeasyPrint is about to write into the archive's: sources listed once, names, tags, XMP, labels.

Runs as WeasyPrint's `finisher`, on its pydyf objects just before they are written: a table needs no second
pass through pikepdf, which the layout workers never load (render/produce/scheduler.py). The volume is made
with pikepdf and calls `ascii_names` and `tag_for` itself (render/bind/assemble.py, embed.py).
"""

from __future__ import annotations

import codecs
import hashlib
import re

import pydyf

from render.bind import tags
from render.typeset import weasy

TAG = re.compile(rb"^/[A-Z]{6}\+")
# What a file name may keep in /F: letters, digits and the punctuation every file system accepts.
PLAIN = re.compile(r"^[A-Za-z0-9._-]+$")


def tag_for(program: bytes) -> str:
    """Six capitals from the program's own (decoded) bytes: two programs never share a tag."""
    digest = hashlib.sha256(program).digest()
    return "".join(chr(65 + b % 26) for b in digest[:6])


def ascii_names(names: list[str]) -> list[str]:
    """An ASCII name for each file, for /F (ISO 32000-1 7.11.3: /F is a byte string that tools read as
    ASCII or the system's code page, so UTF-8 there shows as mojibake). A plain ASCII name stays; any other
    becomes `source-NN` with its extension, and every name of the list differs from the others."""
    out: list[str] = []
    for n, name in enumerate(names, 1):
        stem, dot, ext = name.rpartition(".")
        ext = ext if dot and PLAIN.match(ext) else ""
        plain = name if PLAIN.match(name) and name not in out else f"source-{n:02d}" + (f".{ext}" if ext else "")
        while plain in out:
            plain = "_" + plain
        out.append(plain)
    return out


def text_bytes(text: str) -> bytes:
    """A PDF text string's bytes, as they are compared when a name tree is sorted (ISO 32000-1 7.9.6)."""
    try:
        return text.encode("ascii")
    except UnicodeEncodeError:
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")


def page_labels(body: int) -> dict[str, object]:
    """/PageLabels: the front matter before page index `body` in lower-case roman numerals, then the body
    numbered from 1 as its pages print it (`— 1 —`), so that a viewer's "go to page 3" opens `— 3 —`."""
    if body <= 0:
        return {"Nums": [0, {"S": "/D"}]}
    return {"Nums": [0, {"S": "/r"}, body, {"S": "/D"}]}


def finisher(body: int = 0):
    """WeasyPrint's `write_pdf(finisher=…)`: the body starts at page index `body`."""

    def finish(document, pdf: pydyf.PDF) -> None:
        _attachments(pdf)
        _retag(pdf)
        tags.finish(pdf, weasy.link_words(document))
        _plain_metadata(pdf)
        labels = page_labels(body)
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array(
            [x if isinstance(x, int) else pydyf.Dictionary(x) for x in labels["Nums"]])})
        _deflate(pdf)

    return finish


def _attachments(pdf: pydyf.PDF) -> None:
    """Each file spec once in /AF, /F an ASCII name and /UF the file's own, the name tree keyed by /UF.

    WeasyPrint 70's PDF/A pass adds every file spec to /AF twice: once from the name tree, once found among
    all objects (weasyprint/pdf/pdfa.py)."""
    if "AF" not in pdf.catalog:
        return
    specs, seen = [], set()
    for reference in pdf.catalog["AF"]:
        spec = weasy.pdf_object(pdf, reference)
        if weasy.object_number(spec) not in seen:
            seen.add(weasy.object_number(spec))
            specs.append(spec)
    names = [_text(spec.get("UF") or spec.get("F")) for spec in specs]
    for spec, name, plain in zip(specs, names, ascii_names(names), strict=True):
        spec["F"] = pydyf.String(plain)
        spec["UF"] = pydyf.String(name)
    pdf.catalog["AF"] = pydyf.Array(spec.reference for spec in specs)
    tree = pdf.catalog.get("Names", {}).get("EmbeddedFiles")
    if tree is not None:
        entries = sorted(zip(names, specs, strict=True), key=lambda e: (text_bytes(e[0]), weasy.object_number(e[1])))
        weasy.pdf_object(pdf, tree)["Names"] = pydyf.Array(
            item for name, spec in entries for item in (pydyf.String(name), spec.reference))


def _text(value) -> str:
    """The text of a pydyf string WeasyPrint made, from str or from bytes (its /F is the UTF-8 bytes)."""
    value = value.string if isinstance(value, pydyf.String) else value
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _retag(pdf: pydyf.PDF) -> None:
    """Name every subset by its program, not by its face as WeasyPrint does: eleven tables of one
    department would otherwise give one tag to eleven programs, which ISO 32000-1 9.6.4 forbids once
    they are merged into one file (qpdf) or cached by name in a printer."""
    renamed: dict[bytes, bytes] = {}
    for obj in weasy.pdf_objects(pdf):
        if not isinstance(obj, pydyf.Dictionary) or obj.get("Type") != "/FontDescriptor":
            continue
        reference = obj.get("FontFile3") or obj.get("FontFile2") or obj.get("FontFile")
        name = _bytes(obj.get("FontName"))
        if reference is None or not TAG.match(name):
            continue
        program = weasy.pdf_object(pdf, reference)
        data = weasy.stream_bytes(program)
        renamed[name] = b"/" + tag_for(data).encode() + name[7:]
    for obj in weasy.pdf_objects(pdf):
        if isinstance(obj, pydyf.Dictionary):
            for key in ("FontName", "BaseFont"):
                if key in obj and _bytes(obj[key]) in renamed:
                    obj[key] = renamed[_bytes(obj[key])]


def _bytes(value) -> bytes:
    return value if isinstance(value, bytes) else str(value or "").encode()


# zlib's default: pydyf's 9 took 12 of a table's 100 ms, 9 of them on the two faces' subsets, for 0.7 % fewer
# bytes than this.
DEFLATE_LEVEL = 6


def _deflate(pdf: pydyf.PDF) -> None:
    """Every stream pydyf would deflate, deflated at DEFLATE_LEVEL instead; last, after every change to the
    streams' data (the XMP stays plain)."""
    for obj in weasy.pdf_objects(pdf):
        if isinstance(obj, pydyf.Stream):
            weasy.deflate_now(obj, DEFLATE_LEVEL)


def _plain_metadata(pdf: pydyf.PDF) -> None:
    """The XMP stream uncompressed, as PDF/A-1 requires and as archives that scan for packets read it."""
    if "Metadata" in pdf.catalog:
        weasy.write_uncompressed(weasy.pdf_object(pdf, pdf.catalog["Metadata"]))
