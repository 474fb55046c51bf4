"""Turn an upload or pasted text into a file of the site's own naming in a temp folder of its own: bounded
in size as it arrives, the name the browser sent never part of a path, the folder removed afterwards."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler

from render.source import limits

LARGEST = max(limits.FILE_BYTES, limits.PACKAGE_UPLOAD_BYTES)  # what any form of the site takes
TOO_LARGE = "too_large"  # set on the request when an upload was stopped


class TooLarge(Exception):
    """An upload past its form's limit: said to the user, nothing of it kept."""


class Bounded(TemporaryFileUploadHandler):
    """Django's own spooling to a temp file, stopped as soon as an upload passes LARGEST: the request's
    Content-Length may lie, or be absent. The spooled file is deleted by Django when the request ends."""

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > LARGEST:
            setattr(self.request, TOO_LARGE, True)
            raise StopUpload(connection_reset=True)
        return super().receive_data_chunk(raw_data, start)


def _refuse(size: int, limit: int) -> None:
    if size > limit:
        raise TooLarge(f"文件有 {size / limits.MB:.1f} MB，超过 {limits.size(limit)} 的上限")


@contextlib.contextmanager
def received(request, field: str, limit: int, name: str, suffixes: tuple[str, ...]) -> Iterator[Path | None]:
    """The upload of `field` as `name` plus its suffix (one of `suffixes`, else the first) in a temp folder,
    None when nothing was uploaded; TooLarge past `limit`."""
    upload = request.FILES.get(field)  # parsed here, if not before: Bounded says whether it was stopped
    if getattr(request, TOO_LARGE, False):
        raise TooLarge(f"文件超过 {limits.size(limit)} 的上限")
    if upload is None:
        yield None
        return
    _refuse(upload.size, limit)
    suffix = Path(upload.name or "").suffix.lower()
    with tempfile.TemporaryDirectory(prefix="mubiao-upload-") as folder:
        path = Path(folder) / (name + (suffix if suffix in suffixes else suffixes[0]))
        written = 0
        with path.open("wb") as out:
            for chunk in upload.chunks():
                written += len(chunk)
                _refuse(written, limit)
                out.write(chunk)
        yield path


@contextlib.contextmanager
def pasted(text: str, name: str) -> Iterator[Path]:
    """Text pasted into a form (bounded by DATA_UPLOAD_MAX_MEMORY_SIZE) as a UTF-8 file `name`, as Notepad
    would have saved it."""
    with tempfile.TemporaryDirectory(prefix="mubiao-paste-") as folder:
        path = Path(folder) / name
        path.write_text(text.replace("\r\n", "\n"), encoding="utf-8")
        yield path
