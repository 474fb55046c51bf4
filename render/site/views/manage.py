"""Turn the department page's buttons into new and deleted project files, and the audit log into a CSV
for the 管理员."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from render.site.access import Place, address, guard
from render.site.models import Audit
from render.site.saving import create, delete, rebuilt


@guard("edit", post=True)
def new(request, place: Place):
    name = " ".join(request.POST.get("name", "").split())
    if not name:
        return redirect(reverse("department", kwargs={"year": place.year, "code": place.code}))
    made = create(place.folder, name[:200], request.user.get_username(), address(request))
    return redirect(reverse("edit", kwargs={"year": place.year, "code": place.code, "stem": made.stem}))


@guard("edit", post=True)
def remove(request, place: Place):
    delete(place.file, request.user.get_username(), address(request))
    rebuilt(place.folder, request.user.get_username(), address(request))
    return redirect(reverse("department", kwargs={"year": place.year, "code": place.code}))


@guard("accounts")
def audit(request):
    """The whole audit log as CSV (UTF-8 with a BOM, which Excel needs to read Chinese)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["时间", "用户", "地址", "操作", "内容"])
    for a in Audit.objects.order_by("when", "id").iterator():
        # a leading = + - @ would be a formula to Excel: quoted as text
        writer.writerow([a.when.isoformat()] + [("'" + v if v[:1] in "=+-@" else v)
                                                for v in (a.who, a.address, a.action, a.what)])
    answer = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    answer["Content-Disposition"] = 'attachment; filename="audit.csv"'
    return answer
