"""Turn a face's name into what fontconfig picks for it (families, file, index, charset), through
libfontconfig itself, the library WeasyPrint lays text out with: fc-match's answer without fc-match, a program
a Windows or macOS machine with WeasyPrint's libraries need not have."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from functools import lru_cache

from render.typeset import libraries

_MATCH_PATTERN = 0  # FcMatchPattern
_MATCH = 0  # FcResultMatch
_DONE = 0xFFFFFFFF  # FC_CHARSET_DONE
_MAP = 8  # FC_CHARSET_MAP_SIZE: a page is 256 code points, 8 words of 32 bits


@dataclass(frozen=True)
class Match:
    families: tuple[str, ...]
    file: str
    index: int
    charset: frozenset[int]


@lru_cache(maxsize=1)
def _fc():
    lib = libraries.load("fontconfig")
    if lib is None:
        return None
    p, c = ctypes.c_void_p, ctypes.c_char_p
    for name, res, args in (
            ("FcInitLoadConfigAndFonts", p, []),
            ("FcNameParse", p, [c]),
            ("FcConfigSubstitute", ctypes.c_int, [p, p, ctypes.c_int]),
            ("FcDefaultSubstitute", None, [p]),
            ("FcFontMatch", p, [p, p, ctypes.POINTER(ctypes.c_int)]),
            ("FcPatternGetString", ctypes.c_int, [p, c, ctypes.c_int, ctypes.POINTER(c)]),
            ("FcPatternGetInteger", ctypes.c_int, [p, c, ctypes.c_int, ctypes.POINTER(ctypes.c_int)]),
            ("FcPatternGetCharSet", ctypes.c_int, [p, c, ctypes.c_int, ctypes.POINTER(p)]),
            ("FcCharSetFirstPage", ctypes.c_uint32, [p, ctypes.c_uint32 * _MAP, ctypes.POINTER(ctypes.c_uint32)]),
            ("FcCharSetNextPage", ctypes.c_uint32, [p, ctypes.c_uint32 * _MAP, ctypes.POINTER(ctypes.c_uint32)]),
            ("FcPatternDestroy", None, [p])):
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = res, args
    return lib


@lru_cache(maxsize=1)
def _config():
    """fontconfig's configuration and font list, read once (40 ms) and kept for the process."""
    return _fc().FcInitLoadConfigAndFonts()


def available() -> bool:
    return _fc() is not None


def match(family: str, style: str) -> Match | None:
    """What fontconfig picks for `family:style=style` (after its substitutions, as fc-match does); None
    where libfontconfig cannot be loaded or picks nothing."""
    fc = _fc()
    if fc is None:
        return None
    config = _config()
    pattern = fc.FcNameParse(f"{family}:style={style}".encode())
    found = None
    try:
        fc.FcConfigSubstitute(config, pattern, _MATCH_PATTERN)
        fc.FcDefaultSubstitute(pattern)
        result = ctypes.c_int()
        found = fc.FcFontMatch(config, pattern, ctypes.byref(result))
        if not found:
            return None
        return Match(_strings(fc, found, b"family"), (_strings(fc, found, b"file") or ("",))[0],
                     _integer(fc, found, b"index"), _charset(fc, found))
    finally:
        if found:
            fc.FcPatternDestroy(found)
        fc.FcPatternDestroy(pattern)


def _strings(fc, pattern, key: bytes) -> tuple[str, ...]:
    out, n, value = [], 0, ctypes.c_char_p()
    while fc.FcPatternGetString(pattern, key, n, ctypes.byref(value)) == _MATCH:
        out.append(value.value.decode("utf-8"))
        n += 1
    return tuple(out)


def _integer(fc, pattern, key: bytes) -> int:
    value = ctypes.c_int()
    return value.value if fc.FcPatternGetInteger(pattern, key, 0, ctypes.byref(value)) == _MATCH else 0


def _charset(fc, pattern) -> frozenset[int]:
    charset = ctypes.c_void_p()
    if fc.FcPatternGetCharSet(pattern, b"charset", 0, ctypes.byref(charset)) != _MATCH:
        return frozenset()
    points: list[int] = []
    words, following = (ctypes.c_uint32 * _MAP)(), ctypes.c_uint32()
    base = fc.FcCharSetFirstPage(charset, words, ctypes.byref(following))
    while base != _DONE:
        for i, word in enumerate(words):
            while word:
                low = word & -word
                points.append(base + i * 32 + low.bit_length() - 1)
                word ^= low
        base = fc.FcCharSetNextPage(charset, words, ctypes.byref(following))
    return frozenset(points)
