"""Turn a department's 部门.yml into its 部门信息 form, with `check`'s messages at each field (while typing
too), and the form back into the file: saved as a project is (only over the bytes the form was opened on,
every version in the history, restorable), then the volume rebuilt. Each user changes only the fields
`access.describes` gives them; the others are written as the file has them."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from render.site import access
from render.site.access import Place, address, guard
from render.site.listing import digest, model, rel
from render.site.saving import rebuilt, save, settle
from render.site.views.history import put_back, shown
from render.produce.plan import source_base
from render.source import fields
from render.source import scheme as sch
from render.source.frontmatter import parse_yaml
from render.source.load import department_as
from render.source.importer import department_text
from render.typeset import measure

LABELS = fields.DEPARTMENT_LABELS + (fields.TOTAL,)
HINTS = {"编制日期": "如 2025-01-20", "册名": "空着则为“部门名称＋年度＋年部门项目支出预算绩效目标表”",
         "合计": "可不填；填写则核对各项目年度金额之和", "指标体系": "一级、二级指标的体系",
         "全宗号": "档案室填写", "全宗名称": "档案室填写", "机构或问题": "档案室填写", "保管期限": "档案室填写",
         "密级": "档案室填写"}

_FILLED_BY = {True: "由档案室填写", False: "由本部门的填报员填写"}  # a field the user sees and may not change


def _file(place: Place):
    path = place.folder / fields.DEPARTMENT_FILE
    if not path.is_file() or path.is_symlink():
        raise Http404("本部门没有部门信息文件")
    return path


def _values(path, text: str) -> dict[str, str]:
    entries, _ = parse_yaml(rel(path), text, 1, "部门信息")
    return {e.key: e.value or "" for e in entries}


def _page(request, place: Place, values: dict[str, str], base: str, status: int = 200, **extra):
    path = _file(place)
    _, problems = model(place)
    mine = [p for p in problems if p.path == rel(path)]
    mayfill = access.describes(request.user, place.code)
    rows = [{"label": label, "value": values.get(label, ""), "editable": label in mayfill,
             "hint": HINTS.get(label, "") if label in mayfill or not mayfill else _FILLED_BY[label in access.ARCHIVE_FIELDS],
             "problems": [p for p in mine if p.field == label]} for label in LABELS]
    return render(request, "site/info.html", {
        "place": place, "rows": rows, "base": base, "others": [p for p in mine if p.field not in LABELS],
        "schemes": sch.names(), "default_scheme": sch.DEFAULT, "errors": sum(p.severity == "error" for p in mine),
        "editable": bool(mayfill), **extra}, status=status)


def _merged(request, place: Place, values: dict[str, str]) -> dict[str, str]:
    """`values` for the fields this user fills, the file's own for the others (a form cannot change those)."""
    mayfill = access.describes(request.user, place.code)
    current = _values(_file(place), _file(place).read_bytes().decode("utf-8", "replace"))
    return {label: values.get(label, "") if label in mayfill else current.get(label, "") for label in LABELS}


def _posted(request, place: Place) -> dict[str, str]:
    return _merged(request, place, {label: " ".join(request.POST.get(label, "").split()) for label in LABELS})


@guard("read")
def info(request, place: Place):
    data = _file(place).read_bytes()
    text = data.decode("utf-8", "replace")
    return _page(request, place, _values(_file(place), text), digest(data), saved=request.GET.get("saved") == "1")


@guard("describe", post=True)
def info_check(request, place: Place):
    """`check`'s messages for the form as typed, each at its field ("" for the file's others)."""
    path = _file(place)
    department, found = department_as(place.folder, source_base(settings.MUBIAOBIAO["content"]),
                                      department_text(_posted(request, place)))
    found += measure.problems([department]) if department else []  # as `check` says it
    return JsonResponse({"problems": [
        {"field": p.field if p.field in LABELS else "", "label": "" if p.field in LABELS else p.field,
         "message": p.message if p.field in LABELS else str(p), "severity": p.severity}
        for p in found if p.path == rel(path)]})


@guard("describe", post=True)
def info_save(request, place: Place):
    path = _file(place)
    values = _posted(request, place)
    text = department_text(values)
    who, where = request.user.get_username(), address(request)
    done = save(path, text, request.POST.get("base", ""), who, where)
    if done.failed:  # a full disk: the file as it was, the text in the form and the history
        return _page(request, place, values, request.POST.get("base", ""), status=507, failed=done.failed)
    if not done.saved:
        return _page(request, place, values, digest(done.theirs.encode("utf-8")), status=409, conflict=True,
                     theirs=done.theirs, mine=text)
    rebuilt(place.folder, who, where)
    return redirect(reverse("info", args=(place.year, place.code)) + "?saved=1")


@guard("read")
def info_history(request, place: Place):
    path = _file(place)
    data = settle(path)  # the file as it is now heads its history, whoever wrote it
    ids = (place.year, place.code)
    versions = shown(path, lambda v: reverse("info_restore", args=(*ids, v)))
    return render(request, "site/history.html", {"place": place, "versions": versions, "title": fields.DEPARTMENT_FILE,
                                                 "back": reverse("info", args=ids), "base": digest(data)})


@guard("describe", post=True)
def info_restore(request, place: Place, version: int):
    saved = put_back(request, place, _file(place), version, lambda text: _restored(request, place, text))
    ids = (place.year, place.code)
    return redirect(reverse("info", args=ids) + "?saved=1" if saved else reverse("info_history", args=ids))


def _restored(request, place: Place, text: str) -> str:
    """A kept 部门.yml as this user may write it back: their fields as the version has them, the others as
    the file has them now (the version's own bytes when that is the same)."""
    kept = _values(_file(place), text)
    merged = _merged(request, place, kept)
    return text if merged == {label: kept.get(label, "") for label in LABELS} else department_text(merged)
