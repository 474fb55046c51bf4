"""Turn a font face and a set of glyph numbers into the embedded program WeasyPrint would write for them.

A volume lays ten tables' pages side by side, each carrying its own subset of the same face. The volume
replaces them with one subset covering all their glyphs (docs/fonts.md). The subset is made exactly as
WeasyPrint 70 makes its own (render/typeset/weasy.py, SUBSET_METHOD): HarfBuzz, glyph numbers
kept, subroutines inlined, layout tables dropped, then cut after the last glyph used, so a glyph is drawn
from the same outline whichever PDF it is in. HarfBuzz is called through ctypes, without loading
WeasyPrint, which takes a second: this runs in the build's own process, on every volume.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterable
from functools import lru_cache

from render.typeset import libraries
from render.typeset.weasy import SUBSET_DROPPED_TABLES as DROPPED

# hb_subset_flags_t and hb_subset_sets_t, from hb-subset.h (stable since HarfBuzz 2.9).
NO_HINTING = 1 << 0
RETAIN_GIDS = 1 << 1
DESUBROUTINIZE = 1 << 2
PASSTHROUGH_UNRECOGNIZED = 1 << 5
SETS_DROP_TABLE_TAG = 3


class SubsetError(RuntimeError):
    pass


@lru_cache(maxsize=1)
def _libraries() -> tuple[ctypes.CDLL, ctypes.CDLL]:
    hb, sub = libraries.load("harfbuzz"), libraries.load("harfbuzz-subset")
    if hb is None or sub is None:
        raise SubsetError("HarfBuzz 子集库不可用（libharfbuzz-subset0）")
    p, u, i = ctypes.c_void_p, ctypes.c_uint, ctypes.c_int
    for lib, name, res, args in (
            (hb, "hb_blob_create_from_file_or_fail", p, [ctypes.c_char_p]),
            (hb, "hb_blob_destroy", None, [p]),
            (hb, "hb_blob_get_data", ctypes.POINTER(ctypes.c_char), [p, ctypes.POINTER(u)]),
            (hb, "hb_face_create", p, [p, u]),
            (hb, "hb_face_destroy", None, [p]),
            (hb, "hb_face_reference_blob", p, [p]),
            (hb, "hb_set_add", None, [p, u]),
            (hb, "hb_set_add_range", None, [p, u, u]),
            (hb, "hb_tag_from_string", u, [ctypes.c_char_p, i]),
            (sub, "hb_subset_input_create_or_fail", p, []),
            (sub, "hb_subset_input_destroy", None, [p]),
            (sub, "hb_subset_input_glyph_set", p, [p]),
            (sub, "hb_subset_input_set", p, [p, i]),
            (sub, "hb_subset_input_set_flags", None, [p, u]),
            (sub, "hb_subset_or_fail", p, [p, p])):
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = res, args
    return hb, sub


@lru_cache(maxsize=8)
def _face(path: str, index: int) -> int:
    """The face, opened once per process (the blob maps the file)."""
    hb, _ = _libraries()
    blob = hb.hb_blob_create_from_file_or_fail(path.encode())
    if not blob:
        raise SubsetError(f"无法读取字体文件：{path}")
    face = hb.hb_face_create(blob, index)
    hb.hb_blob_destroy(blob)  # the face holds its own reference
    return face


def _run(face: int, add, flags: int) -> int:
    hb, sub = _libraries()
    plan = sub.hb_subset_input_create_or_fail()
    if not plan:
        raise SubsetError("HarfBuzz 无法创建子集")
    try:
        add(sub.hb_subset_input_glyph_set(plan))
        drop = sub.hb_subset_input_set(plan, SETS_DROP_TABLE_TAG)
        for tag in DROPPED:
            hb.hb_set_add(drop, hb.hb_tag_from_string(tag, 4))
        sub.hb_subset_input_set_flags(plan, flags)
        result = sub.hb_subset_or_fail(face, plan)
    finally:
        sub.hb_subset_input_destroy(plan)
    if not result:
        raise SubsetError("HarfBuzz 无法生成字体子集")
    return result


def open_face(path: str, index: int) -> None:
    """Load HarfBuzz and map the face now (`watch`, before the first saved edit needs them)."""
    _face(path, index)


def program(path: str, index: int, glyphs: Iterable[int]) -> bytes:
    """The OpenType program holding these glyphs at their own numbers, as WeasyPrint embeds it."""
    used = tuple(sorted(set(glyphs)))
    if not used:
        raise SubsetError("没有要嵌入的字形")
    return _program(path, index, used)


@lru_cache(maxsize=16)
def _program(path: str, index: int, used: tuple[int, ...]) -> bytes:
    """Remembered: under `watch` an edited goal mostly uses glyphs the volume already has."""
    hb, _ = _libraries()

    def add_used(glyph_set):
        for gid in used:
            hb.hb_set_add(glyph_set, gid)

    def add_prefix(glyph_set):
        hb.hb_set_add_range(glyph_set, 0, used[-1])

    kept = _run(_face(path, index), add_used, RETAIN_GIDS | PASSTHROUGH_UNRECOGNIZED | DESUBROUTINIZE)
    try:
        # WeasyPrint's second pass: glyphs after the last one used go, numbers stay.
        cut = _run(kept, add_prefix, PASSTHROUGH_UNRECOGNIZED | DESUBROUTINIZE | NO_HINTING)
    finally:
        hb.hb_face_destroy(kept)
    try:
        blob = hb.hb_face_reference_blob(cut)
        size = ctypes.c_uint()
        data = hb.hb_blob_get_data(blob, ctypes.byref(size))
        out = ctypes.string_at(data, size.value)
        hb.hb_blob_destroy(blob)
    finally:
        hb.hb_face_destroy(cut)
    return out
