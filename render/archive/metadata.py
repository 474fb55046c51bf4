"""Turn a package's records into their metadata files (元数据.xml after DA/T 46-2009, 文件目录.xml after
档发〔2012〕7号 附件2), each validated against the schema shipped with them; and read them back."""

from __future__ import annotations

from functools import lru_cache

from render.resources import TEMPLATES
from render.archive import pdf
from render.archive.records import LANGUAGE, SCHEME_VERSION, Package, Record, piece

SCHEMA = TEMPLATES / "archive" / "档案元数据.xsd"
METADATA = "元数据.xml"
CATALOGUE = "文件目录.xml"
DIGEST = "SHA-256"


@lru_cache(maxsize=1)
def schema():
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def _tree(tag: str, children) -> object:
    """An element from (tag, text | children) pairs: the metadata's shape reads as the schema's."""
    from lxml import etree

    element = etree.Element(tag)
    for name, value in children:
        if isinstance(value, (list, tuple)):
            element.append(_tree(name, value))
        else:
            etree.SubElement(element, name).text = str(value)
    return element


def _bytes(element) -> bytes:
    """Validated, then serialised the same way every time; a file the schema refuses is our fault, not the clerk's."""
    from lxml import etree

    schema().assertValid(element.getroottree())
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def record_xml(p: Package, r: Record) -> bytes:
    d, f = p.department, p.department.filing
    root = _tree("电子文件元数据", [
        ("聚合层次", "件"),
        ("来源", [("全宗名称", f.fonds_name), ("立档单位名称", d.name)]),
        ("电子文件号", p.file_id(r)),
        ("档号", [("档号值", p.reference(r)), ("全宗号", f.fonds), ("年度", d.year), ("保管期限", f.retention),
                 ("机构或问题", f.series), ("件号", piece(r.number))]),
        ("内容描述", [("题名", r.facts.title), ("关键词", "，".join((d.year, d.code, d.name, r.genre))),
                   ("责任者", r.facts.author), ("日期", r.facts.date), ("文种", r.genre), ("密级", f.classification)]),
        ("形式特征", [("页数", r.facts.pages), ("语种", LANGUAGE)]),
        ("电子属性", [("格式信息", pdf.FORMAT), ("计算机文件名", r.name), ("计算机文件大小", r.size),
                   ("文档创建程序", r.creator), ("数字摘要", [("算法", DIGEST), ("值", r.sha256)]),
                   ("内嵌源文件", [("文件", [("名称", name), ("数字摘要", [("算法", DIGEST), ("值", sha)])])
                              for name, sha in r.facts.embedded])]),
    ])
    root.set("版本", SCHEME_VERSION)
    return _bytes(root)


def catalogue_xml(p: Package) -> bytes:
    d = p.department
    root = _tree("文件目录", [("条目", [
        ("顺序号", r.number), ("档号", p.reference(r)), ("责任者", r.facts.author), ("题名", r.facts.title),
        ("日期", r.facts.date), ("密级", d.filing.classification), ("电子档案名称", f"{p.folder(r)}/{r.name}"),
        ("元数据文件", f"{p.folder(r)}/{METADATA}"), ("备注", r.genre)]) for r in p.records])
    root.set("立档单位名称", d.name)
    root.set("年度", d.year)
    return _bytes(root)


def parse(data: bytes) -> tuple[object | None, str]:
    """A metadata file read and checked against the schema: the root, or None and why not."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        return None, f"不是格式正确的 XML：{e.msg}"
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:  # entities the schema cannot see through
        return None, "含有文档类型定义（<!DOCTYPE>）：元数据不用它，它可以改变或隐藏内容"
    try:
        valid = schema().validate(tree)
    except etree.Error as e:  # lxml gives up on what the schema cannot judge: the file fails, it is no fault of ours
        return None, f"不符合元数据方案（档案元数据.xsd）：{e}"
    if not valid:
        error = schema().error_log.last_error
        return None, f"不符合元数据方案（档案元数据.xsd）：第 {error.line} 行 {error.message}"
    return root, ""


def text(root, path: str) -> str:
    """The text at a path of child names, “/” between them; "" for an empty element."""
    found = root.find(path)
    return (found.text or "") if found is not None else ""


def as_dict(entry) -> dict[str, str]:
    """A 文件目录 条目, by its element names."""
    return {child.tag: child.text or "" for child in entry}
