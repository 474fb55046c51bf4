"""Turn a package and the check of its records into 移交登记表.pdf (PDF/A-3a and PDF/UA-1, the form's style): the counts,
the sizes, the results, and blank lines for who hands it over, who receives it and when."""

from __future__ import annotations

from render.archive import report
from render.archive.carrier import REPORT
from render.archive.intake import FORM, LATER, PROPERTIES, Result
from render.archive.records import Package, piece
from render.archive.report import SUMMARY
from render.problems import RenderError
from render.produce import files, outputs
from render.typeset import columns, markup

TITLE = "电子档案移交与接收登记表"
# The form of 2012 calls the first check 准确性检验 (the content, its scope, the data alike before and after).
LABELS = {"真实性": "准确性（真实性）检验"}
SIGNATURES = ("填表人（签名）", "审核人（签名）", "单位（印章）")


def size_text(size: int) -> str:
    """GB to three places, as the form asks, and the exact bytes."""
    return f"{size / 1024 ** 3:.3f} GB（{size:,} 字节）"


def grouped(digest: str) -> str:
    """A SHA-256 in groups of eight, as it is read aloud and copied by hand, and as a line may break it."""
    return " ".join(digest[k:k + 8] for k in range(0, len(digest), 8))


def html(p: Package, result: Result, checked: str, compact: bool = False) -> str:
    d = p.department
    kinds = "、".join(f"{outputs.label(k)} {n} 件" for k, n in p.counts().items())
    rows = (("交接工作名称", f"{d.name}{d.year}年部门项目支出预算绩效目标表电子档案移交"),
            ("内容描述", f"{kinds}；PDF/A-3a 文件（带结构标签，符合 PDF/UA-1），每件附元数据（DA/T 46-2009，XML），"
                     f"按《电子档案移交与接收办法》（档发〔2012〕7号）附件2组织"),
            ("移交电子档案数量", f"{len(p.records)} 件（连同元数据、目录、说明、检测报告和本表共 {result.files + len(LATER) + 1} 个文件）"),
            ("移交数据量", size_text(result.size) + "，不含说明文件和本表"),
            ("载体起止顺序号", f"件号 {piece(1)}—{piece(len(p.records))}"),
            ("移交载体类型、规格", f"文件夹及 zip 文件 {p.name}.zip（不压缩）；载体由移交单位填写"),
            ("移交单位检测报告", f"{REPORT}，SHA-256：{grouped(checked)}"))
    checks = [(LABELS.get(prop, f"{prop}检验"), ("通过" if result.passed(prop) else
                               f"未通过（{sum(f.property == prop for f in result.findings)} 个问题）")
               + f"：{SUMMARY[prop]}") for prop in PROPERTIES]
    checks[-1] = (checks[-1][0], checks[-1][1] + "；病毒检测由接收单位进行")
    checks.append(("载体外观检验", ""))
    labels = [label for label, _ in rows] + [label for label, _ in checks] + list(SIGNATURES) + ["检验内容"]
    return markup.environment().get_template("handover.html.j2").render(
        label_width=f"{columns.cell_width(labels, bold=True):.1f}",
        title=f"{d.name}{d.year}年{TITLE}", author=d.dir_name, subject=TITLE, keywords=[d.year, d.code, d.name, TITLE],
        generator=markup.GENERATOR, stamp=p.stamp.isoformat(), rows=rows, checks=checks, signatures=SIGNATURES,
        department=d.name, compact=compact,
        note=f"移交单位一栏的检验由 {markup.GENERATOR} 按 DA/T 70-2018 进行，详见移交包中的检测报告；"
             "接收单位可用同一程序的移交包检测复核。本表一式两份，交接双方各留一份。")


def made(p: Package, result: Result) -> dict[str, bytes]:
    """The form and the report it sums up, by their place in the package: the 移交单位's check of the records
    in full beside the form that prints its results and its digest (a signed paper carries no command)."""
    from render.typeset import layout

    checked = report.text(result).encode("utf-8")
    digest = files.sha256(checked)
    # One page, signed as one sheet: a long department name (it is printed three times) or many kinds of
    # record can push the seed's layout over by a line, and then the form is set closer.
    doc = layout.document(html(p, result, digest))
    if len(doc.pages) > 1:
        doc = layout.document(html(p, result, digest, compact=True))
    if len(doc.pages) > 1:
        raise RenderError(f"{FORM}：内容过多，一页印不下（部门名称“{p.department.name}”过长？）")
    return {REPORT: checked, FORM: layout.write(doc, (), p.stamp)}
