"""Turn Markdown content into 部门项目支出预算绩效目标表 as PDFs to print and to archive."""

__version__ = "0.1.0"
# How every message names the program: Debian 12 and Ubuntu have no `python`, only `python3` (README says the
# same; on Windows the launcher is `py`).
COMMAND = "python3 build.py"

