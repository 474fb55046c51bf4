"""Draw a PDF with the readers we did not write against, and compare each with Poppler's drawing.

MuPDF, Ghostscript (directly, and after ps2write, the way CUPS and many printer drivers print) and PDFium
each draw every page to greyscale at 60 dpi. A glyph that one of them cannot find leaves a blank, a box
or another outline where Poppler draws the character; antialiasing leaves only a faint seam. So both
pictures are blurred a little, and a page fails when more than a few pixels differ clearly.
"""

from __future__ import annotations

import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops

DPI = 60
# Ink (0-255) that counts as clear, and as any at all; a page fails when more than MAX_SHARE of its pixels
# are clear ink in one drawing and blank in the other (see difference()).
STRONG, FAINT = 128, 24
MAX_SHARE = 0.001
READERS = ("mupdf", "ghostscript", "ps2write", "pdfium")


@dataclass(frozen=True)
class Drawing:
    reader: str
    pages: list[Image.Image]
    warnings: list[str]


def _pages(folder: Path, prefix: str) -> list[Image.Image]:
    """The page images a reader drew (PNG, or PGM from Poppler), in page order."""
    files = [f for f in folder.glob(f"{prefix}-*") if f.suffix in (".png", ".pgm")]
    files.sort(key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return [Image.open(f).convert("L") for f in files]


def _run(args: list[str]) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise AssertionError(f"{args[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout + done.stderr


def _gs(source: Path, folder: Path, prefix: str) -> str:
    return _run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pnggray", f"-r{DPI}",
                 "-dTextAlphaBits=4", "-dGraphicsAlphaBits=4", f"-sOutputFile={folder}/{prefix}-%d.png",
                 str(source)])


def draw(pdf: Path, reader: str) -> Drawing:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if reader == "poppler":
            # PGM, not PNG: the same pixels, and pdftoppm's PNG compression took three times its drawing
            out = _run(["pdftoppm", "-r", str(DPI), "-gray", str(pdf), str(folder / "p")])
            # pdftoppm pads page numbers with zeros: normalise
            for f in folder.glob("p-*.pgm"):
                f.rename(folder / f"p-{int(f.stem[2:])}.pgm")
        elif reader == "mupdf":
            out = _run(["mutool", "draw", "-q", "-r", str(DPI), "-c", "gray", "-o", str(folder / "p-%d.png"),
                        str(pdf)])
        elif reader == "ghostscript":
            out = _gs(pdf, folder, "p")
        elif reader == "ps2write":
            ps = folder / "print.ps"
            out = _run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=ps2write",
                        f"-sOutputFile={ps}", str(pdf)])
            out += _gs(ps, folder, "p")
        elif reader == "pdfium":
            import pypdfium2

            document = pypdfium2.PdfDocument(str(pdf))
            try:
                pages = [page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L") for page in document]
            finally:
                document.close()
            return Drawing(reader, pages, [])
        else:
            raise ValueError(reader)
        warnings = [line for line in out.splitlines() if line.strip() and not _harmless(line)]
        return Drawing(reader, _pages(folder, "p"), warnings)


def _harmless(line: str) -> bool:
    # MuPDF is built here without colour management: it says so once per file.
    return "ICC support is not available" in line


def difference(a: Image.Image, b: Image.Image) -> float:
    """The share of pixels inked clearly in one drawing with no ink at all near them in the other.

    Readers place glyphs to a fraction of a pixel differently and shade hairlines differently, so ink
    counts as matched by any ink in the other drawing within one pixel. A glyph that is missing, boxed
    (the inside of a box is empty) or drawn in another place is not matched.
    """
    if a.size != b.size:
        b = b.resize(a.size)

    def clear(ink):
        return ink.point(lambda v: 255 if v > STRONG else 0)

    def some(ink):
        return _near(ink).point(lambda v: 255 if v > FAINT else 0)

    ink_a, ink_b = ImageChops.invert(a), ImageChops.invert(b)
    unmatched = ImageChops.lighter(ImageChops.subtract(clear(ink_a), some(ink_b)),
                                   ImageChops.subtract(clear(ink_b), some(ink_a)))
    return unmatched.histogram()[255] / (a.size[0] * a.size[1])


def _near(ink: Image.Image) -> Image.Image:
    """The most ink within one pixel: ImageFilter.MaxFilter(3), byte for byte, in a tenth of its time. A
    3×3 maximum is a maximum of three along rows, then along columns; crop fills beyond the page with no
    ink, which changes no maximum, since the window holds the edge pixel itself."""
    w, h = ink.size
    row = ImageChops.lighter(ImageChops.lighter(ink, ink.crop((1, 0, w + 1, h))), ink.crop((-1, 0, w - 1, h)))
    return ImageChops.lighter(ImageChops.lighter(row, row.crop((0, 1, w, h + 1))), row.crop((0, -1, w, h - 1)))


def compare(pdf: Path, readers=READERS) -> list[str]:
    """What differs from Poppler's drawing, one line per reader and page; empty when all agree."""
    # Each reader is a process of its own (PDFium, in this one, only ever in one thread): drawn side by side
    with ThreadPoolExecutor(len(readers) + 1) as pool:
        reference, *drawings = pool.map(lambda reader: draw(pdf, reader), ("poppler", *readers))
    problems = []
    for reader, drawing in zip(readers, drawings, strict=True):
        if drawing.warnings:
            problems.append(f"{pdf.name}: {reader} warns: {drawing.warnings[:3]}")
        if len(drawing.pages) != len(reference.pages):
            problems.append(f"{pdf.name}: {reader} drew {len(drawing.pages)} pages, Poppler {len(reference.pages)}")
            continue
        for n, (mine, theirs) in enumerate(zip(reference.pages, drawing.pages, strict=True), 1):
            share = difference(mine, theirs)
            if share > MAX_SHARE:
                problems.append(f"{pdf.name} page {n}: {reader} differs from Poppler on {share:.2%} of the page")
    return problems
