"""`archive`: the hand-over package of the seed's outputs, every XML valid against the shipped schema, the
same bytes twice, and `archive --check` catching each kind of damage an archive's intake looks for."""

import hashlib
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest
from conftest import CONTENT, DEPT, once, run_build, run_cli, spoiled, PACKAGE
from lxml import etree

from render.archive import intake, metadata, records
from render.produce import outputs
from render.source import model as m

NAME = PACKAGE
PIECES = f"电子档案/2025/{DEPT.split('/')[1]}"


@pytest.fixture(scope="session")
def packed(built, tmp_path_factory) -> Path:
    """The seed's outputs archived, as a clerk would: a process of its own, into a folder of its own."""
    def make(target: Path) -> None:
        result = run_build("archive", str(built), "--out", str(target))
        assert result.returncode == 0, result.stdout + result.stderr
        assert "四性检测通过" in result.stdout

    return once(tmp_path_factory, "handover", make)


@pytest.fixture
def small(three_packed) -> Path:
    """Each kind of damage below is caught in three tables' package as in the seed's eleven records."""
    return three_packed


def findings(folder: Path) -> list[str]:
    result = intake.check(folder)
    assert not result.passed()
    return [str(f) for f in result.findings]


def test_the_package_has_the_layout_of_the_2012_rules(packed, built, manifest):
    root = packed / NAME
    assert (packed / f"{NAME}.zip").is_file()
    assert sorted(p.name for p in root.iterdir()) == sorted(["说明文件.txt", "文件目录.xml", "电子档案", "其他"])
    assert sorted(p.name for p in (root / "其他").iterdir()) == sorted(
        ["档案元数据.xsd", "元数据方案.txt", "命名规则.txt", "移交登记表.pdf", "移交检测报告.txt"])
    outputs = {Path(f["path"]).name: built / f["path"] for f in manifest["files"]
               if f["path"].startswith(DEPT) and f["path"].endswith(".pdf")}
    pieces = sorted((root / PIECES).iterdir())
    assert [p.name for p in pieces] == [f"{n:04d}" for n in range(1, len(outputs) + 1)]
    for piece in pieces:  # each record beside its metadata, byte for byte the output's
        pdf = next(piece.glob("*.pdf"))
        assert sorted(p.name for p in piece.iterdir()) == sorted([pdf.name, "元数据.xml"])
        assert pdf.read_bytes() == outputs[pdf.name].read_bytes()
    # the tables in their order, then the volume
    names = [next(p.glob("*.pdf")).name for p in pieces]
    assert names[:-1] == sorted(names[:-1]) and names[0].startswith("01-")
    assert names[-1] == "平罗县司法局2025年部门项目支出预算绩效目标表.pdf"
    # the zip holds the folder, file for file
    with zipfile.ZipFile(packed / f"{NAME}.zip") as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
        assert all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist())
    on_disk = {f"{NAME}/{p.relative_to(root).as_posix()}": p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert members == on_disk


def test_every_xml_is_valid_against_the_shipped_schema_and_says_what_the_pdf_says(packed):
    root = packed / NAME
    schema = etree.XMLSchema(etree.parse(str(root / "其他/档案元数据.xsd")))
    xmls = sorted(root.rglob("*.xml"))
    assert len(xmls) == len(list((root / PIECES).iterdir())) + 1
    for path in xmls:
        schema.assertValid(etree.parse(str(path)))
    for piece in sorted((root / PIECES).iterdir()):
        meta = etree.parse(str(piece / "元数据.xml")).getroot()
        pdf = next(piece.glob("*.pdf"))
        with pikepdf.open(pdf) as doc:
            assert meta.findtext("内容描述/题名") == str(doc.docinfo.Title)
            assert meta.findtext("内容描述/责任者") == str(doc.docinfo.Author)
            assert meta.findtext("形式特征/页数") == str(len(doc.pages))
            assert sorted(f.findtext("名称") for f in meta.findall("电子属性/内嵌源文件/文件")) == sorted(
                str(s.UF) for s in doc.Root.AF)
        assert meta.findtext("内容描述/日期") == "20250120"  # 部门.yml's 编制日期
        assert meta.findtext("档号/件号") == piece.name
        # what only the 档案室 knows is left empty, never invented
        assert [meta.findtext(p) for p in ("档号/档号值", "档号/全宗号", "档号/保管期限", "内容描述/密级")] == [""] * 4
    readme = (root / "说明文件.txt").read_text(encoding="utf-8")
    assert "待档案室填写：全宗号、全宗名称、机构或问题、保管期限、密级" in readme


def test_the_handover_form_is_one_pdfa_page_with_the_counts_and_results(packed):
    from render.archive import pdf, structure

    form = packed / NAME / "其他/移交登记表.pdf"
    assert pdf.claimed(form) == ("3b", "3a", "ua1")
    assert pdf.pdfa_failures(form) == [] and structure.check(form) == []
    import pdfplumber

    with pdfplumber.open(form) as doc:
        rows = {"".join((r[0] or "").split()): ["".join((c or "").split()) for c in r[1:]]
                for r in doc.pages[0].extract_table()}
    pieces = len(list((packed / NAME / PIECES).iterdir()))
    assert rows["移交电子档案数量"][0].startswith(f"{pieces}件")
    assert rows["载体起止顺序号"][0] == f"件号0001—{pieces:04d}"
    for label in ("准确性（真实性）检验", "完整性检验", "可用性检验", "安全性检验"):
        assert rows[label][0].startswith("通过："), rows[label]
        assert rows[label][1] == ""  # the 接收单位's, to fill in
    for line in ("填表人（签名）", "审核人（签名）", "单位（印章）"):
        assert rows[line] == ["年月日", "年月日"]
    # every label on one line; no command on a signed paper: the check's report is in the package, its digest here
    assert all(label in rows for label in ("移交载体类型、规格", "准确性（真实性）检验", "移交单位检测报告"))
    report = (packed / NAME / "其他/移交检测报告.txt").read_bytes()
    assert hashlib.sha256(report).hexdigest() in rows["移交单位检测报告"][0]
    assert report.decode("utf-8").startswith("电子档案四性检测报告")
    with pikepdf.open(form) as pdf:
        assert len(pdf.pages) == 1
    with pdfplumber.open(form) as doc:
        text = doc.pages[0].extract_text()
    assert "build.py" not in text and "--check" not in text


@pytest.mark.slow
def test_two_runs_give_the_same_zip(packed, built, tmp_path):
    again = run_cli("archive", str(built), "--out", str(tmp_path))
    assert again.returncode == 0, again.stdout + again.stderr
    assert (tmp_path / f"{NAME}.zip").read_bytes() == (packed / f"{NAME}.zip").read_bytes()
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == []


@pytest.mark.slow
def test_check_passes_the_package_as_made(packed):
    for package in (packed / NAME, packed / f"{NAME}.zip"):
        result = intake.check(package)
        assert result.passed(), [str(f) for f in result.findings]
        assert result.records == len(list((packed / NAME / PIECES).iterdir()))


def test_check_of_the_zip_from_the_command_line_writes_the_report(packed, tmp_path):
    shutil.copy(packed / f"{NAME}.zip", tmp_path)
    result = run_cli("archive", "--check", str(tmp_path / f"{NAME}.zip"))
    assert result.returncode == 0, result.stdout
    report = (tmp_path / f"{NAME}.zip-检测报告.txt").read_text(encoding="utf-8")
    assert report.strip() in result.stdout
    for prop in intake.PROPERTIES:
        assert f"{prop}：通过" in report
    assert "结论：四性检测全部通过" in report
    assert hashlib.sha256((packed / f"{NAME}.zip").read_bytes()).hexdigest() in report  # for the paper form


def test_check_finds_the_package_in_the_folder_an_unzip_made(packed, tmp_path):
    """`unzip -q 包.zip -d 收到` gives 收到/<包名>/: the check of 收到 is the check of the package in it."""
    with zipfile.ZipFile(packed / f"{NAME}.zip") as z:
        z.extractall(tmp_path / "收到")
    result = run_cli("archive", "--check", str(tmp_path / "收到"))
    assert result.returncode == 0, result.stdout
    assert "结论：四性检测全部通过" in result.stdout and "未列出这个文件" not in result.stdout
    assert (tmp_path / "收到" / f"{NAME}-检测报告.txt").is_file()
    assert run_cli("archive", "--check", str(tmp_path / "收到")).returncode == 0  # its report beside it, again


def test_a_package_of_nothing_passes_nothing(tmp_path):
    (tmp_path / "空" / "别的").mkdir(parents=True)
    (tmp_path / "空" / "笔记.txt").write_text("不是移交包", encoding="utf-8")
    result = intake.check(tmp_path / "空")
    assert result.records == 0
    assert not any(result.passed(prop) for prop in intake.PROPERTIES)
    said = run_cli("archive", "--check", str(tmp_path / "空"))
    assert said.returncode == 1 and all(f"{prop}：未通过" in said.stdout for prop in intake.PROPERTIES), said.stdout


def test_a_report_whose_digest_is_not_the_zips_is_named_stale(packed, built, tmp_path):
    """After a second `archive` the old 检测报告's SHA-256, the one for the paper 登记表, no longer binds the zip."""
    old = f"{NAME}-检测报告.txt"
    (tmp_path / old).write_text(f"移交包的 SHA-256：{'0' * 64}（可抄在纸质登记表上，交接双方签字）\n", encoding="utf-8")
    made = run_cli("archive", str(built), "--out", str(tmp_path))
    assert made.returncode == 0, made.stdout
    assert f"{tmp_path / old}: （警告）检测报告已过期" in made.stdout
    assert f"python3 build.py archive --check {tmp_path / NAME}.zip" in made.stdout
    other = tmp_path / "另一处"
    other.mkdir()
    shutil.copy(packed / f"{NAME}.zip", other / "乙.zip")
    shutil.copy(tmp_path / old, other / "乙-检测报告.txt")
    shutil.copy(packed / f"{NAME}.zip", other)
    checked = run_cli("archive", "--check", str(other / f"{NAME}.zip"))
    assert checked.returncode == 0 and f"{other / '乙-检测报告.txt'}: （警告）检测报告已过期" in checked.stdout
    assert f"{other / old}: （警告）" not in checked.stdout  # the one just written binds its zip


@pytest.mark.slow
def test_a_changed_byte_in_a_pdf_is_caught_by_its_digest(small, tmp_path):
    folder = spoiled(small, tmp_path)
    pdf = next((folder / PIECES / "0003").glob("*.pdf"))
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    pdf.write_bytes(bytes(data))
    rel = pdf.relative_to(folder).as_posix()
    found = findings(folder)
    assert f"{rel}: 真实性·数字摘要: SHA-256 与元数据所记不符（文件被改动或损坏）" in found
    result = run_cli("archive", "--check", str(folder))
    assert result.returncode == 1 and rel in result.stdout and "结论：未通过：真实性" in result.stdout


def test_a_deleted_file_is_caught(small, tmp_path):
    folder = spoiled(small, tmp_path)
    pdf = next((folder / PIECES / "0003").glob("*.pdf"))
    pdf.unlink()
    rel = pdf.relative_to(folder).as_posix()
    found = findings(folder)
    assert f"{rel}: 完整性·文件齐全: 说明文件.txt 列出的文件不存在" in found
    assert f"{rel}: 完整性·文件齐全: 文件目录.xml 第 3 件列出的文件不存在" in found


def test_an_extra_file_is_caught(small, tmp_path):
    folder = spoiled(small, tmp_path)
    (folder / PIECES / "0002" / "备忘.txt").write_text("另加的", encoding="utf-8")
    (folder / "run.exe").write_bytes(b"MZ\x90\x00")
    found = findings(folder)
    assert f"{PIECES}/0002/备忘.txt: 完整性·文件齐全: 说明文件.txt 未列出这个文件（多出的文件）" in found
    assert "run.exe: 安全性·可执行内容: 是程序或脚本" in found


def test_a_renumbered_piece_leaves_a_gap(small, tmp_path):
    """件 0004, the last, renumbered 0005 everywhere it is named (folder, catalogue, metadata): the gap shows."""
    folder = spoiled(small, tmp_path)
    (folder / PIECES / "0004").rename(folder / PIECES / "0005")
    for xml in (folder / "文件目录.xml", folder / PIECES / "0005" / "元数据.xml"):
        text = xml.read_text(encoding="utf-8")
        text = text.replace("<顺序号>4</顺序号>", "<顺序号>5</顺序号>").replace("/0004/", "/0005/")
        xml.write_text(text.replace("<件号>0004</件号>", "<件号>0005</件号>"), encoding="utf-8")
    found = findings(folder)
    assert "文件目录.xml: 完整性·件号连续: 件号不连续：缺 0004" in found


def test_an_edited_title_in_the_metadata_is_caught(small, tmp_path):
    folder = spoiled(small, tmp_path)
    xml = folder / PIECES / "0001" / "元数据.xml"
    xml.write_text(xml.read_text(encoding="utf-8").replace("<题名>2025年", "<题名>2026年"), encoding="utf-8")
    pdf = next((folder / PIECES / "0001").glob("*.pdf")).relative_to(folder).as_posix()
    found = findings(folder)
    assert f"{pdf}: 真实性·元数据与文件: 元数据的题名“2026年全区安置帮教经费”与 PDF 的“2025年全区安置帮教经费”不符" in found
    assert any(f.startswith(f"{PIECES}/0001/元数据.xml: 真实性·元数据与目录: 题名") for f in found)


def test_a_zip_member_pointing_outside_and_a_damaged_zip_are_caught(small, tmp_path):
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(small / f"{NAME}.zip") as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("../逃逸.txt", b"x")
    found = [str(f) for f in intake.check(bad).findings]
    assert "../逃逸.txt: 安全性·载体: 路径指向移交包之外" in found
    broken = tmp_path / "broken.zip"
    broken.write_bytes((small / f"{NAME}.zip").read_bytes()[:1000])
    assert not intake.check(broken).passed(intake.PROPERTIES[3])


def test_a_pdf_with_javascript_is_caught(small, tmp_path):
    folder = spoiled(small, tmp_path)
    path = next((folder / PIECES / "0003").glob("*.pdf"))
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        pdf.save(path)
    rel = path.relative_to(folder).as_posix()
    assert f"{rel}: 安全性·活动内容: 含有JavaScript" in findings(folder)


def test_a_pdf_whose_tags_reach_nothing_is_caught(small, tmp_path):
    """It claims PDF/UA-1, passes page-validation, and its table's text is in no element: our check says so."""
    folder = spoiled(small, tmp_path)
    path = next((folder / PIECES / "0003").glob("*.pdf"))
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        document = pdf.Root.StructTreeRoot.K[0]
        document.K = pikepdf.Array(list(document.K)[:-1])
        pdf.save(path)
    rel = path.relative_to(folder).as_posix()
    assert any(f.startswith(f"{rel}: 可用性·结构标签: ") and "不属于结构树" in f for f in findings(folder))


def test_archive_fields_fill_the_reference_and_are_checked(built, manifest, tmp_path):
    """全宗号, 保管期限, 机构或问题 given: the 档号 is made; a value that cannot be one is a `check` error."""
    from render.produce.plan import source_base
    from render.source import load

    content, _ = load.load(CONTENT, source_base(CONTENT))
    d = replace(content.departments[0], filing=m.Filing("J012", "平罗县司法局", "BGS", "永久", "公开"))
    package = records.packages(built, manifest, (d,), built)[0]
    meta = etree.fromstring(metadata.record_xml(package, package.records[2]))
    assert meta.findtext("档号/档号值") == "J012-2025-Y-BGS-0003"
    assert meta.findtext("内容描述/密级") == "公开" and meta.findtext("来源/全宗名称") == "平罗县司法局"
    assert package.folder(package.records[2]) == "电子档案/2025/BGS/0003"
    assert d.filing.missing() == ()

    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    yml = folder / DEPT / "部门.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + "全宗号: J-12\n保管期限: 20年\n机构或问题: 办公室\n密级: 保密\n",
                   encoding="utf-8")
    result = run_cli("check", "--content", str(folder))
    assert result.returncode == 1
    for field in ("全宗号", "保管期限", "密级"):
        assert f"部门.yml:{8 + ('全宗号', '保管期限', '机构或问题', '密级').index(field)}: {field}:" in result.stdout
    assert "机构或问题:" not in result.stdout


