"""Turn a department's PDFs into downloads and a table's pages into preview images."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render

from render.site import building
from render.site.access import Place, address, guard
from render.site.models import record


def _download(path):
    if path is None:
        raise Http404("尚未生成")
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name, content_type="application/pdf")


@guard("read")
def table_pdf(request, place: Place):
    return _download(building.pdf_of(place.folder, place.stem))


@guard("read")
def volume_pdf(request, place: Place):
    return _download(building.pdf_of(place.folder))


@guard("read")
def department_zip(request, place: Place):
    """Every PDF of the department the manifest lists (tables, volumes, 审核意见), in one stored zip."""
    conf = settings.MUBIAOBIAO
    paths = [conf["out"] / e["path"] for e in building.outputs(place.folder)]
    paths = [p for p in paths if p.suffix == ".pdf" and p.is_file()]
    if not paths:
        raise Http404("尚未生成")
    spool = tempfile.SpooledTemporaryFile(max_size=64 * 1024 * 1024)
    with zipfile.ZipFile(spool, "w", zipfile.ZIP_STORED) as bundle:  # PDFs are compressed already
        for path in paths:
            bundle.write(path, path.name)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{place.folder.name}.zip", content_type="application/zip")


@guard("read")
def preview(request, place: Place, page: int):
    pdf = building.pdf_of(place.folder, place.stem)
    if pdf is None or not 1 <= page <= building.pages(pdf):
        raise Http404("没有这一页")
    return HttpResponse(building.preview(pdf, page), content_type="image/png")


@guard("read")
def named_file(request, place: Place, name: str):
    """A volume's variant or a draft, by the name the manifest lists it under (never a path from the URL)."""
    return _download(building.named(place.folder, name))


@guard("edit", post=True)
def generate(request, place: Place):
    """生成: the department's volume double-sided, 单面 or 每表右页, final or as a draft, as the CLI's options."""
    layout = request.POST.get("layout", "")
    draft = " ".join(request.POST.get("draft", "").split())[:20] if request.POST.get("as_draft") else ""
    result = building.rebuild(place.folder, simplex=layout == "simplex", tables_on_right=layout == "right", draft=draft)
    record(request.user.get_username(), address(request), "生成",
           f"{place.year}/{place.folder.name}：{layout or '双面'}{'，草稿 ' + draft if draft else ''}，退出状态 {int(result.exit)}")
    made = [Path(rel).name for rel, _ in result.written]
    return render(request, "site/generated.html", {"place": place, "result": result, "made": made,
                                                   "errors": [p for p in result.problems if p.severity == "error"]})
