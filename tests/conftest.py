"""Shared fixtures: real builds read back, once per session."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SEED = DATA / "seed.txt"
# The seed's content as committed with the tests: what a bureau adds to content/ never changes them.
CONTENT = DATA / "content"
DEPT = "2025/018-平罗县司法局"


def run_build(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=600)


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def squash(text: str) -> str:
    """Cells wrap inside their column: compare text with all whitespace removed."""
    return re.sub(r"\s+", "", text)


def seed_tables() -> list[list[str]]:
    """The seed's non-empty cells, table by table, read straight from the pasted text."""
    tables: list[list[str]] = []
    for line in SEED.read_text(encoding="utf-8").split("\n"):
        cells = [c.strip() for c in line.split("\t") if c.strip()]
        if cells == ["部门项目支出预算绩效目标表"]:
            tables.append([])
        if tables:
            tables[-1].extend(cells)
    return tables


def once(tmp_path_factory, name: str, make) -> Path:
    """A folder `make(folder)` fills once for the whole run, not once per xdist worker: the first worker to
    ask makes it, under a lock, in the run's temp folder (at a worker's depth: manifests name the content
    relatively); the others wait for it. Tests read it and copy what they change, as with any session
    fixture."""
    import fcntl

    basetemp = tmp_path_factory.getbasetemp()
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        folder = tmp_path_factory.mktemp(name)
        make(folder)
        return folder
    shared = basetemp.parent / "shared"
    shared.mkdir(exist_ok=True)
    folder, done = shared / name, shared / f"{name}.done"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or the worker dies
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a worker that failed making it left
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


def build_seed(out: Path, *options: str) -> None:
    result = run_build("--content", str(CONTENT), "--out", str(out), "--jobs", "2", *options)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The seed's content built once, as `python3 build.py --content DIR --out DIR` would."""
    return once(tmp_path_factory, "dist", build_seed)


@pytest.fixture(scope="session")
def manifest(built) -> dict:
    return json.loads((built / "manifest.json").read_text(encoding="utf-8"))


def copy_content(dest: Path) -> Path:
    shutil.copytree(CONTENT, dest / "content")
    return dest / "content"


def department_file(folder: Path, code: str, name: str, year: str = "2025", extra: str = "") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "部门.yml").write_text(
        f'部门名称: {name}\n部门编码: "{code}"\n年度: {year}\n编制日期: 2025-01-20\n{extra}', encoding="utf-8")


