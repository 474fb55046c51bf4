"""Turn a department's review findings into its 部门反馈 page: the clerk answers each finding, the reviewer
reads the answers; kept in the department's 反馈.yml (render/review/feedback.py), from which `review --out`
fills the workbook's 部门反馈 column. Saved as a project is: only over the file the page was opened on."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse

from render.produce.plan import source_base
from render.review import feedback
from render.review.judge import review
from render.review.rules import load as load_rules
from render.site import access
from render.site.access import Place, address, guard
from render.site.listing import digest, rel
from render.site.saving import save
from render.source import fields, limits, load


def _findings(place: Place) -> list[tuple[str, list]]:
    """The department's findings as `review` finds them with the shipped rules: the 共性问题, then each
    project's own, each as (heading, findings)."""
    content = settings.MUBIAOBIAO["content"]
    loaded, _ = load.load(content, source_base(content), place.folder)
    rules, _ = load_rules(None)
    folder = rel(place.folder) + "/"
    reviews = review(loaded, rules, lambda p: p.source.startswith(folder)) if rules else ()
    found = []
    for d in reviews:
        if d.common:
            found.append((f"{feedback.COMMON}（{len(d.projects)} 个项目都有）", list(d.common)))
        found += [(r.project.name, list(r.own)) for r in d.projects if r.own]
    return found


def _page(request, place: Place, status: int = 200, **extra):
    path = place.folder / fields.FEEDBACK_FILE
    data = path.read_bytes() if path.is_file() else b""
    stored, problems = feedback.load(place.folder, source_base(settings.MUBIAOBIAO["content"]))
    groups = [(heading, [{"finding": f, "key": feedback.key(f), "answer": stored.get(feedback.key(f), "")}
                         for f in found]) for heading, found in _findings(place)]
    return render(request, "site/answers.html", {
        "place": place, "groups": groups, "problems": problems, "base": digest(data), "limit": limits.MAX_CELL_CHARS,
        "editable": access.may(request.user, "edit", place.code), "count": sum(len(g[1]) for g in groups),
        "answered": sum(bool(i["answer"]) for g in groups for i in g[1]), **extra}, status=status)


@guard("read")
def answers(request, place: Place):
    return _page(request, place, saved=request.GET.get("saved") == "1")


@guard("edit", post=True)
def answers_save(request, place: Place):
    """The answers posted, over those the file holds: only to findings the department has now."""
    path = place.folder / fields.FEEDBACK_FILE
    stored, _ = feedback.load(place.folder, source_base(settings.MUBIAOBIAO["content"]))
    known = {feedback.key(f) for _, found in _findings(place) for f in found}
    posted = zip(*(request.POST.getlist(k) for k in ("file", "rule", "said", "answer")), strict=False)
    for file, rule, said, answer in posted:
        if (file, rule, said) in known:
            stored[(file, rule, said)] = answer.replace("\r\n", "\n").strip()[:limits.MAX_CELL_CHARS]
    text = feedback.text(stored)
    done = save(path, text, request.POST.get("base", ""), request.user.get_username(), address(request), kind="反馈")
    if not done.saved:
        return _page(request, place, status=409, conflict=True, theirs=done.theirs, mine=text)
    return redirect(reverse("answers", args=(place.year, place.code)) + "?saved=1")
