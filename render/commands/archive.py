"""Turn `build.py archive [PATH] [--out DIR]` into hand-over packages of an output folder `verify` passes, and
`build.py archive --check PACKAGE` into the intake's 检测报告.txt and an exit code."""

from __future__ import annotations

from pathlib import Path

from render.problems import Exit, Kind, Level, Problem, exit_code, plain, report

REPORT = "检测报告.txt"


def build(path: Path, target: Path | None, say=plain) -> Exit:
    """One package per department and year under `path` (an output folder, or a year or department folder in
    it), into `target` (default: 移交/ beside the output folder)."""
    from render.commands.verify import verify
    from render.produce.publish import DRAFTS, MANIFEST, update_command

    out = next((p for p in (path.absolute(), *path.absolute().parents) if (p / MANIFEST).is_file()), None)
    refused = None if out is not None else "找不到 manifest.json：应为 build.py 生成的输出文件夹（如 dist/），或其中的年度、部门文件夹"
    if out is not None and DRAFTS in path.absolute().relative_to(out).parts:
        refused = "草稿（--draft 生成的征求意见稿）不归档：请指定正式 PDF 所在的输出文件夹"
    if refused or not path.is_dir():
        found = [Problem(str(path), 0, "移交", refused or "找不到这个文件夹", kind=Kind.REFUSED)]
        report(found, say)
        return exit_code(found)
    target = (target or out.parent / "移交").absolute()
    if target.resolve().is_relative_to(out.resolve()):  # `移交/../dist/pk` and a link into dist/ are dist/ too
        found = [Problem(str(target), 0, "--out", "移交包不能写进输出文件夹（verify 会把它们当作清单之外的文件）",
                         kind=Kind.REFUSED)]
        report(found, say)
        return exit_code(found)
    heard: list[tuple[str, Level]] = []
    code = verify(out, say=lambda line, level=Level.DONE: heard.append((line, level)),
                  then=lambda: _write(out, path, target, say))
    if heard and heard[-1][0].startswith("核对未通过"):
        for line, level in heard:
            say(line, level)
        say(f"未生成移交包：输出文件夹 {out} 未通过核对（verify）；请按上面的提示改正（过期的 PDF：运行 "
            f"{update_command(out)}）后再移交", Level.FAILED)
    return code


def _write(out: Path, within: Path, target: Path, say) -> Exit:
    """Under the output folder's lock, once `verify` has passed it."""
    from render.archive import package
    from render.archive.records import packages
    from render.produce.plan import source_base
    from render.produce.publish import load_manifest
    from render.source import load

    manifest = load_manifest(out)[0]
    content = (out / manifest.get("content", "")).resolve()
    model, problems = load.load(content, source_base(content))
    problems = [p for p in problems if p.severity == "error"]
    made = [] if problems else packages(out, manifest, model.departments, within)
    if not made and not problems:
        problems = [Problem(str(within), 0, "移交", "这里没有可移交的 PDF（草稿和审核意见.xlsx 不移交）", kind=Kind.REFUSED)]
    if problems:
        report(problems, say)
        return exit_code(problems)
    target.mkdir(parents=True, exist_ok=True)
    failed = 0
    for p in made:
        if kept := package.strangers(target / p.name):
            problems.append(Problem(str(target / p.name), 0, "移交", "文件夹中有不是移交包的文件，替换会删除它们："
                                    + "、".join(kept[:20]) + (f" 等 {len(kept)} 个" if len(kept) > 20 else "")
                                    + "；请移走后重新运行，或用 --out 另选文件夹", kind=Kind.REFUSED))
            failed += 1
            continue
        result, found = package.write(p, target)
        failed += bool(found)
        for f in found:
            problems.append(Problem(f"{p.name}/{f.path}", 0, f"{f.property}·{f.check}", f.message, kind=Kind.OUTPUT))
        if not found:
            say(f"  {target / p.name}（及 .zip）：{len(p.records)} 件，{result.files} 个文件，四性检测通过"
                + (f"；待档案室填写：{'、'.join(result.to_fill)}" if result.to_fill else ""), Level.MADE)
    for problem in problems:
        say(str(problem), Level.PROBLEM)
    stale_reports(target, say)
    say(f"移交包：生成 {len(made) - failed} 个" + (f"，{failed} 个未通过检测、未生成" if failed else "")
        + f"，在 {target}", Level.FAILED if failed else Level.DONE)
    return exit_code(problems)


