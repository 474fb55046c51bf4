"""The advance widths the columns are sized by (styles/fonts/advances.json) are the shipped faces' own."""

import pytest

from render.typeset import fonts


@pytest.mark.parametrize("style", list(fonts.FACE_STYLES))
def test_the_stored_advances_are_the_faces(style):
    measured, upem = fonts.measured_advances(style)
    bold = style == "Bold"
    assert all(fonts.text_em(chr(code), bold) == advance / upem for code, advance in measured.items())
    assert fonts.text_em("\U0002a6a5", bold) == 1.0  # a character the face lacks: 1 em, as the full face sets it
    assert fonts.text_em("项目 2025", bold) == sum(measured.get(ord(c), upem) for c in "项目 2025") / upem


@pytest.mark.parametrize("style", list(fonts.FACE_STYLES))
def test_the_stored_heights_are_the_faces(style):
    """The page number is placed by them (render/typeset/geometry.py)."""
    measured = fonts.measured_heights(style)
    assert fonts.heights(style == "Bold") == tuple(measured[k] / 1000 for k in ("ascent", "descent", "dash_middle"))


@pytest.mark.parametrize("style", list(fonts.FACE_STYLES))
def test_the_stored_digests_are_the_faces(style):
    """Cache keys take the face's digest from advances.json instead of reading 5 MB a build: a face
    replaced without running scripts/make-fonts.py (which would also leave its advances stale) fails here."""
    assert fonts.recorded_digests()[style] == fonts.face_digest(style)
