"""Turn a written PDF into one whose streams every validator reads right: no stream's data ends in a CR.

A stream's data is followed by an end-of-line and `endstream`. Data whose last byte is 0x0D (CR) followed by
the writer's LF reads as one CRLF end-of-line, and page-validation then finds a /Length one byte too long
(PDFA3B-STREAM-LENGTH-001), although the /Length is right (qpdf agrees). A deflated stream ends in its
Adler-32 checksum, so about one stream in 256 does, by chance; and since the bytes are deterministic, building
again cannot help: such a department could never be archived (docs/archive.md). Both writers we use, pydyf
and qpdf, put a bare LF before `endstream`, so `\\r\\nendstream` in the bytes finds every such stream.

Each one found gets an ASCII85 encoding over its filters (it then ends in `~>`; the decoded data is the same
bytes), and the file is written again without object streams, so that no stream the writer makes itself
(object streams, the cross-reference stream) can end so either. Only the rare file is rewritten: the rest is
returned as it came, untouched and at no cost.
"""

from __future__ import annotations

import base64
import io

MISREAD = b"\r\nendstream"


def settled(data: bytes) -> bytes:
    """`data`, or the same document written again where one of its streams ends in CR."""
    if MISREAD not in data:
        return data
    data = _rewritten(data)
    if MISREAD in data:  # a stream whose data ends in CR is an ASCII85 one ending `~>` now: never
        raise AssertionError("a stream still ends in CR after re-encoding")
    return data


def ascii85(raw: bytes) -> bytes:
    """The ASCII85Decode filter's encoding of `raw`, with its end-of-data marker (ISO 32000-1 7.4.3)."""
    return base64.a85encode(raw) + b"~>"


def _rewritten(data: bytes) -> bytes:
    import pikepdf  # here only: a table's worker never loads it otherwise (render/produce/scheduler.py)

    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream) and obj.read_raw_bytes().endswith(b"\r"):
                _reencode(pikepdf, obj)
        out = io.BytesIO()
        # Every stream kept as it is (decoded by nothing, compressed by nothing), none made by the writer.
        pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.disable, compress_streams=False,
                 stream_decode_level=pikepdf.StreamDecodeLevel.none, deterministic_id=True)
        return out.getvalue()


def _reencode(pikepdf, stream) -> None:
    """ASCII85 over the stream's own filters: its decoded data stays byte for byte what it was."""
    filters = stream.get("/Filter")
    filters = [] if filters is None else list(filters) if isinstance(filters, pikepdf.Array) else [filters]
    parms = stream.get("/DecodeParms")
    if parms is not None:
        parms = [pikepdf.Object.parse(b"null")] + (list(parms) if isinstance(parms, pikepdf.Array) else [parms])
    stream.write(ascii85(stream.read_raw_bytes()), filter=[pikepdf.Name.ASCII85Decode] + filters,
                 decode_parms=parms)