def check(package: Path, out: Path | None = None, say=plain) -> Exit:
    """The intake check of a package (folder or .zip): 检测报告.txt printed, and written into `out` (default:
    beside the package) as `<包名>-检测报告.txt`, or `<包名>.zip-检测报告.txt` for the zip."""
    from render.archive import intake, pdf
    from render.archive import report as intake_report
    from render.produce import files

    if not package.exists():
        found = [Problem(str(package), 0, "移交包", "找不到这个文件夹或文件", kind=Kind.REFUSED)]
    else:
        found = [Problem(program, 0, reader, "本机没有这个程序，无法检测可用性：请运行 make setup", kind=Kind.SETUP)
                 for reader, program in pdf.readers().items()]
    if found:
        report(found, say)
        return exit_code(found)
    package = _inside(package.resolve())  # `.` and `电子档案/..` are named by the folder they are
    result = intake.check(package)
    text = intake_report.text(result)
    for line in text.splitlines():
        say(line, Level.PROBLEM if not result.passed() and ": " in line and "·" in line else Level.DONE)
    verdict = Exit.OK if result.passed() else Exit.PROBLEMS
    written = (out.absolute() if out else package.parent) / f"{package.name}-{REPORT}"
    try:
        files.write_atomic(written, text.encode("utf-8"))
    except OSError as e:  # read-only media: the report is printed above, the verdict stands
        say(f"检测报告未能写入 {written}（{e.strerror or type(e).__name__}）：上面显示的就是报告全文；"
            "可用 --out 指定可以写入的文件夹", Level.FAILED)
        return verdict
    say(f"检测报告：{written}", Level.FAILED if not result.passed() else Level.DONE)
    stale_reports(written.parent, say)
    return verdict


def _inside(given: Path) -> Path:
    """The package in a folder that holds it alone (`unzip 包.zip -d 收到` gives 收到/<包名>/), else what was given."""
    from render.archive.intake import README

    if not given.is_dir() or (given / README).exists():
        return given
    held = [p for p in given.iterdir() if not p.name.endswith(f"-{REPORT}")]
    return held[0] if len(held) == 1 and held[0].is_dir() and (held[0] / README).exists() else given


def stale_reports(folder: Path, say=plain) -> list[Path]:
    """Each `<包名>.zip-检测报告.txt` in `folder` whose recorded SHA-256 is not that of the .zip beside it (made again
    since): named, since that digest is the one copied onto the paper 登记表."""
    import hashlib

    from render import COMMAND
    from render.archive.report import recorded

    stale = []
    for written in sorted(folder.glob(f"*-{REPORT}")):
        stem = written.name[:-len(f"-{REPORT}")]  # <包名>.zip-检测报告.txt; <包名>-检测报告.txt before it was so named
        zipped = written.with_name(stem if stem.endswith(".zip") else stem + ".zip")
        if not (written.is_file() and zipped.is_file()):  # a pipe by either name would never end being read
            continue
        try:
            digest = recorded(written.read_text(encoding="utf-8"))
            with open(zipped, "rb") as f:
                current = hashlib.file_digest(f, "sha256").hexdigest()
        except (OSError, UnicodeDecodeError):  # no zip beside it (a folder's report), or unreadable: nothing to say
            continue
        if digest and digest != current:
            stale.append(written)
            say(f"{written}: （警告）检测报告已过期：它记的移交包 SHA-256 与现在的 {zipped.name} 不符（移交包已重新生成）；"
                f"请运行 {COMMAND} archive --check {zipped} 重新检测，纸质登记表上应抄新的 SHA-256", Level.PROBLEM)
    return stale
