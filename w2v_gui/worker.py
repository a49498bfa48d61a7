"""Workers that run core's long operations off the GUI thread.

Each worker is a plain ``QObject`` moved to a ``QThread`` and wired the way Qt documents
it (:func:`start_in_thread`): ``thread.started → worker.run``, ``finished``/``failed →
thread.quit``. Workers never touch a widget; what they emit is immutable (frozen records,
:class:`~w2v_gui.core.vectors.Embeddings` snapshots) or handed over and never touched again by the
worker (a finished :class:`~w2v_gui.core.vocab.Scan`). Stop and pause are ``threading.Event``
objects owned by the caller, so asking a worker to stop needs no signal and works while
the worker is busy.

Two rules keep Qt objects from being destroyed where PySide calls back into Python while
holding a Qt mutex (a deadlock against the GUI thread, which holds the interpreter lock
and waits for that mutex):

- **Workers and threads are destroyed on the GUI thread, by Python, once the thread has
  ended** (:func:`running_threads`), after the GUI thread has cut the connections between
  the two. Not ``thread.finished → worker.deleteLater``: under PySide that runs
  ``~QObject`` on the ending thread, which looks up a Python override of the ``QThread``
  wrapper's ``disconnectNotify`` while holding the worker's signal-slot mutex; churns of
  3000 workers hung in 8 of 60 runs that way (gdb: the GUI thread in ``moveToThread``
  waiting for that mutex, holding the interpreter lock), none of 40 with this design
  (``tools/probe_worker_churn.py``). Nor Python *and* ``deleteLater``: both freed the
  worker at once (the segfault eee6984 fixed).
- **Python's cyclic garbage collector runs only from a GUI-thread timer**
  (:func:`collect_on_gui_thread`), never where an allocation happens to cross the
  threshold. On a worker thread, a collection frees a closed window's widget graph there:
  widgets are queued to the GUI thread (``Shiboken::BindingManager::
  runDeletionInMainThread``) while the graph's other Qt objects are destroyed where the
  collection ran — a real window collected on a worker thread segfaulted at once, and CI
  saw the GUI thread deadlocked in ``runDeletionInMainThread``. On the GUI thread, an
  automatic collection can start inside ``~QObject`` (PySide looks up a Python override
  of ``disconnectNotify`` there, holding a signal-slot mutex) and free another QObject
  that needs the same mutex: the test suite hung that way, one thread, in
  ``QBasicMutex::lockInternal``.
"""

from __future__ import annotations

import gc
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal, Slot

from w2v_gui.core import phrases
from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.errors import Cancelled, CorpusError, W2VError
from w2v_gui.core.formats.native import NativeModel
from w2v_gui.core.progress import TrainingProgress
from w2v_gui.core.sgns import Trainer
from w2v_gui.core.vectors import Embeddings
from w2v_gui.core.vocab import Scan
from w2v_gui.core.workers import BACKGROUND_NICENESS
from w2v_gui.queries import Answers, Questions, answer

# Threads started here and not yet ended, with their workers: tests assert none is left
# running, and holding both Python references keeps a running thread and its worker from
# being freed (a dropped worker left its thread hanging, run() never called).
_threads: dict[QThread, QObject] = {}


# The second rule of the module docstring: automatic collection off, the GUI thread collects
# on a timer (as pyqtgraph's GarbageCollector does) with the thresholds it would have used.
_collector: QTimer | None = None
_thresholds = gc.get_threshold()


_settle = False


def settle_garbage_soon() -> None:
    """Have the collector's next tick run a full collection (call it when the window has
    just built a lot and the person is waiting anyway, e.g. a corpus was read).

    What the window builds after start-up (~12k objects with the demo corpus open) stays
    young until a generation-1 collection promotes it; the first one, ~10 s into a
    training run, walked it all on the GUI thread: 20-60 ms, the longest stall of the run
    (tools/probe_stalls.py). Settled here, that work is done before Train is pressed.
    """
    global _settle
    _settle = True


def _collect() -> None:
    global _settle
    if _settle:
        _settle = False
        gc.collect()
        return
    counts = gc.get_count()
    for generation in range(3):
        if counts[generation] <= _thresholds[generation]:
            break
        gc.collect(generation)


