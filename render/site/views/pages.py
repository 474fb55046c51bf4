"""Turn the user's departments into the pages that list them: 首页 and one department's 部门 page."""

from __future__ import annotations

import sys

from django.db import DatabaseError
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from render.site import access
from render.site.access import Place, guard
from render.site.listing import listing
from render.site.views.history import deleted


@guard("enter")
def home(request):
    places = access.departments(request.user)
    return render(request, "site/home.html", {"places": places, "role": access.role(request.user)})


@guard("read")
def department(request, place: Place):
    return render(request, "site/department.html", {"place": place, "listing": listing(place), "deleted": deleted(place),
                                                    "editable": access.may(request.user, "edit", place.code),
                                                    "reviewer": access.may(request.user, "review", place.code)})


def failed(request):
    """The page for an error no view expected (Django's handler500): a database that refuses (read-only,
    locked by another program, its disk full) says so in the clerk's words, as any other error does, never
    a traceback. Nothing here may touch the database."""
    database = isinstance(sys.exc_info()[1], DatabaseError)
    return HttpResponse(render_to_string("503.html" if database else "500.html"), status=503 if database else 500)
