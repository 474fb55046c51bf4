"""Turn a department's PDFs into downloads and a table's pages into preview images."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse

from render.site import building
from render.site.access import Place, guard


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
def preview(request, place: Place, page: int):
    pdf = building.pdf_of(place.folder, place.stem)
    if pdf is None or not 1 <= page <= building.pages(pdf):
        raise Http404("没有这一页")
    return HttpResponse(building.preview(pdf, page), content_type="image/png")
