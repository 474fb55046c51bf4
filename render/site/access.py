"""Turn a request's user and the ids in its URL into what they may do: the one place permissions are decided.

Every view is wrapped in `guard`; no view looks at a role itself. Ids from a URL never become a path: the
department and the project are looked up among the content folder's own entries, and what the user may not
see answers 404, as what is not there does, so that the answer says nothing of another department."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed

from render.source import fields

CLERK, REVIEWER, ARCHIVIST, ADMIN = "填报员", "审核员", "档案员", "管理员"
# What each action needs: a role that may do it everywhere, or the clerk's own departments.
EVERYWHERE = {"enter": {CLERK, REVIEWER, ARCHIVIST, ADMIN}, "read": {REVIEWER, ARCHIVIST}, "edit": set(), "review": {REVIEWER}, "archive": {ARCHIVIST},
              "accounts": {ADMIN}, "describe": {ARCHIVIST}}
OWN = {"read", "edit", "describe"}  # what a 填报员 may do in the departments named on their account
# 部门.yml's fields, by who fills them ("describe"): the 档案室 alone knows the archive's (全宗号 …), for every
# department; the department's 填报员 the rest. Neither changes the other's: a save keeps them as the file has them.
ARCHIVE_FIELDS = frozenset(fields.ARCHIVE_LABELS)
DEPARTMENT_FIELDS = frozenset(fields.DEPARTMENT_LABELS + (fields.TOTAL,)) - ARCHIVE_FIELDS


@dataclass(frozen=True)
class Place:
    """A department folder, and one project file in it, found in the content folder."""

    year: str
    code: str
    folder: Path
    file: Path | None = None

    @property
    def stem(self) -> str:
        return self.file.stem if self.file else ""


def content() -> Path:
    return settings.MUBIAOBIAO["content"]


def role(user) -> str:
    account = getattr(user, "account", None) if user.is_authenticated else None
    return account.role if account else ""


def may(user, action: str, code: str | None = None) -> bool:
    """Whether `user` may do `action` (enter the site, read, edit, review, archive, accounts, describe: fill
    some of 部门.yml's fields, see `describes`) in department `code`."""
    if not (user.is_authenticated and user.is_active):
        return False
    held = role(user)
    if held in EVERYWHERE[action]:
        return True
    return held == CLERK and action in OWN and code is not None and code in user.account.codes


def describes(user, code: str) -> frozenset[str]:
    """The fields of department `code`'s 部门.yml that `user` may change (none: the page is read only)."""
    if not may(user, "describe", code):
        return frozenset()
    return ARCHIVE_FIELDS if role(user) == ARCHIVIST else DEPARTMENT_FIELDS


def _entries(folder: Path) -> list[Path]:
    """A folder's real entries: a symlink in the content folder could lead anywhere, so it is never followed."""
    try:
        return sorted(p for p in folder.iterdir() if not p.is_symlink())
    except OSError:
        return []


def departments(user, action: str = "read") -> list[Place]:
    """Every department folder `user` may do `action` in, year by year."""
    found = []
    for year in _entries(content()):
        if year.is_dir() and fields.is_year(year.name):
            for folder in _entries(year):
                code, sep, _ = folder.name.partition("-")
                if folder.is_dir() and sep and code.isdigit() and may(user, action, code):
                    found.append(Place(year.name, code, folder))
    return found


def find(year: str, code: str, stem: str | None = None) -> Place | None:
    """The department (and project) these URL ids name, matched against the folder's entries; None if none."""
    years = [y for y in _entries(content()) if y.name == year and y.is_dir()] if fields.is_year(year) else []
    folder = next((f for y in years for f in _entries(y) if f.is_dir() and f.name.partition("-")[0] == code),
                  None) if code.isdigit() else None  # a year folder that is a symlink is not one
    if folder is None:
        return None
    if stem is None:
        return Place(year, code, folder)
    file = next((f for f in _entries(folder) if f.suffix == ".md" and f.stem == stem and f.is_file()), None)
    return Place(year, code, folder, file) if file else None


def guard(action: str, post: bool = False):
    """A view that needs `action`: given the Place its URL names (404 when it is not there or not the
    user's), or, for a URL naming no department, refused with 403 unless the role may do it everywhere.
    `post`: an action that changes something, answered 405 to any other method, once it is allowed."""

    def wrap(view):
        @wraps(view)
        def inner(request, year: str | None = None, code: str | None = None, stem: str | None = None, **kwargs):
            if code is None:
                if not may(request.user, action) and not (action in OWN and role(request.user) == CLERK):
                    raise PermissionDenied
                return view(request, **kwargs)
            place = find(year, code, stem)
            if place is None or not may(request.user, action, place.code):
                raise Http404("没有这个部门或项目")
            if post and request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            return view(request, place, **kwargs)

        inner.action = action  # what the URL walk of the tests reads: every view has its guard
        return login_required(inner)

    return wrap


def address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")
