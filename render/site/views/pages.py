"""Turn the user's departments into the pages that list them: 首页 and one department's 部门 page."""

from __future__ import annotations

from django.shortcuts import render

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
