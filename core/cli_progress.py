"""Load progress of the ``w2v`` command on stderr."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TextIO

#: Files bigger than this show load progress even when stderr is a log, not a terminal.
PROGRESS_BYTES = 100 << 20


def load_progress(path: str, err: TextIO) -> Callable[[int, int], None] | None:
    """A loader's ``progress(done, total)`` for ``path``: a line redrawn in place on a
    terminal; in a log, for files over :data:`PROGRESS_BYTES`, a line per 10 %; else None."""
    tty = err.isatty()
    if not tty and os.path.getsize(path) <= PROGRESS_BYTES:
        return None
    shown: set[int] = set()

    def progress(done: int, total: int) -> None:
        pct = done / max(total, 1) * 100
        if tty:
            err.write(f"\rloading {path}: {pct:5.1f}%")
        elif int(pct) // 10 not in shown:
            shown.add(int(pct) // 10)
            err.write(f"loading {path}: {pct:3.0f}%\n")
        err.flush()

    return progress
