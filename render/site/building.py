"""Turn a saved project file into its rebuilt PDF and volume, and a PDF's pages into preview images.

The site keeps one warm pool of workers for its whole life, as `watch` does (WeasyPrint imported, fonts
loaded), and runs one build at a time through it: the output folder's own lock keeps a CLI build and the
site in turn. The build is the CLI's `build()`, limited to the saved file or the department folder.

A save is answered once its table is made: binding the volume (a quarter of a department's build) follows
in the background (`bind`), and the 部门 page says so until it is done."""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings

from render.problems import Level
from render.produce.plan import Options
from render.produce.outputs import DRAFTS
from render.produce.publish import read_manifest
from render.produce.run import BuildResult, build

_turn = threading.Lock()  # one build at a time from this process
_queue = threading.Lock()  # guards _waiting
_drawing = threading.Lock()  # PDFium, one page at a time


class _Ask:
    """A rebuild asked for and not yet made; its result is set, under _turn, by the build that makes it."""

    def __init__(self, path: Path | None):
        self.path = path  # a saved project file, a department folder, or None: everything
        self.result: BuildResult | None = None


_waiting: list[_Ask] = []  # asked since the last build took them
_pool = None
_stop = threading.Event()
SOURCES = (".md", ".yml", ".yaml")

# Departments whose volume a save left to bind, and the binder's signal. The binder waits BIND_AFTER
# before it starts: the saved table's preview image is drawn meanwhile, not beside a volume being bound
# (the same process, the same lock), and saves in that time are bound together.
_behind: set[Path] = set()
_binding: set[Path] = set()  # taken by the binder, not yet bound
_signal = threading.Condition()
BIND_AFTER = 0.3
_binder: threading.Thread | None = None


def start() -> None:
    """The warm workers (`serve` only: the tests build in their own process, one table at a time)."""
    global _pool
    jobs = settings.MUBIAOBIAO["jobs"]
    if jobs > 1 and _pool is None:
        from render.produce import workers
        from render.produce.tasks import prime

        workers.start()
        _pool = workers.pool(jobs)
        for _ in range(jobs):
            _pool.submit(prime)


def follow() -> threading.Thread:
    """What `watch` does, beside the site: one build of the content at start (the preview's first save then
    finds the workers warm and the PDFs made), then each department rebuilt when its files change behind the
    site's back (the CLI, an editor, a copy), by the binder that binds the volumes saves leave behind: the
    watcher also sees a save's file, and the two make one build of its department."""
    global _binder

    def run() -> None:
        from watchfiles import watch as watched

        content = settings.MUBIAOBIAO["content"]
        rebuild(None)
        for batch in watched(content, stop_event=_stop, debounce=400, raise_interrupt=False):
            folders = {Path(path).parent for _, path in batch if path.endswith(SOURCES)}
            for folder in sorted(folders):
                if folder.parent.parent == content:  # <年度>/<编码-部门>/: a department's file
                    later(folder)

    _binder = threading.Thread(target=bind, name="bind", daemon=True)
    _binder.start()
    thread = threading.Thread(target=run, name="follow", daemon=True)
    thread.start()
    return thread


def bind(stop: threading.Event = _stop) -> None:
    """The volumes of departments whose saves were answered with their tables alone, and departments whose
    files changed behind the site's back: each made by a build of its folder (a saved table then comes from
    the cache), until the site stops."""
    while not stop.is_set():
        with _signal:
            while not _behind and not stop.is_set():
                _signal.wait()
        if stop.wait(BIND_AFTER):
            return
        with _signal:
            folders = sorted(_behind)
            _behind.clear()
            _binding.update(folders)
        for folder in folders:
            try:
                rebuild(folder)
            except Exception:  # noqa: BLE001 the volume stays marked stale, and the 部门 page says so
                pass
            finally:
                with _signal:
                    _binding.discard(folder)


def later(folder: Path) -> None:
    """The department rebuilt by the binder, BIND_AFTER from now or with what it is binding next."""
    with _signal:
        _behind.add(folder)
        _signal.notify_all()


def binding(folder: Path) -> bool:
    """Whether the department's volume is still to be bound after a save."""
    with _signal:
        return folder in _behind or folder in _binding


def stop() -> None:
    global _pool
    _stop.set()
    with _signal:
        _signal.notify_all()
    with _turn:  # a build under way finishes first: its files are put in place whole
        if _pool is not None:
            _pool.shutdown(cancel_futures=True)
            _pool = None