def collect_on_gui_thread() -> None:
    """Collect cyclic garbage only on the GUI thread from now on (call it there)."""
    global _collector
    app = QCoreApplication.instance()
    try:
        installed = _collector is not None and _collector.parent() is app
    except RuntimeError:  # the timer went with an earlier application
        installed = False
    if app is None or installed:
        return
    gc.disable()
    _collector = QTimer(app, interval=250)  # dies with the application
    _collector.timeout.connect(_collect)
    _collector.start()


def start_in_thread(worker: QObject, name: str) -> QThread:
    """Move ``worker`` to a new QThread, wire it, start it and return the thread."""
    collect_on_gui_thread()
    running_threads()  # forget the finished ones
    thread = QThread()
    thread.setObjectName(name)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    for end in ("finished", "failed", "cancelled"):  # every way a worker's run ends
        if hasattr(worker, end):
            getattr(worker, end).connect(thread.quit)
    _threads[thread] = worker
    thread.start()
    return thread


def running_threads() -> list[QThread]:
    """Threads from :func:`start_in_thread` that have not ended yet.

    Called on the GUI thread, it also frees the workers and threads that have ended (see
    the module's docstring): ``wait(0)``, not ``isFinished()``, which is true already
    while the thread is still in its last steps.
    """
    for thread in [t for t in _threads if t.wait(0)]:
        worker = _threads.pop(thread)
        # Cut here, holding the interpreter lock, what links the two: destroying either
        # of them then calls nothing back in Python under a Qt mutex (the other may be
        # kept alive by its owner, e.g. a panel's task).
        thread.started.disconnect(worker.run)
        for end in ("finished", "failed", "cancelled"):
            if hasattr(worker, end):
                getattr(worker, end).disconnect(thread.quit)
    return list(_threads)


class PendingStart:
    """``worker``'s thread, started by :func:`start_in_thread` after ``delay_ms`` or at
    once by :meth:`now`; :meth:`cancel` before that and it never starts."""

    def __init__(self, worker: QObject, name: str, delay_ms: int, parent: QObject) -> None:
        self._worker, self._name = worker, name
        self._timer: QTimer | None = QTimer(parent, singleShot=True, interval=delay_ms)
        self._timer.timeout.connect(self.now)
        self._timer.start()

    def now(self) -> None:
        worker, self._worker = self._worker, None
        self._drop_timer()
        if worker is not None:
            start_in_thread(worker, self._name)

    def cancel(self) -> None:
        self._worker = None
        self._drop_timer()

    def _drop_timer(self) -> None:
        if self._timer is not None:  # one timer per run: not left on the parent
            self._timer.stop()
            self._timer.deleteLater()
            self._timer = None


def _message(exc: BaseException, doing: str) -> str:
    """What the person sees: core's own message, or a short line for a bug."""
    if isinstance(exc, W2VError):
        return str(exc)
    if isinstance(exc, OSError):  # a full disk, a folder without write permission, ...
        return f"Error while {doing}: {exc.strerror or exc}" + (
            f" ({exc.filename})" if exc.filename else ""
        )
    # A bug, not bad input: keep the traceback for the terminal, not for the dialog.
    traceback.print_exception(exc)
    return f"Unexpected error while {doing}: {type(exc).__name__}: {exc}"


class TaskWorker(QObject):
    """Runs ``fn(progress, stop)`` once and reports its result.

    ``progress(done, total)`` may be called from ``fn``; it is forwarded as
    ``progressed((done, total))`` at most every 50 ms. If ``fn`` raises
    :class:`~w2v_gui.core.vocab.Cancelled` (after ``stop`` was set), ``cancelled`` is emitted.
    """

    progressed = Signal(object)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(
        self,
        fn: Callable[[Callable[[int, int], None], threading.Event], Any],
        stop: threading.Event,
        doing: str,
    ):
        super().__init__()
        self._fn = fn
        self._stop = stop
        self._doing = doing
        self._last = 0.0

    def _progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last >= 0.05 or done >= total:
            self._last = now
            self.progressed.emit((done, total))

    @Slot()
    def run(self) -> None:
        try:
            result = self._fn(self._progress, self._stop)
        except Cancelled:
            self.cancelled.emit()
        except Exception as exc:  # noqa: BLE001 - every error must reach the person
            self.failed.emit(_message(exc, self._doing))
        else:
            self.finished.emit(result)


