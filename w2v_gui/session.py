"""What is open and what is running: the corpus, the model, the workers.

The main window lays out and wires; the panels show; this object holds the state they
share and starts core's long operations in workers (corpus scans, training, model files).
It has no widgets, so it reports through signals, and every error arrives as
``failed(title, message)`` for the window to show. Not in DESIGN.md's list: it keeps
``main_window.py`` to wiring, where a god window would otherwise grow (MNELAB's lesson).
"""

from __future__ import annotations

import dataclasses
import os
import threading
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.corpus import Corpus
from w2v_gui.core.errors import Cancelled
from w2v_gui.core.formats import NATIVE, detect_format, load_embeddings, native, save_embeddings
from w2v_gui.core.formats.native import NativeModel
from w2v_gui.core.vectors import Embeddings
from w2v_gui.core.vocab import Scan, scan
from w2v_gui.queries import Questions
from w2v_gui.text import format_count
from w2v_gui.worker import (
    Snapshot,
    TaskWorker,
    TrainingOutcome,
    TrainingWorker,
    collect_on_gui_thread,
    running_threads,
    start_in_thread,
)

# Tokenizing and counting a chunk holds the interpreter lock throughout (re.findall, a
# dict lookup per token in C); at core's 4 MB default that froze the window ~300 ms per
# chunk. 256 kB chunks keep each hold near 20 ms and cost nothing measurable.
SCAN_CHUNK_BYTES = 1 << 18

IDLE, SCANNING, LOADING, SAVING, TRAINING, PAUSED, STOPPING = (
    "idle",
    "scanning",
    "loading",
    "saving",
    "training",
    "paused",
    "stopping",
)


@dataclass(frozen=True)
class CorpusInfo:
    """A scanned corpus: what the corpus panel shows and what training starts from."""

    paths: tuple[str, ...]
    files: tuple[str, ...]
    total_bytes: int
    preview: str
    lowercase: bool
    token_pattern: str
    scan: Scan  # handed over by the scan worker; only read from here on
    checksum: int | None = None  # of the tokens: "is it still the same text?"

    @property
    def name(self) -> str:
        more = len(self.paths) - 1
        return Path(self.paths[0]).name + (f" (+{more})" if more else "")


def _scan_corpus(paths: tuple[str, ...], lowercase: bool, token_pattern: str):
    def run(progress, stop) -> CorpusInfo:
        corpus = Corpus(
            paths, lowercase=lowercase, token_pattern=token_pattern, chunk_bytes=SCAN_CHUNK_BYTES
        )
        preview = corpus.preview(1500)
        result = scan(corpus, progress=progress, stop=stop)
        return CorpusInfo(
            paths,
            tuple(map(str, corpus.files)),
            corpus.total_bytes,
            preview,
            lowercase,
            token_pattern,
            result,
            _checksum(result),
        )

    return run


def _checksum(result: Scan) -> int:
    """CRC-32 of the text as ids and of the words the ids stand for (a renamed word keeps
    its id, so the ids alone would not see it)."""
    crc = zlib.crc32(result.ids)
    return zlib.crc32("\n".join(result.words).encode("utf-8", "surrogatepass"), crc)


def _or_stop(
    progress: Callable[[int, int], None], stop: threading.Event, what: str
) -> Callable[[int, int], None]:
    """``progress`` for core's loaders and savers, raising Cancelled once ``stop`` is set
    (they let it through and stop; a save then leaves the old file)."""

    def progress_or_stop(done: int, total: int) -> None:
        if stop.is_set():
            raise Cancelled(f"{what} was cancelled")
        progress(done, total)

    return progress_or_stop


def _load_model(path: str):
    def run(progress, stop) -> NativeModel:
        progress_or_stop = _or_stop(progress, stop, "opening the model")
        if detect_format(path) == NATIVE:
            model = native.load(path, progress=progress_or_stop)
        else:
            model = NativeModel(load_embeddings(path, progress=progress_or_stop))
        # Normalised here, or the first query would do it on the GUI thread (1.8 s for a
        # million words × 100).
        model.embeddings.unit  # noqa: B018
        return model

    return run