def rebuild(path: Path | None, simplex: bool = False, tables_on_right: bool = False, draft: str = ""
            ) -> BuildResult:
    """What `python3 build.py <path> [--simplex] [--tables-on-right] [--draft 文字]` makes (path None:
    everything), with one difference: saved project files, while the binder runs (`serve`), get their
    tables alone, and their departments' volumes are left to the binder.

    The final double-sided build, which every save asks for, is shared: saves made while another build
    runs wait together, and the next build makes them all at once (their department, or the whole content,
    as `build.py` with no PATH: its cache rebuilds only what changed, on every worker), instead of one after
    another. Saves go before the departments' builds waiting with them (the binder's, the watcher's): a
    save waits at most for the one build under way. Each waiting save is answered by a build that began after it
    asked, so its file is in it."""
    if simplex or tables_on_right or draft:
        with _turn:
            return _build(path, simplex, tables_on_right, draft)
    ask = _Ask(path)
    with _queue:
        _waiting.append(ask)
    with _turn:
        while ask.result is None:  # else made by the build that held the turn: it took this ask before it began
            batch = _next_batch()
            result = _made(batch)
            for a in batch:
                a.result = result
        return ask.result


def _saved(a: _Ask) -> bool:
    return _binder is not None and a.path is not None and a.path.is_file()


def _next_batch() -> list[_Ask]:
    """The saves waiting, if any (their tables come first); else every ask waiting."""
    with _queue:
        saves = [a for a in _waiting if _saved(a)]
        batch = saves or list(_waiting)
        for a in batch:
            _waiting.remove(a)
    return batch


def _made(batch: list[_Ask]) -> BuildResult:
    """One build for the batch: saves' tables alone (their department's folder, or the whole content when
    they are of several), the volumes bound later; departments, or the whole content, with their volumes."""
    paths = {a.path for a in batch}
    folders = {p.parent if p is not None and p.is_file() else p for p in paths}
    if all(_saved(a) for a in batch):
        one = next(iter(paths)) if len(paths) == 1 else next(iter(folders)) if len(folders) == 1 else None
        result = _build(one, False, False, "", tables_only=True)
        for folder in folders:
            later(folder)
        return result
    return _build(folders.pop() if len(folders) == 1 else None, False, False, "")


def _build(path: Path | None, simplex: bool, tables_on_right: bool, draft: str, tables_only: bool = False
           ) -> BuildResult:
    conf = settings.MUBIAOBIAO

    def keep(line: str, level: Level = Level.DONE) -> None:
        pass  # the site reads the BuildResult, not the printed lines

    options = Options(conf["content"], conf["out"], max(conf["jobs"], 1), simplex, draft, path, tables_on_right,
                      tables_only)
    return build(options, say=keep, pool=_pool)


def outputs(folder: Path, drafts: bool = False) -> list[dict]:
    """The manifest's entries for this department folder's PDFs: the final ones, or the drafts'."""
    conf = settings.MUBIAOBIAO
    prefix = folder.relative_to(conf["content"]).as_posix() + "/"
    try:
        files = read_manifest(conf["out"] / DRAFTS if drafts else conf["out"]).get("files", [])
    except (OSError, ValueError):
        return []
    return [e for e in files if isinstance(e, dict) and str(e.get("path", "")).startswith(prefix)]


def named(folder: Path, name: str) -> Path | None:
    """A PDF of the department's, final or draft, by its file name as the manifests list it."""
    conf = settings.MUBIAOBIAO
    for drafts in (False, True):
        for e in outputs(folder, drafts):
            path = conf["out"] / (DRAFTS if drafts else "") / e["path"]
            if Path(e["path"]).name == name and path.suffix == ".pdf" and path.is_file():
                return path
    return None


def pdf_of(folder: Path, stem: str = "") -> Path | None:
    """The project's PDF (`stem`), or the department's volume (no stem), if the manifest lists it."""
    conf = settings.MUBIAOBIAO
    for e in outputs(folder):
        name = Path(e["path"]).stem
        if (e.get("kind") == "project" and stem and name == stem) or (e.get("kind") == "volume" and not stem):
            path = conf["out"] / e["path"]
            return path if path.is_file() else None
    return None


def pages(pdf: Path) -> int:
    import pikepdf

    with pikepdf.open(pdf) as doc:
        return len(doc.pages)


def preview(pdf: Path, page: int) -> bytes:
    """One page as PNG at 80 dpi, drawn by PDFium (pypdfium2) in this process: 30 ms where Poppler's
    pdftoppm took 150–250 ms (a process started per image), and nothing to install on a Windows server.
    PDFium is not thread-safe: one page at a time."""
    import io

    import pypdfium2

    with _drawing:
        document = pypdfium2.PdfDocument(pdf)
        try:
            image = document[page - 1].render(scale=80 / 72).to_pil()
        finally:
            document.close()
    data = io.BytesIO()
    image.save(data, "PNG", compress_level=1)  # a third of the encoding's time, and smaller for a table's page
    return data.getvalue()
