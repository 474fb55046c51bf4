"""Turn URLs into views: every page, file and action of the site, each behind `access.guard`."""

from __future__ import annotations

from django.urls import path
from django.views.static import serve

from render.site.settings import HERE
from render.site.views import accounts, editor, files, pages

DEPARTMENT = "d/<str:year>/<str:code>/"
PROJECT = "p/<str:year>/<str:code>/<str:stem>/"

urlpatterns = [
    path("", pages.home, name="home"),
    path("login/", accounts.login, name="login"),
    path("logout/", accounts.logout, name="logout"),
    path(DEPARTMENT, pages.department, name="department"),
    path(DEPARTMENT + "volume.pdf", files.volume_pdf, name="volume"),
    path(PROJECT, editor.edit, name="edit"),
    path(PROJECT + "check", editor.check, name="check"),
    path(PROJECT + "save", editor.save_view, name="save"),
    path(PROJECT + "table.pdf", files.table_pdf, name="table"),
    path(PROJECT + "page-<int:page>.png", files.preview, name="preview"),
    # A handful of the site's own files (no user's): served by the site itself, as the intranet has no CDN.
    path("static/<path:path>", serve, {"document_root": HERE / "static"}, name="static"),
]