@dataclass(frozen=True)
class Snapshot:
    """The vectors at one moment of a run, with the answers to the panels' questions."""

    embeddings: Embeddings
    answers: Answers
    progress: TrainingProgress


@dataclass(frozen=True)
class TrainingOutcome:
    """How a run ended: the model (vectors, context, config, resumable state)."""

    model: NativeModel
    progress: TrainingProgress


class TrainingWorker(QObject):
    """Builds the vocabulary from a scan, trains, and reports.

    Emits ``progressed(TrainingProgress)`` for every trainer record, ``snapshotted(
    Snapshot)`` about every ``snapshot_every`` seconds and at the end, then
    ``finished(TrainingOutcome)`` — also when stopped, with the vectors learned so far —
    or ``failed(str)``.

    ``resume`` (a stopped run's model) continues that run where it stopped: its vectors,
    context and schedule, if the scan gives the model's vocabulary. ``extra_state`` goes
    into the finished model's state beside the trainer's own (the session keeps the
    corpus there, so a saved model knows what to continue on).
    """

    progressed = Signal(object)
    snapshotted = Signal(object)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()  # stopped before the first step (while cutting the vocabulary)

    def __init__(
        self,
        scan: Scan,
        config: TrainingConfig,
        *,
        stop: threading.Event,
        pause: threading.Event,
        questions: Questions | None = None,
        report_interval: float = 0.25,
        snapshot_every: float = 1.0,
        resume: NativeModel | None = None,
        extra_state: dict | None = None,
    ):
        super().__init__()
        self._scan = scan
        self._config = config
        self._resume = resume
        self._extra_state = extra_state or {}
        self._stop = stop
        self._pause = pause
        # Replaced whole (one reference swap, atomic) by the GUI thread, never mutated.
        self.questions = questions or Questions()
        self._report_interval = report_interval
        self._snapshot_every = snapshot_every

    def _snapshot(self, trainer: Trainer, progress: TrainingProgress) -> Snapshot:
        emb = trainer.snapshot()
        emb.unit  # noqa: B018 - normalise here, not on the GUI thread at the first query
        emb.index  # noqa: B018 - and the word -> row dict (Embeddings build it on demand)
        return Snapshot(emb, answer(emb, self.questions), progress)

    @Slot()
    def run(self) -> None:
        try:
            cfg = self._config
            vocab, stream = phrases.build(self._scan, cfg)  # phrases joined if cfg asks
            if self._stop.is_set():
                # Stopped while the vocabulary was cut (seconds, on a large corpus): there
                # is nothing trained to keep, so no model (its vectors would be random).
                self.cancelled.emit()
                return
            start = {}
            if self._resume is not None:
                start = _resume_from(self._resume, vocab, self._scan.source)
            trainer = Trainer(
                cfg,
                vocab,
                stream,
                report_interval=self._report_interval,
                niceness=BACKGROUND_NICENESS,
                **start,
            )
            last_snap = time.monotonic()
            rec = None
            for rec in trainer.run(self._stop, self._pause):
                self.progressed.emit(rec)
                if not rec.done and time.monotonic() - last_snap >= self._snapshot_every:
                    last_snap = time.monotonic()
                    self.snapshotted.emit(self._snapshot(trainer, rec))
            final = self._snapshot(trainer, rec)
            self.snapshotted.emit(final)
            context = trainer.context_snapshot()
            context.flags.writeable = False
            # What "Continue training" needs besides the trainer's own position.
            state = {**trainer.state(), **self._extra_state, "finished": not rec.stopped}
            model = NativeModel(final.embeddings, context, cfg, state)
            self.finished.emit(TrainingOutcome(model, rec))
        except Exception as exc:  # noqa: BLE001 - every error must reach the person
            self.failed.emit(_message(exc, "training"))


def _resume_from(model: NativeModel, vocab, source: str) -> dict:
    """Trainer arguments that continue ``model``'s run on the corpus now scanned."""
    if tuple(vocab.words) != tuple(model.embeddings.words):
        raise CorpusError(
            f"{source}: the text gives another vocabulary ({len(vocab):,} words) than the "
            f"model was trained on ({len(model.embeddings):,}); it changed since the model "
            f"was saved, so training cannot continue where it stopped"
        )
    return {"vectors": model.embeddings.vectors, "context": model.context, "state": model.state}
