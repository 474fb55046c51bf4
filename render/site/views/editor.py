"""Turn a project file into the editor's form, the form into `check`'s messages while typing, and a save
into the written file, the rebuilt PDFs and a fresh preview."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from render.site import building, sheet
from render.site.access import Place, address, guard
from render.site.listing import digest, rel, scheme_of
from render.site.saving import rebuilt, save


def _problems(place: Place, text: str) -> list[dict]:
    source = rel(place.file)
    found = sheet.problems(source, text, place.stem, place.year, place.folder.name, scheme_of(place))
    return sheet.at_fields(source, text, found)


def _groups(form: sheet.Sheet, scheme) -> list[dict]:
    """The rows under the scheme's 一级/二级, in its order; rows under a label it lacks come after."""
    numbered = list(enumerate(form.rows))
    groups = [{"level1": l1, "level2": l2, "rows": [(n, r) for n, r in numbered if r.level2 == l2]}
              for l1, level2s in scheme.levels for l2 in level2s]
    known = set(scheme.level2)
    groups += [{"level1": r.level1 or "（未知）", "level2": r.level2, "rows": [(n, r)]}
               for n, r in numbered if r.level2 not in known]
    return groups


def _pages(place: Place) -> range:
    pdf = building.pdf_of(place.folder, place.stem)
    return range(1, building.pages(pdf) + 1) if pdf else range(0)


def _page(request, place: Place, form: sheet.Sheet, text: str, base: str, **extra):
    scheme = scheme_of(place)
    problems = _problems(place, text)
    context = {"place": place, "form": form, "groups": _groups(form, scheme), "base": base,
               "v": dict(form.head),
               "problems": problems, "errors": sum(p["severity"] == "error" for p in problems),
               "pages": _pages(place), "stamp": base[:12], "binding": building.binding(place.folder), **extra}
    return render(request, "site/editor.html", context, status=extra.get("status", 200))


def _saved(place: Place, text: str, result: building.BuildResult) -> JsonResponse:
    """A save's answer to the editor's script: the file's new digest, the preview's images, what to say (the
    file's errors as the build found them: the same check, not run twice)."""
    base = digest(text.encode("utf-8"))
    said = {"errors": sum(p.path == rel(place.file) and p.severity == "error" for p in result.problems),
            "binding": building.binding(place.folder)}
    return JsonResponse({"base": base, "pages": [f"page-{n}.png?v={base[:12]}" for n in _pages(place)],
                         "notice": render_to_string("site/saved_notice.html", said).strip(),
                         "none": render_to_string("site/preview_none.html", said).strip()})


@guard("edit")
def edit(request, place: Place):
    data = place.file.read_bytes()
    text = data.decode("utf-8", "replace")
    return _page(request, place, sheet.read(rel(place.file), text), text, digest(data),
                 saved=request.GET.get("saved") == "1")


@guard("edit", post=True)
def check(request, place: Place):
    text = sheet.markdown(sheet.from_form(request.POST, scheme_of(place)))
    return JsonResponse({"problems": _problems(place, text)})


@guard("edit", post=True)
def save_view(request, place: Place):
    form = sheet.from_form(request.POST, scheme_of(place))
    text = sheet.markdown(form)
    who, where = request.user.get_username(), address(request)
    done = save(place.file, text, request.POST.get("base", ""), who, where)
    if done.failed:
        return _page(request, place, form, text, request.POST.get("base", ""), failed=done.failed, status=507)
    if not done.saved:
        theirs = done.theirs
        return _page(request, place, form, text, digest(theirs.encode("utf-8")), conflict=True, theirs=theirs,
                     mine=text, status=409)
    result = rebuilt(place.folder, who, where, place.file)
    if request.headers.get("Accept") == "application/json":  # the editor's script: no page to navigate to
        return _saved(place, text, result)
    ids = {"year": place.year, "code": place.code, "stem": place.stem}
    return redirect(reverse("edit", kwargs=ids) + "?saved=1")
