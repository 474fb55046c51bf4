"""Turn an output folder (its manifest, its PDFs, the content that made them) into one `Package` per
department and year: the records it holds, numbered, with what their metadata says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from render.archive import pdf
from render.produce import files
from render.produce.plan import department_folder, stamp_for, table_target
from render.source import model as m
from render.source.filing import RETENTION

# What each kind of output is as a record: its 文种 and its place in the package (tables, then the
# volumes, then the review); the workbook beside 审核意见.pdf is no long-term format and stays out.
GENRE = {"project": "表", "volume": "汇编", "review": "意见"}
LANGUAGE = "汉语"
SCHEME_VERSION = "1"  # of 档案元数据.xsd: the metadata files say which they follow


@dataclass(frozen=True)
class Record:
    number: int  # 件号, from 1 without gaps
    kind: str  # as the manifest says it: project | volume | review
    source: Path  # the file in the output folder
    name: str  # 计算机文件名
    size: int
    sha256: str
    facts: pdf.Facts  # title, author, date, pages and the sources it carries, read from the PDF itself
    creator: str  # 文档创建程序: every program and version that shaped its bytes

    @property
    def genre(self) -> str:
        return GENRE[self.kind]


@dataclass(frozen=True)
class Package:
    department: m.Department
    records: tuple[Record, ...]
    stamp: datetime  # the department's date (render/produce/plan.py stamp_for): the zip's and 登记表's

    @property
    def name(self) -> str:
        """The package's folder (and, with .zip, its file) name."""
        return files.safe_part(f"{self.department.dir_name}-{self.department.year}年电子档案移交包")

    @property
    def category(self) -> str:
        """The 类别 folder under the 年度: the 机构或问题 when given, else the department."""
        return files.safe_part(self.department.filing.series or self.department.dir_name)

    @property
    def check_command(self) -> str:
        """The intake check of the zip, as one pastes it into a shell: the name quoted, so that `$(…)` or a
        quote in a department's name stays text."""
        import shlex

        from render import COMMAND

        return f"{COMMAND} archive --check {shlex.quote(self.name + '.zip')}"

    def folder(self, r: Record) -> str:
        """A record's folder in the package: 电子档案/年度/类别/件号."""
        return f"电子档案/{self.department.year}/{self.category}/{piece(r.number)}"

    def reference(self, r: Record) -> str:
        """The 档号 (全宗号-年度-保管期限-机构或问题-件号), or "" until the 档案室 has given every part."""
        f = self.department.filing
        if not (f.fonds and f.retention and f.series):
            return ""
        return f"{f.fonds}-{self.department.year}-{RETENTION[f.retention]}-{f.series}-{piece(r.number)}"

    def file_id(self, r: Record) -> str:
        """电子文件号: the department, the year and the 件号, unique in this tool's packages."""
        return f"{self.department.code}-{self.department.year}-{piece(r.number)}"


def piece(number: int) -> str:
    return f"{number:04d}"


def creator(versions: dict) -> str:
    names = (("tool", ""), ("weasyprint", "WeasyPrint"), ("pikepdf", "pikepdf"), ("pango", "Pango"),
             ("harfbuzz", "HarfBuzz"), ("fonts-noto-cjk", "fonts-noto-cjk"))
    return "；".join(f"{label} {versions[key]}".strip() for key, label in names if versions.get(key))


def packages(out: Path, manifest: dict, departments: tuple[m.Department, ...], within: Path) -> list[Package]:
    """A package per department under `within` that has outputs, its records in content order."""
    entries = [e for e in manifest.get("files", []) if e.get("kind") in GENRE and e["path"].endswith(".pdf")
               and not e.get("stale")]
    made = []
    for d in departments:
        folder = department_folder(d) + "/"
        if not (out / folder).resolve().is_relative_to(within.resolve()) and within.resolve() != out.resolve():
            continue
        mine = [e for e in entries if e["path"].startswith(folder)]
        order = {table_target(d, p): n for n, p in enumerate(d.projects)}
        mine.sort(key=lambda e: (list(GENRE).index(e["kind"]), order.get(e["path"], 0), e["path"]))
        records = []
        for n, e in enumerate(mine, 1):
            path = out / e["path"]
            records.append(Record(n, e["kind"], path, path.name, path.stat().st_size, e["sha256"], pdf.facts(path),
                                  creator(e.get("versions", {}))))
        if records:
            made.append(Package(d, tuple(records), stamp_for(d)))
    return made
