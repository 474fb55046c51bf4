"""The anchor: plain WeasyPrint renders the ten seed tables as one naive volume (one process, one HTML,
one write_pdf), in the system's full face, or with --cut in the faces cut down to GB 2312 that the build
sets most text in (styles/fonts/). Usage: python benchmarks/anchor.py OUT.pdf [--cut]"""

import sys
from html import escape
from pathlib import Path

import weasyprint

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "data" / "seed.txt"
CUT = "".join(f'@font-face{{font-family:"cut";src:url({(ROOT / "styles" / "fonts" / f"NotoSerifCJKsc-GB-{style}.otf").as_uri()});'
              f"font-weight:{weight}}}" for style, weight in (("Regular", "normal"), ("Bold", "bold")))


def naive_html(cut: bool = False) -> str:
    family = '"cut","Noto Serif CJK SC"' if cut else '"Noto Serif CJK SC"'
    parts = [f'<html lang="zh-CN"><head><style>{CUT if cut else ""}@page{{size:A4;margin:25mm}}body{{font-family:{family};'
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
    cut = "--cut" in sys.argv
    paths = [a for a in sys.argv[1:] if a != "--cut"]
    weasyprint.HTML(string=naive_html(cut)).write_pdf(paths[0] if paths else "/dev/null")
