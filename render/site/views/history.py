"""Turn a project's saved versions into its 历史 page (who, when, what changed) and a version back into
the file; and a department's deleted files into its 回收站 and back."""

from __future__ import annotations

import difflib

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from render.site.access import Place, address, guard
from render.site.listing import digest, key
from render.site.models import Version
from render.site.saving import CONFLICT, DELETED, FAILED, rebuilt, save, settle, undelete

UNSAVED = (CONFLICT, FAILED)  # kept for the clerk, never the file's content


def _changes(older: bytes, newer: bytes) -> list[tuple[str, str]]:
    """The lines a version changed, as (kind, line): kind "+" added, "-" removed, "@" where."""
    lines = difflib.unified_diff(older.decode("utf-8", "replace").splitlines(),
                                 newer.decode("utf-8", "replace").splitlines(), lineterm="", n=1)
    return [(line[:1], line) for line in list(lines)[2:]]


def shown(path, restore) -> list[dict]:
    """Every kept version of a content file, newest first, each with what it changed and the URL that
    restores it (`restore(version_id)`)."""
    versions = list(Version.objects.filter(source=key(path)))
    items = []
    for n, v in enumerate(versions):
        before = next((bytes(o.data) for o in versions[n + 1:] if o.kind not in UNSAVED), b"")
        items.append({"version": v, "changes": _changes(before, bytes(v.data)), "restore": restore(v.id),
                      "unsaved": v.kind in UNSAVED})
    return items


@guard("read")
def history(request, place: Place):
    data = settle(place.file)  # the file as it is now heads its history, whoever wrote it
    ids = (place.year, place.code, place.stem)
    versions = shown(place.file, lambda v: reverse("restore", args=(*ids, v)))
    return render(request, "site/history.html", {"place": place, "versions": versions, "title": place.stem,
                                                 "back": reverse("edit", args=ids),
                                                 "base": digest(data)})


def put_back(request, place: Place, path, version: int, allowed=lambda text: text) -> bool:
    """A kept version of `path` written over it as a save (refused over a file changed since the page);
    `allowed`: the version's text as this user may write it."""
    chosen = Version.objects.filter(id=version, source=key(path)).first()
    if chosen is None:
        raise Http404("没有这个版本")
    done = save(path, allowed(bytes(chosen.data).decode("utf-8", "replace")), request.POST.get("base", ""),
                request.user.get_username(), address(request), kind="恢复")
    if done.saved:
        rebuilt(place.folder, request.user.get_username(), address(request))
    return done.saved


@guard("edit", post=True)
def restore(request, place: Place, version: int):
    saved = put_back(request, place, place.file, version)
    ids = {"year": place.year, "code": place.code, "stem": place.stem}
    return redirect(reverse("history" if not saved else "edit", kwargs=ids) + ("?saved=1" if saved else ""))


def deleted(place: Place) -> list[Version]:
    """The department's files in the 回收站: deleted, and no file of that name made since."""
    folder = key(place.folder) + "/"
    found = {}
    for v in Version.objects.filter(kind=DELETED, source__startswith=folder):
        name = v.source[len(folder):]
        if "/" not in name and v.source not in found and not (place.folder / name).exists():
            found[v.source] = v
    return list(found.values())


@guard("edit", post=True)
def take_back(request, place: Place, version: int):
    chosen = next((v for v in deleted(place) if v.id == version), None)
    if chosen is None:
        raise Http404("回收站中没有这个文件")
    if undelete(chosen, place.folder / chosen.source.rpartition("/")[2], request.user.get_username(), address(request)):
        rebuilt(place.folder, request.user.get_username(), address(request))
    return redirect(reverse("department", kwargs={"year": place.year, "code": place.code}))