def continue_problem(model: NativeModel | None) -> str | None:
    """Why ``model`` cannot be continued, or None if it can."""
    if model is None:
        return "no model is open"
    state = model.state
    corpus = state.get("corpus")
    if model.context is None or model.config is None or not isinstance(corpus, dict):
        return (
            "this model holds no training state to continue (only a stopped run "
            "saved by w2v-gui as .npz can be continued)"
        )
    if state.get("finished", True):
        return "this model's training already finished"
    if not (
        isinstance(corpus.get("paths"), list)
        and corpus["paths"]
        and all(isinstance(p, str) for p in corpus["paths"])
        and isinstance(corpus.get("raw_words"), int)
        and isinstance(corpus.get("lowercase"), bool)
        and isinstance(corpus.get("token_pattern"), str)
    ):
        return "this model's record of its corpus is damaged"
    return None


def progress_label(p) -> str:
    """What the vectors of a run at ``p`` (a TrainingProgress) are, for people:
    'training · epoch 2/5 · 1.2M words' (raw corpus words trained on so far)."""
    if p.done and not p.stopped:
        return f"trained · {p.epochs} epochs · {format_count(p.words_done)} words"
    state = "stopped" if p.done else "training"
    return f"{state} · epoch {p.epoch}/{p.epochs} · {format_count(p.words_done)} words"


