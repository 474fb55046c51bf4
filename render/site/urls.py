"""Turn URLs into views: every page, file and action of the site, each behind `access.guard`."""

from __future__ import annotations

from django.urls import path
from django.views.static import serve

from render.site.settings import HERE
from render.site.views import accounts, answers, duties, editor, files, history, info, manage, pages, uploaded

DEPARTMENT = "d/<str:year>/<str:code>/"
PROJECT = "p/<str:year>/<str:code>/<str:stem>/"

urlpatterns = [
    path("", pages.home, name="home"),
    path("login/", accounts.login, name="login"),
    path("logout/", accounts.logout, name="logout"),
    path(DEPARTMENT, pages.department, name="department"),
    path(DEPARTMENT + "volume.pdf", files.volume_pdf, name="volume"),
    path(DEPARTMENT + "pdfs.zip", files.department_zip, name="zip"),
    path(DEPARTMENT + "generate", files.generate, name="generate"),
    path(DEPARTMENT + "files/<str:name>", files.named_file, name="file"),
    path(DEPARTMENT + "new", manage.new, name="new"),
    path(DEPARTMENT + "undelete/<int:version>", history.take_back, name="undelete"),
    path(DEPARTMENT + "import", uploaded.import_view, name="import"),
    path(DEPARTMENT + "info", info.info, name="info"),
    path(DEPARTMENT + "info/check", info.info_check, name="info_check"),
    path(DEPARTMENT + "info/save", info.info_save, name="info_save"),
    path(DEPARTMENT + "info/history", info.info_history, name="info_history"),
    path(DEPARTMENT + "info/restore/<int:version>", info.info_restore, name="info_restore"),
    path(DEPARTMENT + "answers", answers.answers, name="answers"),
    path(DEPARTMENT + "answers/save", answers.answers_save, name="answers_save"),
    path(PROJECT, editor.edit, name="edit"),
    path(PROJECT + "check", editor.check, name="check"),
    path(PROJECT + "save", editor.save_view, name="save"),
    path(PROJECT + "table.pdf", files.table_pdf, name="table"),
    path(PROJECT + "page-<int:page>.png", files.preview, name="preview"),
    path(PROJECT + "history", history.history, name="history"),
    path(PROJECT + "restore/<int:version>", history.restore, name="restore"),
    path(PROJECT + "delete", manage.remove, name="delete"),
    path(DEPARTMENT + "review", duties.review, name="review"),
    path(DEPARTMENT + "opinion.<str:suffix>", duties.opinion, name="opinion"),
    path("audit.csv", manage.audit, name="audit"),
    path("archive/", duties.archive, name="archive"),
    path("archive/check", uploaded.check_package, name="check_package"),  # before the packages' names
    path("archive/<str:name>", duties.package, name="package"),
    # A handful of the site's own files (no user's): served by the site itself, as the intranet has no CDN.
    path("static/<path:path>", serve, {"document_root": HERE / "static"}, name="static"),
]

handler500 = pages.failed