def test_archive_refuses_outputs_that_verify_fails(built, tmp_path):
    out = tmp_path / "dist"
    shutil.copytree(built, out)
    pdf = next((out / DEPT).glob("01-*.pdf"))
    data = bytearray(pdf.read_bytes())
    data[-200] ^= 0x01
    pdf.write_bytes(bytes(data))
    result = run_cli("archive", str(out), "--out", str(tmp_path / "移交"))
    assert result.returncode == 1
    assert "未生成移交包" in result.stdout and pdf.name in result.stdout
    assert not (tmp_path / "移交").exists() or not any((tmp_path / "移交").iterdir())


def test_a_volumes_layouts_are_records_named_by_their_layout(simplex_built, tmp_path):
    """Double-sided and single-sided volumes of one department are two records: their 题名 (the PDF's own
    title) says which is which, as their file names do."""
    done = run_cli("archive", str(simplex_built), "--out", str(tmp_path / "移交"))
    assert done.returncode == 0, done.stdout + done.stderr
    catalogue = etree.parse(str(tmp_path / "移交" / NAME / "文件目录.xml")).getroot()
    volumes = {e.findtext("电子档案名称").rsplit("/", 1)[1]: e.findtext("题名") for e in catalogue
               if e.findtext("备注") == outputs.records()["volume"]}
    title = "平罗县司法局2025年部门项目支出预算绩效目标表"
    assert volumes == {f"{title}.pdf": title, f"{title}（单面）.pdf": f"{title}（单面）"}


