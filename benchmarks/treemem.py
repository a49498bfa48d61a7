"""Peak memory of a process and its children together, for engines with worker processes.

Each process's RSS counts the pages it shares with the others (the trainer's workers share
both matrices) in full, so RSS summed over a process tree counts them once per process.
PSS divides every shared page among the processes mapping it: summed over the tree it is
the memory the tree really holds. :class:`TreePeak` samples that sum every 100 ms in a
thread (about 0.2 ms a sample) and keeps the largest.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def tree_pss_bytes(root: int | None = None) -> int:
    """Summed PSS of ``root`` (this process) and all its descendants, in bytes."""
    total, todo = 0, [root or os.getpid()]
    while todo:
        pid = todo.pop()
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
                    break
        except OSError:  # it ended meanwhile
            continue
        todo += _children(pid)
    return total


class TreePeak:
    """``with TreePeak() as p: ...``; then ``p.peak`` (bytes) over the block."""

    def __init__(self, every: float = 0.1) -> None:
        self.every, self.peak = every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            self.peak = max(self.peak, tree_pss_bytes())
            if self._stop.wait(self.every):
                return

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, tree_pss_bytes())
