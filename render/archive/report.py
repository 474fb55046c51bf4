"""Turn an intake check's result into 检测报告.txt: the verdict per property, what each covers, every finding
with its file and check, what the 档案室 is to fill in and what the program does not check."""

from __future__ import annotations

from render.archive.intake import PROPERTIES, Result
from render.typeset import markup

BASIS = "DA/T 70-2018《文书类电子档案检测一般要求》；《电子档案移交与接收办法》（档发〔2012〕7号）附件2"
# What each property's check does (render/archive/intake.py): in a few words for the 登记表, in full for the report.
SUMMARY = {"真实性": "数字摘要、元数据与文件一致", "完整性": "文件齐全、件号连续",
           "可用性": "PDF/A-3a 与 PDF/UA-1（无障碍），Poppler 和 MuPDF 均可打开，无加密", "安全性": "无可执行内容、脚本和外部动作"}
COVERS = {
    "真实性": "每个文件的 SHA-256 和大小与说明文件的清单、元数据所记一致；元数据与文件目录、与 PDF 本身"
           "（题名、责任者、立档单位名称、日期、页数、文件名、生成程序）一致；元数据合乎档案元数据.xsd、不含文档类型定义；件的存放位置与年度、件号一致",
    "完整性": "说明文件列出的文件都在、没有多出的文件；文件目录列出的每件都有 PDF 和元数据；件号从 0001 起连续、不重复",
    "可用性": "每个 PDF 通过 PDF/A-3b、PDF/A-3a 与 PDF/UA-1 验证（page-validation）及结构标签检查，Poppler（pdfinfo、pdftotext）和 MuPDF（mutool）"
           "都能打开且无错误；没有加密；zip 不加密、只用通用压缩方法",
    "安全性": "只含移交包应有的文件（按内容判断）：没有程序、脚本、快捷方式或压缩文件，没有链接、管道或设备文件；PDF 中没有 JavaScript、启动程序、网址等动作，内嵌文件都是元数据声明的源文件；"
           "zip 中没有指向包外的路径、链接或同名的成员，每个成员都能读出",
}
DIGEST = "移交包的 SHA-256："  # the line the .zip's digest is written on, and read back from (recorded())
NOT_CHECKED = "计算机病毒（请用接收单位的查毒软件检测）；载体外观（由接收人员查看）"


def text(result: Result) -> str:
    lines = ["电子档案四性检测报告", "", f"移交包：{result.package}", f"检测依据：{BASIS}",
             f"检测程序：{markup.GENERATOR}（不读取内容文件夹，只读移交包本身）",
             f"电子档案：{result.records} 件；文件 {result.files} 个，共 {result.size:,} 字节"]
    if result.sha256 and result.zipped:  # nothing inside a package can vouch for the package: the signed paper can
        lines.append(f"{DIGEST}{result.sha256}（可抄在纸质登记表上，交接双方签字）")
    elif result.sha256:
        lines.append(f"移交包（文件夹）的摘要：{result.sha256}（各文件“SHA-256  字节数  路径”按路径排序、每行一个，"
                     "其 SHA-256；可抄在纸质登记表上，交接双方签字）")
    lines.append("")
    for prop in PROPERTIES:
        found = [f for f in result.findings if f.property == prop]
        lines.append(f"{prop}：{'通过' if not found else f'未通过（{len(found)} 个问题）'}")
        lines.append(f"  检测：{COVERS[prop]}")
        lines += [f"  {f}" for f in found]
        lines.append("")
    if result.to_fill:
        lines.append(f"待档案室填写（元数据中留空）：{'、'.join(result.to_fill)}")
    lines.append(f"未检测：{NOT_CHECKED}")
    lines.append(f"结论：{'四性检测全部通过' if result.passed() else '未通过：' + '、'.join(p for p in PROPERTIES if not result.passed(p))}")
    return "\n".join(lines) + "\n"


def recorded(text: str) -> str | None:
    """The .zip's SHA-256 a report written by text() records, if it records one."""
    line = next((line for line in text.splitlines() if line.startswith(DIGEST)), "")
    return line[len(DIGEST):len(DIGEST) + 64] or None