def project_file(folder: Path, stem: str, name: str, dept: str, amount: str, rows: list[tuple[str, ...]],
                 goal: str = "完成年度目标。") -> Path:
    lines = ["---", f"项目名称: {name}", f"主管部门: {dept}", f"实施单位: {dept.split('-')[0]}001-{dept.split('-')[1]}本级",
             "项目属性:", "项目期限: 1年", "项目主管处室: 05-行政教科文室", f"项目年度金额: {amount}", "---", "",
             "## 年度总体绩效目标", "", goal, "", "## 绩效指标", "",
             "| 一级指标 | 二级指标 | 三级指标 | 绩效值 |", "| --- | --- | --- | --- |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    path = folder / f"{stem}.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def long_rows(n: int, scheme=None) -> list[tuple[str, str, str, str]]:
    """n indicators spread over every 二级 of the scheme (the default one unless given), each with a name
    and value found nowhere else."""
    from render.source import scheme as sch

    scheme = scheme or sch.default()
    rows = []
    for k in range(n):
        l2 = scheme.level2[k * len(scheme.level2) // n]
        l1 = scheme.parent(l2)
        first2 = not rows or rows[-1][4] != l2
        first1 = not rows or rows[-1][5] != l1
        rows.append((l1 if first1 else "", l2 if first2 else "",
                     f"第{k + 1:02d}号指标：按季度完成培训、宣传、走访、回访和考核等各项工作任务", f"值{k + 1:02d}≥95%", l2, l1))
    return [r[:4] for r in rows]


def pytest_unconfigure(config):
    """pytest removes a passing run's temporary folders (tmp_path_retention_policy) but leaves their parent,
    pytest-of-<user>, and a link to the run that is gone: the suite leaves the temp folder as it found it."""
    factory = getattr(config, "_tmp_path_factory", None)
    basetemp = getattr(factory, "_basetemp", None)
    if basetemp is None or basetemp.exists() or getattr(factory, "_given_basetemp", None):
        return
    parent = basetemp.parent
    current = parent / "pytest-current"
    if current.is_symlink() and not current.exists():
        current.unlink()
    try:
        parent.rmdir()
    except OSError:  # earlier runs kept for their failures, or another run under way
        pass


def hashes(folder: Path) -> dict[str, str]:
    import hashlib

    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*.pdf")) if ".cache" not in p.parts}


@pytest.fixture(scope="session")
def draft_built(built, tmp_path_factory) -> tuple[Path, dict[str, str], dict[str, str]]:
    """`--draft` run over a copy of the committed content's dist/: the folder, and the final PDFs'
    hashes before and after."""
    def make(out: Path) -> None:
        shutil.copytree(built, out, dirs_exist_ok=True)  # beside the original: the manifest names the content relatively
        (out.parent / f"{out.name}.before.json").write_text(json.dumps(hashes(out)), encoding="utf-8")
        build_seed(out, "--draft")

    out = once(tmp_path_factory, "draft", make)
    before = json.loads((out.parent / f"{out.name}.before.json").read_text(encoding="utf-8"))
    after = {k: v for k, v in hashes(out).items() if not k.startswith("草稿/")}
    return out, before, after


@pytest.fixture(scope="session")
def seed_review(tmp_path_factory) -> Path:
    """`review` of the committed content, without a 审核.yml, once for the run: its output folder."""
    def make(out: Path) -> None:
        done = run_cli("review", str(CONTENT), "--out", str(out))
        assert done.returncode == 0, done.stdout + done.stderr

    return once(tmp_path_factory, "review", make)


@pytest.fixture(scope="session")
def simplex_built(built, tmp_path_factory) -> Path:
    """`--simplex` over a copy of the committed content's dist/: only the volume is laid out again, and the
    folder holds both variants of it."""
    def make(out: Path) -> None:
        shutil.copytree(built, out, dirs_exist_ok=True)  # beside the original: the manifest names the content relatively
        build_seed(out, "--simplex")

    return once(tmp_path_factory, "simplex", make)


@pytest.fixture(scope="session")
def three_tables(tmp_path_factory) -> Path:
    """A good build of three of the seed's tables and their volume: content/ and dist/ side by side. Tests
    spoil a copy (`ws`), never this."""
    def make(root: Path) -> None:
        content = copy_content(root)
        for path in content.rglob("*.md"):
            if path.name[:2] not in ("01", "02", "03"):
                path.unlink()
        result = run_build("--content", str(content), "--out", str(root / "dist"), "--jobs", "2")
        assert result.returncode == 0, result.stdout + result.stderr

    return once(tmp_path_factory, "three", make)


@pytest.fixture(scope="session")
def three_packed(three_tables, tmp_path_factory) -> Path:
    """`three_tables` archived (four records: each check of it a third of the seed's): the folder holding the
    package and its zip. Tests spoil a copy."""
    def make(target: Path) -> None:
        result = run_cli("archive", str(three_tables / "dist"), "--out", str(target))
        assert result.returncode == 0, result.stdout + result.stderr

    return once(tmp_path_factory, "three-handover", make)


PACKAGE = "018-平罗县司法局-2025年电子档案移交包"  # the seed department's hand-over package, as `archive` names it


def spoiled(packed: Path, tmp_path: Path) -> Path:
    """A copy of the seed department's package folder in `packed` (beside its zip), for a test to spoil."""
    shutil.copytree(packed / PACKAGE, tmp_path / PACKAGE)
    return tmp_path / PACKAGE


@pytest.fixture
def ws(three_tables, tmp_path) -> Path:
    """A copy of `three_tables` to spoil: the content keeps its place beside the output."""
    shutil.copytree(three_tables, tmp_path / "ws")
    return tmp_path / "ws"


def read_until_checked(proc: subprocess.Popen) -> str:
    """What a build has printed up to its line closing the check (its content read, its PDFs not yet made):
    the moment to interrupt it that does not depend on the machine's speed. The seed has warnings, so the
    line is there."""
    said = ""
    while True:
        line = proc.stdout.readline()
        assert line, said  # it ended before it said so
        said += line
        if line.startswith("检查："):
            return said


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """`build.py ARGS` run in this process: what a test of a command's output needs, without starting
    Python and importing everything again (spawn `run_build` where the process itself is the point)."""
    import contextlib
    import io

    from render.commands.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 2
    return subprocess.CompletedProcess(["build.py", *args], int(code), out.getvalue(), err.getvalue())


# The site (render/site/): one per test session, since Django's settings are the process's.
PASSWORD = "Zq7-mubiao-site-pass"
ROLES = {"clerk": ("填报员", ["018"]), "other": ("填报员", ["019"]), "reviewer": ("审核员", []),
         "archivist": ("档案员", []), "admin": ("管理员", [])}
OTHER = "2025/019-平罗县民政局"  # another department: nothing of it may reach the 018 clerk
OTHER_NAMES = ("民政救助专项资金甲", "民政养老服务补贴乙", "913.57")


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """A copy of the seed's content plus another department, built, and the site configured over it with
    an account per role (the password PASSWORD): the content folder, output folder and state folder."""
    def make(base: Path) -> None:
        content = copy_content(base)
        folder = content / OTHER
        department_file(folder, "019", "平罗县民政局")
        rows = [("1-产出指标", "11-数量指标", "救助人数", "≥300人"), ("3-满意度指标", "31-服务对象满意度", "群众满意度", "≥90%")]
        project_file(folder, "01-" + OTHER_NAMES[0], OTHER_NAMES[0], "019-平罗县民政局", OTHER_NAMES[2], rows)
        project_file(folder, "02-" + OTHER_NAMES[1], OTHER_NAMES[1], "019-平罗县民政局", "10", rows)
        out, state = base / "dist", base / "state"
        result = run_build("--content", str(content), "--out", str(out), "--jobs", "2")
        assert result.returncode == 0, result.stdout + result.stderr
        for name, (role, codes) in ROLES.items():
            made = subprocess.run([sys.executable, str(ROOT / "build.py"), "user", "add", name, "--role", role,
                                   *(["--department", *codes] if codes else []), "--out", str(out), "--state",
                                   str(state)], input=PASSWORD + "\n", capture_output=True, text=True, timeout=120)
            assert made.returncode == 0, made.stdout + made.stderr

    # Made once for the run; each worker's tests save, generate and log in: each works on a copy of its own
    base = tmp_path_factory.mktemp("site")
    shutil.copytree(once(tmp_path_factory, "site", make), base, dirs_exist_ok=True)
    content, out, state = base / "content", base / "dist", base / "state"
    from render.site import settings

    settings.configure(content, out, state, jobs=1)
    settings.migrate()
    return content, out, state


@pytest.fixture(scope="module")
def client_for(site):
    """A Django test client logged in as one of ROLES' accounts."""
    from django.test import Client

    def make(name: str) -> Client:
        client = Client()
        assert client.login(username=name, password=PASSWORD)
        return client

    return make
