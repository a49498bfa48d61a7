"""The one way to run work off the GUI thread.

- :func:`run_task` runs one function in a :class:`~w2v_gui.worker.TaskWorker` thread and
  calls back on the GUI thread (done, failed, cancelled, progressed). It is cancellable
  (``task.cancel()`` sets the ``stop`` event the function checks), and every task is in
  one registry until it ends (:func:`running_tasks`), so an owner stops all of its own —
  those of its child widgets too — with :func:`stop_tasks`.
- :class:`Latest` is for requests where only the newest matters (a query as a person
  types, a picture of the newest snapshot): small jobs run inline, big ones in a task,
  and while one runs only the newest request waits; an answer overtaken by a newer
  request is dropped (or, for pictures, still shown if nothing newer was).

On a million words × 100 dimensions, a neighbours query takes ~50 ms and an analogy (both
methods) ~250 ms of NumPy; on the GUI thread that is a visible stall at every search, and
during training each call must also win the interpreter lock back from the trainer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from w2v_gui.worker import TaskWorker, start_in_thread

# Vectors with up to this many numbers (words × dimensions) are queried on the GUI thread:
# about 2 ms for neighbours and 10 ms for an analogy. Larger ones go to a worker.
INLINE_FLOATS = 4_000_000

Work = Callable[[Callable[[int, int], None], threading.Event], Any]  # fn(progress, stop)

# Every task that has not ended yet (holding them also keeps them alive while they run).
_running: set[Task] = set()


def inline(size: int) -> bool:
    """Whether a query on vectors of ``size`` numbers is answered at once, in the caller."""
    return size <= INLINE_FLOATS


def running_tasks(owner: QObject | None = None) -> list[Task]:
    """Tasks not ended yet; with ``owner``, only those it or one of its children owns."""
    return [t for t in _running if owner is None or _owned_by(t.owner, owner)]


def _owned_by(obj: QObject | None, owner: QObject) -> bool:
    try:
        while obj is not None:
            if obj is owner:
                return True
            obj = obj.parent()
    except RuntimeError:  # an owner Qt already destroyed: nobody's any more
        pass
    return False


def _ignore(*_args: Any) -> None:
    """The callback of a task that has ended."""


def cancel_task(task: Task | None) -> None:
    """Ask ``task`` (if any) to stop; its result, if it still comes, is dropped."""
    if task is not None:
        task.cancel()


def stop_tasks(owner: QObject, timeout_ms: int = 10_000) -> bool:
    """Cancel ``owner``'s tasks (and its children's) and wait for their threads.

    True if every thread ended in time.
    """
    tasks = running_tasks(owner)
    for task in tasks:
        task.cancel()
    ok = True
    for task in tasks:
        thread = task.thread
        if thread is None:  # ended meanwhile
            continue
        # The worker's end→quit is queued to this (now blocked) thread: quit directly.
        thread.quit()
        ok = thread.wait(timeout_ms) and ok
        _running.discard(task)
    return ok


class Task(QObject):
    """One function run in a TaskWorker, reporting back to callbacks on the GUI thread.

    A QObject living in the GUI thread (a child of its owner): the worker's signals reach
    its bound slots queued, so the callbacks never run in the worker thread. Once
    cancelled, results and failures are dropped unless ``late_results`` (a save that
    finished before it saw the cancel did write the file: say so).
    """

    def __init__(
        self,
        owner: QObject | None,
        fn: Work,
        done: Callable[[Any], None],
        failed: Callable[[str], None],
        doing: str,
        progressed: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], None] | None = None,
        late_results: bool = False,
    ):
        super().__init__(owner)
        self.owner = owner
        self.stop = threading.Event()
        self._done, self._failed = done, failed
        self._progressed, self._cancelled = progressed, cancelled
        self._late_results = late_results
        # The worker and its thread are held by worker._threads until the thread ends,
        # and freed there; the task keeps the thread only while it runs (stop_tasks).
        worker = TaskWorker(fn, self.stop, doing)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        worker.cancelled.connect(self._on_cancelled)
        worker.progressed.connect(self._on_progressed)
        _running.add(self)
        self.thread: QThread | None = start_in_thread(worker, doing)

    def cancel(self) -> None:
        self.stop.set()

    @property
    def wanted(self) -> bool:
        return self._late_results or not self.stop.is_set()

    def _end(self) -> bool:
        """Forget this ended task; whether its result is still wanted."""
        wanted = self.wanted
        _running.discard(self)
        # No deleteLater: the task goes with its owner (or with the last Python reference,
        # when it has none), and lets go of its callbacks now, so what they hold (models,
        # answers, widgets' closures) is freed. A deleteLater here segfaulted in ~QObject
        # at the next event-loop run in 1 of 2 runs of test_compare.py's background
        # training followed by test_tasks.py, like the Python-and-deleteLater crash the
        # worker module's docstring describes.
        self._done = self._failed = _ignore
        self._progressed = self._cancelled = None
        self.thread = None
        return wanted

    @Slot(object)
    def _on_finished(self, result: Any) -> None:
        done = self._done
        if self._end():
            done(result)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        failed = self._failed
        if self._end():
            failed(message)

    @Slot()
    def _on_cancelled(self) -> None:
        cancelled = self._cancelled
        self._end()
        if cancelled is not None:
            cancelled()

    @Slot(object)
    def _on_progressed(self, progress: tuple[int, int]) -> None:
        if self._progressed is not None and self.wanted:
            self._progressed(*progress)


def run_task(
    owner: QObject | None,
    fn: Work,
    done: Callable[[Any], None],
    failed: Callable[[str], None],
    doing: str,
    progressed: Callable[[int, int], None] | None = None,
    *,
    cancelled: Callable[[], None] | None = None,
    late_results: bool = False,
) -> Task:
    """Run ``fn(progress, stop)`` in a worker thread; see :class:`Task`."""
    return Task(owner, fn, done, failed, doing, progressed, cancelled, late_results)


def raise_bug(message: str) -> None:
    """A failed query is a bug (unknown words are answers): the excepthook shows it."""
    raise RuntimeError(message)


class Latest(QObject):
    """Runs ``fn()`` for the newest request and hands its result to ``done``.

    Small work (``big=False``) runs at once on the GUI thread (a thread would cost more
    than it saves); big work runs in a :class:`Task`. While one runs, only the newest
    waiting request is kept. A result overtaken by a newer request is dropped — unless
    ``show_overtaken`` and nothing newer was shown yet (a picture of slightly older
    vectors beats none while snapshots keep coming) — so a person typing sees the answer
    to what the field says, and a burst of requests costs at most two computations.

    ``failed(message)`` gets a worker's error; without it, ``done`` gets it as a
    ``RuntimeError`` result.
    """

    busy_changed = Signal(bool)

    def __init__(
        self,
        doing: str,
        parent: QObject | None = None,
        *,
        done: Callable[[Any], None] | None = None,
        failed: Callable[[str], None] | None = None,
        show_overtaken: bool = False,
    ):
        super().__init__(parent)
        self._doing = doing
        self._default_done = done
        self._failed = failed
        self._show_overtaken = show_overtaken
        self._seq = 0  # number of the newest request
        self._shown = 0  # number of the newest result delivered
        self._waiting: tuple[int, Callable[[], Any], Callable[[Any], None]] | None = None
        self._task: Task | None = None
        self._running: tuple[int, Callable[[Any], None]] | None = None

    @property
    def busy(self) -> bool:
        return self._task is not None

    def run(
        self, fn: Callable[[], Any], big: bool, done: Callable[[Any], None] | None = None
    ) -> None:
        """Call ``done(fn())`` now if not ``big``, else in a worker (the newest request)."""
        done = done or self._default_done
        self._seq += 1
        if not big:
            self._waiting = None
            self._deliver(self._seq, done, fn())
        elif self._task is not None:
            self._waiting = (self._seq, fn, done)
        else:
            self._start(self._seq, fn, done)

    def cancel(self) -> None:
        """Drop the waiting request and the running one's result (and ask it to stop)."""
        self._seq += 1
        self._shown = self._seq
        self._waiting = None
        cancel_task(self._task)

    def _deliver(self, seq: int, done: Callable[[Any], None], result: Any) -> None:
        newest = seq == self._seq or (self._show_overtaken and seq > self._shown)
        if newest and seq > self._shown:
            self._shown = seq
            done(result)

    def _start(self, seq: int, fn: Callable[[], Any], done: Callable[[Any], None]) -> None:
        self._running = (seq, done)
        self._task = run_task(
            self,
            lambda progress, stop: fn(),
            self._on_task_done,
            self._on_task_failed,
            self._doing,
            cancelled=self._next,
            late_results=True,  # overtaken results are sorted out by number here
        )
        self.busy_changed.emit(True)

    def _next(self) -> None:
        self._task = self._running = None
        if self._waiting is not None:
            seq, fn, done = self._waiting
            self._waiting = None
            self._start(seq, fn, done)
        else:
            self.busy_changed.emit(False)

    def _on_task_done(self, result: Any) -> None:
        seq, done = self._running
        self._next()
        self._deliver(seq, done, result)

    def _on_task_failed(self, message: str) -> None:
        seq, done = self._running
        self._next()
        if self._failed is not None:
            self._failed(message)
        else:
            self._deliver(seq, done, RuntimeError(message))
