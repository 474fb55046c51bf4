"""Print and archive 部门项目支出预算绩效目标表 from Markdown content as PDF."""

__version__ = "0.1.0"
