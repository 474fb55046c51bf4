"""Turn WeasyPrint's internals that we rely on into one door: each use of WeasyPrint 70 or pydyf beyond their
public API is one name here, with why and what would replace it (docs/weasyprint.md, "Through one door").

Only the version pin (`weasyprint>=70,<71`) holds these; tests/test_weasyprint_door.py names the one that
moved. Nothing of WeasyPrint is imported at module level: render/bind/subset.py reads its constants in the
build's own process, where loading WeasyPrint costs a second.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import sys
import zlib

# import_fast: cffi's dlopen asks ctypes.util.find_library for every name it does not know.
# harfbuzz_subset_loaded, warm_c_types: WeasyPrint's cffi module.
FFI_MODULE = "weasyprint.text.ffi"


def import_fast() -> None:
    """Import WeasyPrint without its library search, which is a third of every worker's start.

    WeasyPrint tries four or five names for each C library, one per platform. For each name dlopen does
    not know, cffi calls ctypes.util.find_library, which runs ldconfig, gcc and ld: about twenty searches,
    0.3 s. Each list also holds the plain file name (libpango-1.0.so.0), which dlopen finds alone, so the
    search is switched off, process-wide, for the first try; only if that fails (an unusual install) is
    WeasyPrint imported again with it. Replaced by: a WeasyPrint that tries the platform's own file name
    first, or a cffi that does not search; then a plain `import weasyprint`.
    """
    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # its "could not import" notice, for the second try
            import weasyprint  # noqa: F401
    except OSError:
        ctypes.util.find_library = search
        import weasyprint  # noqa: F401
    finally:
        ctypes.util.find_library = search


def harfbuzz_subset_loaded() -> bool | None:
    """Whether the WeasyPrint loaded in this process subsets with HarfBuzz (None: not loaded yet).

    Its own answer is the module global `harfbuzz_subset` of its cffi module; WeasyPrint says so publicly
    only by a warning while it writes. Replaced by: our own ctypes lookup (render/typeset/fonts.py does it
    before WeasyPrint is loaded), at the cost of answering for the library, not for WeasyPrint.
    """
    ffi = sys.modules.get(FFI_MODULE)
    return None if ffi is None else ffi.harfbuzz_subset is not None


def warm_c_types(types: tuple[str, ...]) -> None:
    """Have cffi parse these C types now, in the fork server (~13 ms each, the first time one is used).

    WeasyPrint's `ffi` object is internal. Replaced by: nothing needed, at 0.1 s more per worker."""
    from weasyprint.text.ffi import ffi

    for name in types:
        ffi.typeof(name)


def warm_array_types(item: str, longest: int) -> None:
    """Have cffi know `item[N]` for every N up to `longest`, in the fork server, without parsing each.

    WeasyPrint hands HarfBuzz each subset's glyphs as `ffi.new(f"hb_codepoint_t[{N}]")`, N the count of
    glyphs kept and the highest one plus one; cffi parses every new N with pycparser (2.4 ms), and a table
    brings two to five new ones. Made here as cffi makes it once parsed (`_typeof_locked`). The ffi's
    `_backend`, `_lock` and `_parsed_types` are internal. Replaced by: nothing, at that cost."""
    from weasyprint.text.ffi import ffi

    pointer = ffi.typeof(f"{item} *")
    with ffi._lock:
        for n in range(1, longest + 1):
            key = f"{item}[{n}]"
            if key not in ffi._parsed_types:  # the backend keeps one type per item and length
                ffi._parsed_types[key] = (ffi._backend.new_array_type(pointer, n), False)


def user_agent_sheet(html, sheet) -> None:
    """Lay `html` (a weasyprint.HTML) out with `sheet` as its user-agent stylesheet, in place of WeasyPrint's.

    `HTML._ua_stylesheets` is internal; WeasyPrint has no option for it. styles/ua.css says why. Replaced by:
    nothing (WeasyPrint's own sheet), at the cost docs/weasyprint.md gives."""
    html._ua_stylesheets = lambda forms=False: [sheet]


