"""Turn the reviewer's and the archivist's buttons into the CLI's own runs: `review --out` for a
department, `verify` and `archive` for the output folder; what they print shown on the page, the files they
write offered for download."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import render

from render.problems import MEANING, Exit
from render.site import access
from render.site.access import Place, address, guard
from render.site.models import record

OPINION = "审核意见"


def _run(command, *args, **kwargs) -> tuple[int, list[str]]:
    lines: list[str] = []
    code = command(*args, say=lambda line, level=None: lines.append(line), **kwargs)
    return int(code), lines


def meaning(code: int | None) -> str:
    """What a run's exit status means, as the command line's --help says it: the page's heading."""
    if code is None or code not in set(Exit):
        return ""
    return MEANING[Exit(code)]


@guard("review")
def review(request, place: Place):
    """GET: the department's 审核意见 files, if made; POST: `review <department> --out <output folder>`."""
    from render.commands.review import run

    code, lines = None, []
    if request.method == "POST":
        code, lines = _run(run, place.folder, None, out=settings.MUBIAOBIAO["out"])
        record(request.user.get_username(), address(request), "审核", f"{place.year}/{place.folder.name}：退出状态 {code}")
    return render(request, "site/duty.html", {"place": place, "title": "审核", "code": code, "lines": lines,
                                              "meaning": meaning(code),
                                              "files": [s for s in (".pdf", ".xlsx") if _opinion(place, s).is_file()]})


def _opinion(place: Place, suffix: str):
    return settings.MUBIAOBIAO["out"] / place.year / place.folder.name / f"{OPINION}{suffix}"


@guard("read")
def opinion(request, place: Place, suffix: str):
    path = _opinion(place, "." + suffix) if suffix in ("pdf", "xlsx") else None
    if path is None or not path.is_file():
        raise Http404("尚未生成审核意见")
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"{place.folder.name}-{path.name}")


def _packages() -> list:
    folder = settings.MUBIAOBIAO["out"].parent / "移交"
    return sorted(p for p in folder.glob("*.zip") if p.is_file() and not p.is_symlink()) if folder.is_dir() else []


@guard("archive")
def archive(request):
    """GET: the packages made; POST `verify`: the output folder checked; POST `archive`: packages made."""
    from render.commands import archive as handover
    from render.commands.verify import verify

    code, lines, title = None, [], "档案"
    out = settings.MUBIAOBIAO["out"]
    if request.method == "POST" and request.POST.get("run") in ("verify", "archive"):
        ran = request.POST["run"]
        code, lines = _run(verify, out) if ran == "verify" else _run(handover.build, out, None)
        record(request.user.get_username(), address(request), "核对" if ran == "verify" else "移交包", f"退出状态 {code}")
    return render(request, "site/duty.html", {"title": title, "code": code, "lines": lines, "packages": _packages(),
                                              "meaning": meaning(code),
                                              "places": access.departments(request.user)})


@guard("archive")
def package(request, name: str):
    found = next((p for p in _packages() if p.name == name), None)  # a name from the list, never a path
    if found is None:
        raise Http404("没有这个移交包")
    return FileResponse(found.open("rb"), as_attachment=True, filename=found.name)
