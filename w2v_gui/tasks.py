"""Background tasks."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Slot

from w2v_gui.worker import TaskWorker, start_in_thread


class _Task(QObject):
    """One function run in a TaskWorker, reporting back to callbacks on the GUI thread.

    A QObject living in the GUI thread: the worker's signals reach its bound slots
    queued, so the callbacks never run in the worker thread.
    """

    def __init__(self, runner: TaskRunner, fn, done, failed, progressed, doing: str):
        super().__init__(runner)
        self.stop = threading.Event()
        self._runner = runner
        self._done, self._failed, self._progressed = done, failed, progressed
        self.worker = TaskWorker(fn, self.stop, doing)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.worker.cancelled.connect(self._on_cancelled)
        self.worker.progressed.connect(self._on_progressed)
        self.thread: QThread = start_in_thread(self.worker, f"{runner.name}: {doing}")

    def _end(self) -> None:
        self._runner.tasks.discard(self)
        self.deleteLater()

    @Slot(object)
    def _on_finished(self, result: Any) -> None:
        self._end()
        if not self.stop.is_set():
            self._done(result)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._end()
        if not self.stop.is_set():
            self._failed(message)

    @Slot()
    def _on_cancelled(self) -> None:
        self._end()

    @Slot(object)
    def _on_progressed(self, progress: tuple[int, int]) -> None:
        if self._progressed is not None and not self.stop.is_set():
            self._progressed(*progress)


class TaskRunner(QObject):
    """Starts a panel's background work and stops all of it on shutdown (the Learn panel's,
    and the Evaluate panel's). ``name`` prefixes the threads' names."""

    def __init__(self, parent: QObject | None = None, name: str = "learn"):
        super().__init__(parent)
        self.name = name
        self.tasks: set[_Task] = set()

    def run(
        self,
        fn: Callable[[Callable[[int, int], None], threading.Event], Any],
        done: Callable[[Any], None],
        failed: Callable[[str], None],
        doing: str,
        progressed: Callable[[int, int], None] | None = None,
    ) -> _Task:
        task = _Task(self, fn, done, failed, progressed, doing)
        self.tasks.add(task)
        return task

    def cancel(self, task: _Task | None) -> None:
        if task is not None:
            task.stop.set()

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Ask every task to stop and wait for their threads."""
        for task in list(self.tasks):
            task.stop.set()
        for task in list(self.tasks):
            task.thread.quit()
            task.thread.wait(timeout_ms)
        self.tasks.clear()
