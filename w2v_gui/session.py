"""What is open and what is running: the corpus, the model, the workers.

The main window lays out and wires; the panels show; this object holds the state they
share and starts core's long operations (:mod:`w2v_gui.jobs` in :mod:`w2v_gui.tasks`;
training in a :class:`~w2v_gui.worker.TrainingWorker`). It has no widgets: it reports
through signals, every error as ``failed(title, message)`` for the window to show.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from w2v_gui import jobs
from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.formats import save_embeddings
from w2v_gui.core.formats.native import NativeModel
from w2v_gui.core.vectors import Embeddings
from w2v_gui.jobs import CorpusInfo
from w2v_gui.queries import Questions
from w2v_gui.tasks import Task, cancel_task, run_task
from w2v_gui.worker import (
    PendingStart,
    Snapshot,
    TrainingOutcome,
    TrainingWorker,
    collect_on_gui_thread,
    running_threads,
)


class State(Enum):
    """What the session is doing; its value is the word the status bar shows."""

    IDLE = "idle"
    SCANNING = "scanning"
    LOADING = "loading"
    SAVING = "saving"
    TRAINING = "training"
    PAUSED = "paused"
    STOPPING = "stopping"


IDLE, SCANNING, LOADING, SAVING, TRAINING, PAUSED, STOPPING = State


START_DELAY_MS = 100  # from Train to the training thread's start: see _start_training


class Session(QObject):
    """The open corpus and model, and the worker (if any) working on them."""

    state_changed = Signal(object)  # State
    scan_progressed = Signal(object)  # (bytes done, bytes total)
    corpus_loaded = Signal(object)  # CorpusInfo
    # Every view of the vectors takes them by this one route, as ``set_embeddings(emb)``.
    # Just before, ``embeddings_described`` says what they are, and for a snapshot
    # ``answered`` hands over the worker's answers to the views' questions.
    embeddings_changed = Signal(object)  # Embeddings to explore, or None
    embeddings_described = Signal(str)  # run, epoch, file: what they are, for people
    answered = Signal(object, object)  # Embeddings, Answers computed for them
    config_loaded = Signal(object)  # TrainingConfig read from a model file
    model_opened = Signal(str, object)  # path, NativeModel: a model file was opened
    training_started = Signal(object)  # TrainingConfig
    training_progressed = Signal(object)  # TrainingProgress
    training_snapshotted = Signal(object)  # Snapshot
    training_finished = Signal(object)  # TrainingOutcome
    training_failed = Signal(str)  # why (also sent as failed(title, message))
    training_cancelled = Signal()  # stopped before it began: no model
    task_cancelled = Signal(str)  # what a cancelled save left, for people
    document_changed = Signal()  # file name or unsaved flag changed
    failed = Signal(str, str)  # title, message

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        collect_on_gui_thread()  # from the start: see w2v_gui/worker.py
        self.state = IDLE
        self.corpus: CorpusInfo | None = None
        self.model: NativeModel | None = None  # the last finished or opened model
        self.embeddings: Embeddings | None = None  # what to explore (a live snapshot too)
        self.embeddings_label = ""  # what they are, for people: run, epoch, file
        self._model_label = ""  # the same for ``model``
        self.path: str | None = None  # the model file, once saved or opened
        self.dirty = False
        self.questions = Questions()
        self._stop = threading.Event()
        self._pause = threading.Event()
        self._worker: QObject | None = None  # the training worker
        self._starting: PendingStart | None = None  # the training thread, until it starts
        self._job: Task | None = None  # a scan, load or save
        self._continuing = False

    # -- state ---------------------------------------------------------------------
    busy = property(lambda self: self.state != IDLE, doc="Anything running.")

    def _set_state(self, state: State) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def _set_document(self, path: str | None, dirty: bool) -> None:
        self.path, self.dirty = path, dirty
        self.document_changed.emit()

    def _ended(self) -> None:
        self._worker = self._job = None
        self._set_state(IDLE)

    def _task(
        self,
        fn: Callable,
        state: State,
        doing: str,
        title: str,
        on_done: Callable[[Any], None],
        cancelled: str = "",
    ) -> None:
        def done(result: Any) -> None:
            self._ended()
            on_done(result)

        def failed(message: str) -> None:
            self._ended()
            self.failed.emit(title, message)

        def was_cancelled() -> None:
            self._ended()
            if cancelled:
                self.task_cancelled.emit(cancelled)

        # late_results: a save that finished before it saw Cancel did write the file.
        self._job = run_task(
            self,
            fn,
            done,
            failed,
            doing,
            lambda *progress: self.scan_progressed.emit(progress),
            cancelled=was_cancelled,
            late_results=True,
        )
        self._set_state(state)

    # -- corpus --------------------------------------------------------------------
    def open_corpus(self, paths: Sequence[str | os.PathLike], config: TrainingConfig) -> None:
        """Scan ``paths`` in a worker; ``corpus_loaded`` or ``failed`` follows."""
        if self.busy:
            return
        paths = tuple(str(p) for p in paths)
        self._task(
            jobs.scan_corpus(paths, config.lowercase, config.token_pattern),
            SCANNING,
            "reading the corpus",
            jobs.CORPUS_FAILED,
            self._on_scan_finished,
        )

    def _on_scan_finished(self, info: CorpusInfo) -> None:
        self.corpus = info
        self.corpus_loaded.emit(info)

    def cancel(self) -> None:
        """Cancel a running scan, model load or save (training has its own stop)."""
        if self.state in (SCANNING, LOADING, SAVING):
            cancel_task(self._job)

    def apply_config(self, config: TrainingConfig) -> None:
        """Re-read the corpus if ``config`` tokenizes differently from the last scan."""
        c = self.corpus
        if (
            c is not None
            and not self.busy
            and (c.lowercase, c.token_pattern) != (config.lowercase, config.token_pattern)
        ):
            self.open_corpus(c.paths, config)

    # -- training ------------------------------------------------------------------
    def train(self, config: TrainingConfig) -> None:
        """Train on the open corpus; first read it again if ``config`` tokenizes otherwise.

        The form's change re-reads the corpus only after its debounce: Train pressed
        within it would build the vocabulary with the old tokenizer and save the new one
        in the model.
        """
        c = self.corpus
        if self.busy or c is None:
            return
        if (c.lowercase, c.token_pattern) == (config.lowercase, config.token_pattern):
            self._start_training(config, None)
            return

        def scanned(info: CorpusInfo) -> None:
            self._on_scan_finished(info)
            self._start_training(config, None)

        self._task(
            jobs.scan_corpus(c.paths, config.lowercase, config.token_pattern),
            SCANNING,
            "reading the corpus",
            jobs.CORPUS_FAILED,
            scanned,
        )

    def _start_training(self, config: TrainingConfig, resume: NativeModel | None) -> None:
        # Fresh events per run: a worker still winding down keeps seeing its own stop.
        self._stop, self._pause = threading.Event(), threading.Event()
        self._continuing = resume is not None
        c = self.corpus
        # Saved with the model, so "Continue training" can find and check the text again.
        corpus = {
            "paths": list(c.paths),
            "raw_words": c.scan.raw_words,
            "checksum": c.checksum,
            "lowercase": c.lowercase,
            "token_pattern": c.token_pattern,
        }
        worker = TrainingWorker(
            c.scan,
            config,
            stop=self._stop,
            pause=self._pause,
            questions=self.questions,
            resume=resume,
            extra_state={"corpus": corpus},
        )
        worker.progressed.connect(self.training_progressed)
        worker.snapshotted.connect(self._on_training_snapshotted)
        worker.finished.connect(self._on_training_finished)
        worker.failed.connect(self._on_training_failed)
        worker.cancelled.connect(self._ended)  # stopped before it began: no model
        worker.cancelled.connect(self.training_cancelled)
        self._worker = worker
        self._set_state(TRAINING)
        if resume is not None:
            # The run's own settings, whatever the form shows. Only now that the session
            # is busy: the form's change must not start a re-read of the open corpus.
            self.config_loaded.emit(config)
        self.training_started.emit(config)
        # Started after the window's repaint: the trainer's first ~0.2 s (the vocabulary
        # cut) holds the interpreter lock in many short NumPy calls and stretched that
        # repaint into the run's longest stall (64-87 ms; tools/probe_stalls.py).
        self._starting = PendingStart(worker, "training", START_DELAY_MS, self)

    @property
    def can_continue(self) -> bool:
        """The model is a stopped run of this program that "Continue training" can resume."""
        return jobs.continue_problem(self.model) is None

    def continue_training(self) -> None:
        """Resume the stopped run of the open model, on the corpus it was trained on.

        The corpus is read again (unless it is the open one) and must give the same token
        count and vocabulary; otherwise ``failed`` says what changed.
        """
        model = self.model
        if self.busy:
            return
        problem = jobs.continue_problem(model)
        if problem is not None:
            self.failed.emit("Cannot continue training", problem)
            return
        src = model.state["corpus"]
        paths = tuple(str(p) for p in src["paths"])
        config = model.config
        c = self.corpus

        def same(info: CorpusInfo) -> bool:
            return info.scan.raw_words == src["raw_words"] and src.get("checksum") in (
                None,
                info.checksum,
            )

        if (
            c is not None
            and (c.paths, c.lowercase, c.token_pattern)
            == (paths, src["lowercase"], src["token_pattern"])
            and same(c)
        ):
            self._start_training(config, model)
            return

        def scanned(info: CorpusInfo) -> None:
            if not same(info):
                self.failed.emit(
                    "Cannot continue training",
                    (
                        f"{info.scan.source}: the corpus changed since the model was saved "
                        f"({info.scan.raw_words:,} tokens now, {src['raw_words']:,} then); "
                        f"training can only continue on the same text"
                    ),
                )
                return
            self._on_scan_finished(info)
            self._start_training(config, model)

        self._task(
            jobs.scan_corpus(paths, src["lowercase"], src["token_pattern"]),
            SCANNING,
            "reading the corpus",
            "Cannot continue training",
            scanned,
        )

    def set_paused(self, paused: bool) -> None:
        if self.state in (TRAINING, PAUSED):
            (self._pause.set if paused else self._pause.clear)()
            self._set_state(PAUSED if paused else TRAINING)

    def toggle_pause(self) -> None:
        self.set_paused(self.state == TRAINING)

    def stop(self) -> None:
        """Stop training (the vectors so far are kept) or cancel a scan."""
        if self.state in (TRAINING, PAUSED):
            self._stop.set()
            self._pause.clear()
            self._set_state(STOPPING)
            if self._starting is not None:  # not started yet: it ends as stopped runs do
                self._starting.now()
        else:
            self.cancel()

    def ask(self, **changes) -> None:
        """Change what the panels ask (``Questions`` fields); snapshots answer it."""
        self.questions = dataclasses.replace(self.questions, **changes)
        if isinstance(self._worker, TrainingWorker):
            self._worker.questions = self.questions  # one reference swap: safe across threads

    def _embeddings_changed(self) -> None:
        self.embeddings_described.emit(self.embeddings_label)
        self.embeddings_changed.emit(self.embeddings)

    def _on_training_snapshotted(self, snap: Snapshot) -> None:
        self.embeddings = snap.embeddings
        self.embeddings_label = jobs.progress_label(snap.progress)
        self.training_snapshotted.emit(snap)
        self.answered.emit(snap.embeddings, snap.answers)
        self._embeddings_changed()

    def _on_training_finished(self, outcome: TrainingOutcome) -> None:
        self.model = outcome.model
        self.embeddings = outcome.model.embeddings
        self.embeddings_label = self._model_label = jobs.progress_label(outcome.progress)
        self._ended()
        # A continued run is still the opened file's model: Save writes it back there.
        self._set_document(self.path if self._continuing else None, True)
        self.training_finished.emit(outcome)

    def _on_training_failed(self, message: str) -> None:
        self._ended()
        # The failed run's snapshots (after divergence, garbage) must not stay on show
        # as if they were the model that Save would write: back to the last real model.
        self.embeddings = self.model.embeddings if self.model is not None else None
        self.embeddings_label = self._model_label
        self._embeddings_changed()
        self.training_failed.emit(message)
        self.failed.emit("Training failed", message)

    # -- model files ---------------------------------------------------------------
    def open_model(self, path: str | os.PathLike) -> None:
        if self.busy:
            return
        path = str(path)
        self._task(
            jobs.load_model(path),
            LOADING,
            "opening the model",
            "Cannot open the model",
            lambda model: self._on_model_opened(path, model),
        )

    def _on_model_opened(self, path: str, model: NativeModel) -> None:
        self.model = model
        self.embeddings = model.embeddings
        self.embeddings_label = self._model_label = Path(path).name
        self._set_document(path, False)
        if model.config is not None:
            self.config_loaded.emit(model.config)
        self.model_opened.emit(path, model)
        self._embeddings_changed()

    def close_model(self) -> None:
        """Forget the model (asking first is the caller's job): the views go empty."""
        if not self.busy and self.model is not None:
            self.model = self.embeddings = None
            self.embeddings_label = self._model_label = ""
            self._set_document(None, False)
            self._embeddings_changed()

    def save_model(self, path: str | os.PathLike) -> None:
        """Save the model natively (vectors, context, config, training state), atomically."""
        model = self.model
        if self.busy or model is None:
            return
        path = str(path)
        self._task(
            jobs.save_model(model, path),
            SAVING,
            "saving the model",
            "Cannot save the model",
            lambda _: self._set_document(path, False),
            f"Save cancelled: {Path(path).name} was not changed.",
        )

    def export(self, path: str | os.PathLike, fmt: str) -> None:
        """Write the vectors in a word2vec format (``core.formats`` name)."""
        emb = self.model.embeddings if self.model is not None else None
        if self.busy or emb is None:
            return
        path = str(path)

        def run(progress, stop) -> None:
            save_embeddings(
                emb, path, format=fmt, progress=jobs.or_stop(progress, stop, "exporting")
            )

        self._task(
            run,
            SAVING,
            "exporting the vectors",
            "Cannot export the vectors",
            lambda _: None,
            f"Export cancelled: {Path(path).name} was not changed.",
        )

    # -- ending ----------------------------------------------------------------------
    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Stop whatever runs and wait for its thread. True if it ended in time."""
        self._stop.set()
        self._pause.clear()
        cancel_task(self._job)
        if self._starting is not None:  # a training thread not started yet never starts
            self._starting.cancel()
        ok = True
        # Every thread, not only the current worker's: one whose worker already reported
        # may still be winding down, and Python must not destroy a running QThread.
        for thread in running_threads():
            # The worker's finished→quit is queued to this (now blocked) thread: quit
            # directly. QThread.exec returns at once if quit came first.
            thread.quit()
            ok = thread.wait(timeout_ms) and ok
        self._worker = self._job = None
        return ok
