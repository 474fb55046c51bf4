"""Turn the program's size bounds into one list: what a file, a table or a cell may hold."""

from __future__ import annotations

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

# How much of a value a message quotes: enough to find it in the file.
EXCERPT_CHARS = 20

# Integer digits of an amount in 万元: below 100亿万元 (a hundred trillion yuan), beyond any budget. Each
# prints in full on one line of the 项目汇总表, and so does the 合计 of a department of a thousand projects.
MAX_AMOUNT_DIGITS = 10
