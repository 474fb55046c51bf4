"""Turn what a file given to `import` or `review --rules` may cost into bounds, each a constant here (README's
限制 lists them), and a long value into the short excerpt a message quotes."""

from __future__ import annotations

from render.problems import Problem

MB = 1024 * 1024

# A department's pasted tables are a few hundred KB; these leave room for a county's in one file, and stop
# a file that would take gigabytes of memory (a zip that inflates a thousandfold, a million rows) before
# it is read, with a message instead of a machine that swaps.
FILE_BYTES = 20 * MB  # a file given to import, as it lies on disk
# an .xlsx's parts once unzipped, as its zip directory declares them: a county's tables are 2 MB; 20 MB of
# tiny shared strings still cost openpyxl 170 MiB and 12 s (48 MB: 360 MiB, 26 s)
XLSX_BYTES = 20 * MB
ROWS = 20_000  # rows of one file (every sheet of a workbook together)
CELLS = 200_000  # cells of one file, empty ones between filled ones included
CELL_CHARS = 10_000  # characters of one cell: a 年度总体绩效目标 is a few hundred
PROBLEMS = 100  # problems listed per file; the rest are counted in one line
RULES_BYTES = 1 * MB  # a rules file (the shipped one is 6 KB)
EXCERPT = 40  # characters of a value quoted in a message

# What Excel, WPS and LibreOffice take for the start of a formula in a cell typed or pasted, also after
# blanks (a tab or CR copied with the value).
FORMULA_LEADS = "=+-@"


def size(n: int) -> str:
    """A limit as a clerk reads it: 20 MB, 1 MB."""
    return f"{n // MB} MB" if n % MB == 0 else f"{n:,} 字节"


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """The first `limit` characters of a value and “…” if there was more: a message names the value
    without printing a cell of a million characters."""
    return text if len(text) <= limit else text[:limit] + "…"


def overflow(count: int, shown: int = PROBLEMS) -> str:
    """The line that stands for the problems of a file not listed."""
    return f"另有 {count - shown} 个问题未列出（共 {count} 个，只列出前 {shown} 个）：请先按以上各条修改，再重新运行"


def capped(problems: list[Problem], limit: int = PROBLEMS) -> list[Problem]:
    """The first `limit` problems of each file (a workbook's sheets are one file), in the order of its lines,
    and for a file with more, one line counting the rest with the gravest severity and kind among them, so
    that the exit code is what it would have been."""
    by_file: dict[str, list[Problem]] = {}
    for p in problems:
        by_file.setdefault(p.path.split("[")[0], []).append(p)
    out: list[Problem] = []
    for path, found in by_file.items():
        found.sort(key=lambda p: (p.path, p.line))
        out += found[:limit]
        rest = found[limit:]
        if rest:
            severity = next((s for s in ("error", "warning", "note") if any(p.severity == s for p in rest)))
            kind = max((p.kind for p in rest if p.severity == severity), key=lambda k: k.exit)
            out.append(Problem(path, 0, "", overflow(len(found), limit), severity, kind))
    return out
