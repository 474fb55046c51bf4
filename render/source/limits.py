"""Turn what a file may cost into bounds, each a constant here (README's 限制 lists them), and a long value
into the short excerpt a message quotes."""

from __future__ import annotations

from render.problems import Problem

# Files the content folder holds (check, build, review, watch)
# A project file or 部门.yml. The seed's largest project file is 2.5 KB; 1 MB holds some 300,000 Chinese
# characters. Refused before it is read: a runaway file (a table pasted a hundred thousand times) costs
# nothing, where parsing it took seconds and laying it out gigabytes.
MAX_FILE_BYTES = 1024 * 1024
FILE_SIZE_TEXT = "1 MB"  # as the message names it

# Indicator rows in one project. The seed's tables have 10 to 20; the paper form's longest run to a few
# dozen. 200 rows are ten printed pages: far beyond a real table, and well within what a worker lays out.
MAX_ROWS = 200

# Characters in one cell: a header field, the whole 年度总体绩效目标, a 三级指标 or 绩效值. 2,000 are
# two printed pages of goal (render/source/project.py warns from one page on).
MAX_CELL_CHARS = 2000


# Characters of one project's indicator table (三级指标 and 绩效值 of every row together). A page holds some
# 500 of them when the cells are long; the seed's tables hold under 1,500, a long real one 5,000. Beyond this
# a table runs past 40 pages, and laying it out (render/typeset/paginate.py, linear in the pages) takes
# minutes: `check` says so before any layout.
MAX_TABLE_CHARS = 20_000

# Integer digits of an amount in 万元: below 100亿万元 (a hundred trillion yuan), beyond any budget. Each
# prints in full on one line of the 项目汇总表, and so does the 合计 of a department of a thousand projects.
MAX_AMOUNT_DIGITS = 10

# Files given to `import`, `review --rules` and `archive --check`
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
# A package given to `archive --check`, unzipped, as its zip directory declares it: a department's is about
# 1 MB, a county's year some tens. Beyond this, a zip bomb or the wrong file: said before anything is
# written to disk.
PACKAGE_BYTES = 4 * 1024 * MB
# Files and folders of one package (a zip's members, a folder's entries): a department's year is a few dozen,
# two per record and seven besides. Counted before any is read.
PACKAGE_ENTRIES = 5_000
# Records listed in one 文件目录.xml: each is opened by three readers, a second or so a record.
PACKAGE_RECORDS = 2_000
# A package's XML or text file (文件目录.xml, 元数据.xml, 说明文件.txt, 其他/): read whole and parsed, so
# bounded; 文件目录.xml of PACKAGE_RECORDS records is about 1.2 MB.
PACKAGE_TEXT_BYTES = 4 * MB
# A package's PDF, before it is opened by pikepdf, page-validation, Poppler and MuPDF (whose memory this program
# cannot bound): a table is 75 KB, a volume of a hundred tables some 3 MB.
PACKAGE_PDF_BYTES = 64 * MB
# A package uploaded to the site for its intake check, as it arrives: a county's year is some tens of MB.
# The site stops reading an upload past the largest of its limits (render/site/uploads.py).
PACKAGE_UPLOAD_BYTES = 200 * MB
EXCERPT = 40  # characters of a value quoted in a message

# What Excel, WPS and LibreOffice take for the start of a formula in a cell typed or pasted, also after
# blanks (a tab or CR copied with the value).
FORMULA_LEADS = "=+-@"


def size(n: int) -> str:
    """A limit as a clerk reads it: 20 MB, 1 MB, 4 GB."""
    if n % (1024 * MB) == 0:
        return f"{n // (1024 * MB)} GB"
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