def drop_anchors(doc, prefix: str) -> None:
    """Forget the anchors named `prefix…` before the document is written: not named destinations in the PDF.

    `Page.anchors` is public, but that `write_pdf` reads it then, and writes each as a /Dests entry, is not.
    Replaced by: keeping them, each a named destination (more bytes in every table, no other harm)."""
    for page in doc.pages:
        for name in [name for name in page.anchors if name.startswith(prefix)]:
            del page.anchors[name]


# How WeasyPrint 70 subsets a face (weasyprint/pdf/fonts.py, Font._harfbuzz_subset), which
# render/bind/subset.py repeats for a volume's merged subsets. Replaced by: a WeasyPrint that embeds one
# subset per face across documents, or that exposes its subsetting.
SUBSET_METHOD = "weasyprint.pdf.fonts.Font._harfbuzz_subset"
SUBSET_DROPPED_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH",
                         b"PCLT", b"SVG ")
SUBSET_FLAGS = ("RETAIN_GIDS", "PASSTHROUGH_UNRECOGNIZED", "DESUBROUTINIZE", "NO_HINTING")


# pydyf, as WeasyPrint hands it to `write_pdf(finisher=…)` (public): its objects' attributes are not
# documented. Replaced by: a second pass with pikepdf, which the layout workers do not load.

def pdf_objects(pdf) -> list:
    """Every object the PDF will hold, by number (0 is the free entry)."""
    return pdf.objects


def pdf_object(pdf, reference):
    """The object a reference (`b"12 0 R"`, or its str) points to."""
    text = reference if isinstance(reference, bytes) else str(reference).encode()
    return pdf.objects[int(text.split()[0])]


def object_number(obj) -> int:
    return obj.number


def stream_bytes(stream) -> bytes:
    """A stream's data before compression (WeasyPrint gives a font program as one bytes item)."""
    return b"\n".join(stream.stream)


def write_uncompressed(stream) -> None:
    stream.compress = False


def deflate_now(stream, level: int) -> bool:
    """Deflate the stream's data at `level` now, and have pydyf write the result as it is (pydyf deflates
    at level 9: render/bind/archive.py, DEFLATE_LEVEL). False, and the stream left to pydyf, if its items
    are not all bytes."""
    if not stream.compress or not all(isinstance(item, bytes) for item in stream.stream):
        return False
    stream.stream = [zlib.compress(b"\n".join(stream.stream), level)]
    stream.extra["Filter"] = "/FlateDecode"
    stream.compress = False
    return True


def set_stream_bytes(stream, data: bytes) -> None:
    """Replace a stream's data (WeasyPrint's XMP is one bytes item)."""
    stream.stream = [data]


def stream_items(stream) -> list:
    """A content stream's items as pydyf keeps them until it writes: operators as bytes, names as str,
    a marked-content property list as a `pydyf.Dictionary` (render/bind/tags.py rewrites those in place)."""
    return stream.stream


def page_references(pdf) -> list[bytes]:
    """Each page's reference, in order (`PDF.page_references`)."""
    return list(pdf.page_references)


def link_words(document) -> dict[int, str]:
    """The words of each link annotation WeasyPrint made, by the annotation's object number: the link's
    `title` attribute, else its text (render/bind/tags.py puts them in /Contents, where WeasyPrint puts the
    anchor's name). `Page.links` is public; the box's `link_annotation` and `element` are not.
    Replaced by: the words read back from the glyphs under each link's rectangle."""
    out: dict[int, str] = {}
    for page in document.pages:
        for _, _, _, box in page.links:
            annotation = getattr(box, "link_annotation", None)
            element = getattr(box, "element", None)
            if annotation is not None and annotation.number is not None and element is not None:
                out[annotation.number] = element.get("title") or "".join(element.itertext()).strip()
    return out
