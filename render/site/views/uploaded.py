"""Turn what a user uploads or pastes into the command line's own runs: `import` into a department, and
`archive --check` of a hand-over package; each upload bounded, kept in a temp folder removed afterwards."""

from __future__ import annotations

from django.http import HttpResponseNotAllowed
from django.shortcuts import render

from render.site import importing, uploads
from render.site.access import Place, address, guard
from render.site.models import record
from render.source import limits

SHEETS = (".xlsx", ".xlsm", ".xls", ".txt", ".tsv")  # what import reads (an .xls to be told to save as .xlsx)


@guard("edit")
def import_view(request, place: Place):
    """GET: the form; POST: an .xlsx or text file uploaded, or text pasted, imported as `import` does."""
    context = {"place": place, "limit": limits.size(limits.FILE_BYTES)}
    if request.method == "POST":
        try:
            with uploads.received(request, "file", limits.FILE_BYTES, "上传的表格", SHEETS) as path:
                text = request.POST.get("text", "")
                if path is not None:
                    context["done"] = importing.run(place, path, request.user.get_username(), address(request))
                elif text.strip():
                    with uploads.pasted(text, "粘贴的表格.txt") as pasted:
                        context["done"] = importing.run(place, pasted, request.user.get_username(), address(request))
                else:
                    context["refused"] = "请选择要上传的文件，或把表格粘贴到文本框中。"
        except uploads.TooLarge as e:
            context["refused"] = f"{e}：请只复制要导入的表格，或分成几个文件导入。"
        done = context.get("done")
        context["text"] = "" if done and done.made else request.POST.get("text", "")  # kept to be mended
    return render(request, "site/import.html", context, status=413 if "上限" in context.get("refused", "") else 200)


@guard("archive", post=True)
def check_package(request):
    """`archive --check` of an uploaded .zip: its intake check and 检测报告, shown; nothing of it kept."""
    from render.commands import archive as handover

    if request.method != "POST":  # a URL naming no department: guard leaves the method to the view
        return HttpResponseNotAllowed(["POST"])
    lines, code, refused = [], None, ""
    try:
        with uploads.received(request, "package", limits.PACKAGE_UPLOAD_BYTES, "上传的移交包", (".zip",)) as path:
            if path is None:
                refused = "请选择要检测的移交包（.zip）。"
            else:
                code = int(handover.check(path, say=lambda line, level=None: lines.append(line)))
                folder = str(path.parent) + "/"
                lines = [line.replace(folder, "") for line in lines[:-1]]  # the last names the report's temp path
    except uploads.TooLarge as e:
        refused = f"{e}：请核对是否选对了文件。"
    name = getattr(request.FILES.get("package"), "name", "")[:200]
    record(request.user.get_username(), address(request), "检测移交包", f"{name}：{refused or f'退出状态 {code}'}")
    return render(request, "site/checked.html", {"title": "检测移交包", "code": code, "lines": lines,
                                                 "refused": refused, "name": name},
                  status=413 if "上限" in refused else 200)
