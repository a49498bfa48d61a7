"""Answering the exploring panels' questions without blocking the window.

On a million words × 100 dimensions, a neighbours query takes ~50 ms and an analogy (both
methods) ~250 ms of NumPy; on the GUI thread that is a visible stall at every search, and
during training each call must also win the interpreter lock back from the trainer.
Small vectors are answered at once (a millisecond or two, and the answer is there when
the call returns); large ones in a worker thread, newest question first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Slot

from w2v_gui.worker import TaskWorker, start_in_thread

# Vectors with up to this many numbers (words × dimensions) are queried on the GUI thread:
# about 2 ms for neighbours and 10 ms for an analogy. Larger ones go to a worker.
INLINE_FLOATS = 4_000_000


class Asker(QObject):
    """Runs a panel's query function and hands the result to ``done`` on the GUI thread.

    While a query runs in a worker, only the newest question waits (earlier waiting ones
    are dropped), and the running query's result is dropped if a newer question came in
    meanwhile: a person typing sees the answer to what the field says, never an older one.
    """

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._running: tuple[TaskWorker, Callable[[Any], None]] | None = None
        self._waiting: tuple[Callable[[], Any], Callable[[Any], None]] | None = None

    @staticmethod
    def inline(size: int) -> bool:
        """Whether vectors of ``size`` numbers are answered at once, in the caller."""
        return size <= INLINE_FLOATS

    @property
    def busy(self) -> bool:
        return self._running is not None

    def ask(self, size: int, fn: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """Call ``done(fn())``: now if ``size`` is small and nothing runs, else later."""
        if self.inline(size) and self._running is None:
            done(fn())
            return
        self._waiting = (fn, done)
        if self._running is None:
            self._start_waiting()

    def _start_waiting(self) -> None:
        fn, done = self._waiting
        self._waiting = None
        worker = TaskWorker(lambda progress, stop: fn(), threading.Event(), "answering a query")
        # Bound methods of this GUI-thread object: Qt queues the calls to the GUI thread.
        worker.finished.connect(self._on_worker_finished)
        worker.failed.connect(self._on_worker_failed)
        self._running = (worker, done)
        start_in_thread(worker, "query")

    @Slot(object)
    def _on_worker_finished(self, result: Any) -> None:
        _, done = self._running
        self._running = None
        if self._waiting is not None:  # overtaken by a newer question: answer that one
            self._start_waiting()
        else:
            done(result)

    @Slot(str)
    def _on_worker_failed(self, message: str) -> None:
        self._running = None
        if self._waiting is not None:
            self._start_waiting()
        # A query that raises is a bug (unknown words are answers): the excepthook shows it.
        raise RuntimeError(message)
