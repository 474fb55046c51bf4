"""The anchor: plain WeasyPrint renders the ten seed tables as one naive volume (one process, one HTML,
one write_pdf). Usage: python benchmarks/anchor.py OUT.pdf"""

import sys
from html import escape
from pathlib import Path

import weasyprint

SEED = Path(__file__).resolve().parent.parent / "tests" / "data" / "seed.txt"


def naive_html() -> str:
    parts = ['<html lang="zh-CN"><head><style>@page{size:A4;margin:25mm}body{font-family:"Noto Serif CJK SC";'
             'font-size:10.5pt}table{border-collapse:collapse;width:100%}td{border:0.5pt solid #000;padding:1mm}'
             'section{break-before:page}h1{text-align:center;font-size:22pt}</style></head><body>']
    for block in SEED.read_text(encoding="utf-8").split("部门项目支出预算绩效目标表")[1:]:
        rows = [line.split("\t") for line in block.strip().split("\n") if line.strip() and "单位" not in line]
        parts.append("<section><h1>部门项目支出预算绩效目标表</h1><p>单位：万元</p><table>")
        for row in rows:
            parts.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>")
        parts.append("</table></section>")
    return "".join(parts) + "</body></html>"


if __name__ == "__main__":
    weasyprint.HTML(string=naive_html()).write_pdf(sys.argv[1] if len(sys.argv) > 1 else "/dev/null")
