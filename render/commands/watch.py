"""Turn every saved edit of the content into rebuilt PDFs, for as long as the clerk keeps it running.

`typst watch` in our terms: one build, then a build for each batch of saved files, in this one process,
whose workers (WeasyPrint imported, fonts and stylesheet loaded) stay for the next build. A PDF viewer
that reloads a changed file becomes the preview. Ctrl-C shuts the workers down; nothing stays behind.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from pathlib import Path

from render.produce import workers
from render.produce.plan import Options
from render.produce.run import build
from render.produce.tasks import prime
from render.problems import Exit, Level, plain

SOURCES = (".md", ".yml", ".yaml")


def watch(options: Options, say=plain) -> Exit:
    """Build, then rebuild on every change until interrupted (exit 130, as every command on Ctrl-C)."""
    logging.getLogger("watchfiles").setLevel(logging.ERROR)  # its own "stopping watch" notice
    pool = workers.pool(options.workers) if options.workers > 1 else None
    if pool is not None:  # one each, most likely: a worker primes for about as long as it takes to start
        for _ in range(options.workers):
            pool.submit(prime)
    shown: set[str] = set()
    try:
        before = _sources(options)
        code = _once(options, say, pool, "首次生成", shown)
        if not options.content.is_dir():  # the build has said why: nothing to watch
            return code
        _prime_assembly()
        ready = False
        for batch in _changes(options):
            if batch is None:
                say(f"{datetime.now():%H:%M:%S} 内容文件夹 {options.content} 已不存在：等它恢复后继续监视……", Level.PROBLEM)
                continue
            if not ready:  # the watcher is set up: a file saved during the first build is not missed
                ready = True
                if _sources(options) != before:
                    _once(options, say, pool, "首次生成时保存的文件", shown)
                say(f"正在监视 {options.content}：保存文件后自动重新生成，按 Ctrl-C 结束。", Level.DONE)
            changed = {str(path) for _, path in batch if _concerns(options.content, path)}
            if not changed:
                continue
            # named by the sources saved; a folder only when no source is (an editor's temp file never)
            names = sorted(n for n in changed if n.endswith(SOURCES)) or sorted(changed)
            # A worker that dies fails its own table; the pool forks fresh ones (workers.Sturdy).
            _once(options, say, pool, "、".join(Path(n).name for n in names[:3])
                  + (f" 等 {len(names)} 个文件" if len(names) > 3 else ""), shown)
    except KeyboardInterrupt:
        say("已停止监视。", Level.DONE)
        return Exit.INTERRUPTED
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _changes(options: Options):
    """Batches of changes under the content folder (an empty one when the watcher is ready, and now and
    then); None when the folder is gone, then, once it is back and watched anew, one batch naming it: a
    watch on a deleted folder hears nothing, so the watcher is set up again whenever the folder is deleted,
    restored or replaced, and only then is the folder built, so that no save after the build is missed."""
    from watchfiles import watch as watched

    restored = False
    while True:
        try:
            identity = options.content.stat().st_ino
        except OSError:
            yield None
            while not options.content.is_dir():
                time.sleep(0.3)
            restored = True
            continue
        for batch in watched(options.content, debounce=400, step=30, rust_timeout=200, yield_on_timeout=True):
            if restored:
                restored = False
                batch = {*batch, ("restored", str(options.content))}
            yield batch
            try:
                if options.content.stat().st_ino != identity:
                    break
            except OSError:
                break


def _concerns(content: Path, path: str) -> bool:
    """A change that can change a PDF: a source file, or a folder (a department renamed, deleted,
    restored); not an editor's swap or backup file."""
    p = Path(path)
    if p.name.startswith((".", "~")) or p.name.endswith(("~", ".swp", ".tmp")):
        return False
    return p.suffix in SOURCES or p.is_dir() or not p.suffix or p == content


def _sources(options: Options) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_mtime_ns, p.stat().st_size) for p in options.content.rglob("*")
            if p.suffix in SOURCES and p.is_file()}


def _prime_assembly() -> None:
    """What the volume's assembly loads here, in this process: pikepdf, HarfBuzz and the faces. Once the
    first build is done, not in a thread beside it: a Ctrl-C during an import in another thread can leave
    CPython 3.11's import lock held, or pikepdf half started at exit."""
    from render.bind import (
        assemble,  # noqa: F401  (assemble imports pikepdf)
        subset,
    )
    from render.typeset import fonts

    for path, index in fonts.embedded_faces().values():
        subset.open_face(path, index)


def _once(options: Options, say, pool, what: str, shown: set[str]) -> int:
    """One build told in one line; a problem is shown when it first appears, not again on every save."""
    started = time.monotonic()
    problems: set[str] = set()

    def keep(line: str, level: Level = Level.DONE) -> None:
        if level is Level.PROBLEM:
            problems.add(line)
            if line not in shown:
                say(line, Level.PROBLEM)
        # files written and the closing lines give way to the one line below; DETAIL is for -v builds

    result = build(options, say=keep, pool=pool)
    shown.clear()
    shown.update(problems)
    made = [f"{Path(rel).name}（{pages} 页）" for rel, pages in result.written]
    made += [f"已删除 {Path(rel).name}（源文件已删除）" for rel, _ in result.removed]
    names = "、".join(made[:3]) + (f" 等 {len(made)} 个" if len(made) > 3 else "") if made else "无需重建"
    state = "，有错误（见上）" if result.exit else ""
    say(f"{datetime.now():%H:%M:%S} {what}：{names}，用时 {time.monotonic() - started:.1f} 秒{state}",
        Level.FAILED if result.exit else Level.DONE)
    return result.exit