class Session(QObject):
    """The open corpus and model, and the worker (if any) working on them."""

    state_changed = Signal(str)
    scan_progressed = Signal(object)  # (bytes done, bytes total)
    corpus_loaded = Signal(object)  # CorpusInfo
    embeddings_changed = Signal(object, object)  # Embeddings to explore, Answers or None
    config_loaded = Signal(object)  # TrainingConfig read from a model file
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
        self._worker: QObject | None = None
        self._task_done: Callable[[Any], None] = lambda result: None
        self._task_title = ""
        self._task_cancelled = ""
        self._continuing = False

    # -- state ---------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.state != IDLE

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def _set_document(self, path: str | None, dirty: bool) -> None:
        self.path, self.dirty = path, dirty
        self.document_changed.emit()

    def _start(self, worker: QObject, state: str, name: str) -> None:
        self._worker = worker
        start_in_thread(worker, name)
        self._set_state(state)

    def _new_events(self) -> None:
        # Fresh events per run: a worker still winding down keeps seeing its own stop.
        self._stop, self._pause = threading.Event(), threading.Event()

    def _ended(self) -> None:
        self._worker = None
        self._set_state(IDLE)

    def _task(
        self,
        fn: Callable,
        state: str,
        doing: str,
        title: str,
        on_done: Callable[[Any], None],
        cancelled: str = "",
    ) -> None:
        self._new_events()
        worker = TaskWorker(fn, self._stop, doing)
        self._task_done, self._task_title = on_done, title
        self._task_cancelled = cancelled
        # Bound methods of this QObject, not lambdas: Qt then queues the calls to the
        # GUI thread, where this object lives.
        worker.progressed.connect(self.scan_progressed)
        worker.finished.connect(self._on_task_finished)
        worker.failed.connect(self._on_task_failed)
        worker.cancelled.connect(self._on_task_cancelled)
        self._start(worker, state, doing)

    def _on_task_finished(self, result: Any) -> None:
        self._ended()
        self._task_done(result)

    def _on_task_failed(self, message: str) -> None:
        self._ended()
        self.failed.emit(self._task_title, message)

    def _on_task_cancelled(self) -> None:
        self._ended()
        if self._task_cancelled:
            self.task_cancelled.emit(self._task_cancelled)

    # -- corpus --------------------------------------------------------------------
    def open_corpus(self, paths: Sequence[str | os.PathLike], config: TrainingConfig) -> None:
        """Scan ``paths`` in a worker; ``corpus_loaded`` or ``failed`` follows."""
        if self.busy:
            return
        paths = tuple(str(p) for p in paths)
        self._task(
            _scan_corpus(paths, config.lowercase, config.token_pattern),
            SCANNING,
            "reading the corpus",
            "Cannot read the corpus",
            self._on_scan_finished,
        )

    def _on_scan_finished(self, info: CorpusInfo) -> None:
        self.corpus = info
        self.corpus_loaded.emit(info)

    def cancel(self) -> None:
        """Cancel a running scan, model load or save (training has its own stop)."""
        if self.state in (SCANNING, LOADING, SAVING):
            self._stop.set()

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
            _scan_corpus(c.paths, config.lowercase, config.token_pattern),
            SCANNING,
            "reading the corpus",
            "Cannot read the corpus",
            scanned,
        )

    def _start_training(self, config: TrainingConfig, resume: NativeModel | None) -> None:
        self._new_events()
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
        worker.progressed.connect(self._on_training_progressed)
        worker.snapshotted.connect(self._on_training_snapshotted)
        worker.finished.connect(self._on_training_finished)
        worker.failed.connect(self._on_training_failed)
        worker.cancelled.connect(self._on_training_cancelled)
        self._start(worker, TRAINING, "training")
        if resume is not None:
            # The run's own settings, whatever the form shows. Only now that the session
            # is busy: the form's change must not start a re-read of the open corpus.
            self.config_loaded.emit(config)
        self.training_started.emit(config)

    @property
    def can_continue(self) -> bool:
        """The model is a stopped run of this program that "Continue training" can resume."""
        return continue_problem(self.model) is None

    def continue_training(self) -> None:
        """Resume the stopped run of the open model, on the corpus it was trained on.

        The corpus is read again (unless it is the open one) and must give the same token
        count and vocabulary; otherwise ``failed`` says what changed.
        """
        model = self.model
        if self.busy:
            return
        problem = continue_problem(model)
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
            _scan_corpus(paths, src["lowercase"], src["token_pattern"]),
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
        else:
            self.cancel()

    def ask(self, **changes) -> None:
        """Change what the panels ask (``Questions`` fields); snapshots answer it."""
        self.questions = dataclasses.replace(self.questions, **changes)
        if isinstance(self._worker, TrainingWorker):
            self._worker.questions = self.questions  # one reference swap: safe across threads

    def _on_training_progressed(self, progress) -> None:
        self.training_progressed.emit(progress)

    def _on_training_snapshotted(self, snap: Snapshot) -> None:
        self.embeddings = snap.embeddings
        self.embeddings_label = progress_label(snap.progress)
        self.training_snapshotted.emit(snap)
        self.embeddings_changed.emit(snap.embeddings, snap.answers)

    def _on_training_finished(self, outcome: TrainingOutcome) -> None:
        self.model = outcome.model
        self.embeddings = outcome.model.embeddings
        self.embeddings_label = self._model_label = progress_label(outcome.progress)
        self._ended()
        # A continued run is still the opened file's model: Save writes it back there.
        self._set_document(self.path if self._continuing else None, True)
        self.training_finished.emit(outcome)

    def _on_training_cancelled(self) -> None:
        self._ended()
        self.training_cancelled.emit()

    def _on_training_failed(self, message: str) -> None:
        self._ended()
        # The failed run's snapshots (after divergence, garbage) must not stay on show
        # as if they were the model that Save would write: back to the last real model.
        self.embeddings = self.model.embeddings if self.model is not None else None
        self.embeddings_label = self._model_label
        self.embeddings_changed.emit(self.embeddings, None)
        self.training_failed.emit(message)
        self.failed.emit("Training failed", message)

    # -- model files ---------------------------------------------------------------
    def open_model(self, path: str | os.PathLike) -> None:
        if self.busy:
            return
        path = str(path)
        self._task(
            _load_model(path),
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
        self.embeddings_changed.emit(model.embeddings, None)

    def save_model(self, path: str | os.PathLike) -> None:
        """Save the model natively (vectors, context, config, training state), atomically."""
        model = self.model
        if self.busy or model is None:
            return
        path = str(path)

        def run(progress, stop) -> None:
            native.save(
                path,
                model.embeddings,
                context=model.context,
                config=model.config,
                state=model.state,
                progress=_or_stop(progress, stop, "saving"),
            )

        self._task(
            run,
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
            save_embeddings(emb, path, format=fmt, progress=_or_stop(progress, stop, "exporting"))

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
        ok = True
        # Every thread, not only the current worker's: one whose worker already reported
        # may still be winding down, and Python must not destroy a running QThread.
        for thread in running_threads():
            # The worker's finished→quit is queued to this (now blocked) thread: quit
            # directly. QThread.exec returns at once if quit came first.
            thread.quit()
            ok = thread.wait(timeout_ms) and ok
        self._worker = None
        return ok
