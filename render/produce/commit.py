"""Turn a set of new output files into the output folder's files all at once: staged, journalled, renamed.

Every file of a build is first written whole into `.cache/staging/` beside the outputs (same disk, so a
rename is atomic). Only when all of them are on disk is the journal written: from that moment the set is
committed, and the renames that follow are finished by whoever comes next (`recover`), even if this process
is killed between two of them. Before the journal exists, a failure (a full disk, Ctrl-C, kill) leaves the
previous PDFs, volume and manifest exactly as they were, and the next run clears the staging folder.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from render.produce.files import CACHE, write_atomic

JOURNAL = "journal.json"
STAGING = "staging"


@dataclass
class Transaction:
    out: Path
    moves: list[tuple[str, str]] = field(default_factory=list)  # (staged name, target relative to out)
    deletes: list[str] = field(default_factory=list)
    committed: bool = False

    @property
    def staging(self) -> Path:
        return self.out / CACHE / STAGING

    def write(self, rel: str, data: bytes) -> None:
        """Stage `data` for `rel`; nothing under `rel` changes until `commit`."""
        staged = f"{len(self.moves):05d}{Path(rel).suffix}"
        try:
            write_atomic(self.staging / staged, data)
        except OSError as e:  # the clerk knows the file that was to be written, not the staging name
            e.filename = str(self.out / rel)
            raise
        self.moves.append((staged, rel))

    def delete(self, rel: str) -> None:
        self.deletes.append(rel)

    def commit(self) -> None:
        """Journal the set (the point of no return), then put every file in place."""
        write_atomic(self.out / CACHE / JOURNAL, json.dumps({"moves": self.moves, "deletes": self.deletes},
                                                            ensure_ascii=False).encode("utf-8"))
        self.committed = True
        apply(self.out)

    def abort(self) -> None:
        """Clear a set that was never committed. A committed one (interrupted between its renames) is left
        whole for the next command to finish: its staged files are the only copies of what is still to move."""
        if not self.committed:
            shutil.rmtree(self.staging, ignore_errors=True)

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is not None:  # a full disk, Ctrl-C: nothing of an uncommitted set is in place, nor stays
            self.abort()


def apply(out: Path) -> bool:
    """Finish a committed set, or clear a set that never was committed. True if a committed set was
    finished here (an earlier run was stopped between its renames)."""
    journal = out / CACHE / JOURNAL
    try:
        plan = json.loads(journal.read_text(encoding="utf-8"))
        moves, deletes = plan["moves"], plan["deletes"]
    except FileNotFoundError:
        shutil.rmtree(out / CACHE / STAGING, ignore_errors=True)
        return False
    except (OSError, ValueError, KeyError, TypeError):  # written atomically: not ours, or damaged by hand
        journal.unlink(missing_ok=True)
        shutil.rmtree(out / CACHE / STAGING, ignore_errors=True)
        return False
    for staged, rel in moves:
        source, target = out / CACHE / STAGING / staged, out / rel
        if source.is_file():  # else already moved before the interruption
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    for rel in deletes:
        (out / rel).unlink(missing_ok=True)
        _prune(out, (out / rel).parent)
    journal.unlink()
    shutil.rmtree(out / CACHE / STAGING, ignore_errors=True)
    return True


def _prune(out: Path, folder: Path) -> None:
    """Remove folders emptied by deletions, up to the output folder."""
    while folder != out and folder.is_relative_to(out):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