@pytest.mark.slow
def test_a_long_department_name_keeps_the_handover_form_on_one_page(tmp_path):
    """The name is printed three times on the 登记表: a long one set the form over a page, the table split, and
    the package could never be made (a continued table's cells lacked /Headers). It is set closer instead."""
    from conftest import department_file, project_file

    name = "平罗县人力资源和社会保障局农村劳动力转移就业服务中心与职业技能鉴定所"
    folder = tmp_path / "content" / "2025" / f"031-{name}"
    department_file(folder, "031", name)
    rows = [("1-产出指标", "11-数量指标", "培训人数", "≥300人"), ("3-满意度指标", "31-服务对象满意度", "学员满意度", "≥90%")]
    for n in (1, 2):
        project_file(folder, f"0{n}-职业技能培训经费{n}", f"职业技能培训经费{n}", f"031-{name}", "10", rows)
    done = run_build("--content", str(tmp_path / "content"), "--out", str(tmp_path / "dist"), "--jobs", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    done = run_build("archive", str(tmp_path / "dist"), "--out", str(tmp_path / "移交"))
    assert done.returncode == 0, done.stdout + done.stderr
    form = tmp_path / "移交" / f"031-{name}-2025年电子档案移交包" / "其他/移交登记表.pdf"
    with pikepdf.open(form) as pdf:
        assert len(pdf.pages) == 1
    import pdfplumber

    with pdfplumber.open(form) as doc:
        rows = {"".join((r[0] or "").split()): ["".join((c or "").split()) for c in r[1:]]
                for r in doc.pages[0].extract_table()}
    assert rows["交接工作名称"][0].startswith(name + "2025年") and rows["检验内容"][0] == f"移交单位：{name}"
