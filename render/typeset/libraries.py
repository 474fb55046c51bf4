"""Turn a C library's name into the loaded library, by the file names WeasyPrint itself loads it by on Linux,
macOS and Windows (weasyprint/text/ffi.py): our own reads of Pango's and HarfBuzz's versions and our
HarfBuzz subsetting find the same files WeasyPrint does, with no `ctypes.util.find_library` (which runs
ldconfig and a compiler on Linux, a few tenths of a second each)."""

from __future__ import annotations

import ctypes
from functools import lru_cache

NAMES = {
    "pango": ("libpango-1.0-0", "pango-1.0-0", "pango-1.0", "libpango-1.0.so.0", "libpango-1.0.dylib",
              "libpango-1.0-0.dll"),
    "harfbuzz": ("libharfbuzz-0", "harfbuzz", "harfbuzz-0.0", "libharfbuzz.so.0", "libharfbuzz.0.dylib",
                 "libharfbuzz-0.dll"),
    "fontconfig": ("libfontconfig-1", "fontconfig-1", "fontconfig", "libfontconfig.so.1", "libfontconfig.1.dylib",
                   "libfontconfig-1.dll"),
    "harfbuzz-subset": ("libharfbuzz-subset-0", "harfbuzz-subset", "harfbuzz-subset-0.0", "libharfbuzz-subset.so.0",
                        "libharfbuzz-subset.0.dylib", "libharfbuzz-subset-0.dll"),
}


@lru_cache(maxsize=None)
def load(name: str) -> ctypes.CDLL | None:
    """The library, or None where none of its names loads."""
    for file in NAMES[name]:
        try:
            return ctypes.CDLL(file)
        except OSError:
            continue
    return None
