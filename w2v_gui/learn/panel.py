"""Learn: "The Illustrated Word2Vec" told in six steps, with the numbers of your corpus.

A stepper (step list, Back / Next) over six pages, one module each (``vectors``,
``word_vectors``, ``window``, ``negatives``, ``training``, ``hyperparameters``). Every
number comes from core — :mod:`core.walkthrough` for the window table, the negatives, one
pair's SGD step and the toy slice; the real :class:`~w2v_gui.core.sgns.Trainer` for quick
models; :class:`~w2v_gui.core.vectors.Embeddings` for similarities. Anything slower than a
few milliseconds (cutting a vocabulary, training) runs in a worker thread.

The corpus is the session's (the window hands it over with :meth:`LearnPanel.set_corpus`);
until there is one, the panel says to open one on the Train tab.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.vectors import Embeddings
from w2v_gui.core.vocab import Scan
from w2v_gui.learn.hyperparameters import HyperStep
from w2v_gui.learn.negatives import NegativesStep
from w2v_gui.learn.page import Page
from w2v_gui.learn.story import LearnData, Story, prepare
from w2v_gui.learn.training import TrainingStep
from w2v_gui.learn.vectors import VectorsStep
from w2v_gui.learn.window import WindowStep
from w2v_gui.learn.word_vectors import WordVectorsStep
from w2v_gui.tasks import cancel_task, run_task, stop_tasks

STEPS = (VectorsStep, WordVectorsStep, WindowStep, NegativesStep, TrainingStep, HyperStep)


class LearnPanel(QWidget):
    """The walk-through. Feed it the app's corpus, settings and vectors; it does the rest.

    ``data_changed`` fires when a corpus has been prepared for the steps (or failed).
    """

    data_changed = Signal()

    def __init__(self, config: TrainingConfig | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.story = Story(config or TrainingConfig())
        self.steps: list[Page] = [cls(self.story) for cls in STEPS]
        self.step_list = QListWidget(objectName="learnSteps")
        self.step_list.setFixedWidth(170)
        self.step_list.setSpacing(3)
        self.step_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget(objectName="learnStack")
        for page in self.steps:
            self.step_list.addItem(page.short)
            self.stack.addWidget(page)
            page.show_mode(self.story.config)
        self.step_list.currentRowChanged.connect(self._on_step_list_changed)
        self.corpus_label = QLabel(objectName="learnCorpus")
        self.corpus_label.setStyleSheet("color:#555555")
        self.back_button = QPushButton("◂ Back", objectName="learnBack")
        self.next_button = QPushButton("Next ▸", objectName="learnNext")
        self.back_button.clicked.connect(lambda: self.go_to(self.current - 1))
        self.next_button.clicked.connect(lambda: self.go_to(self.current + 1))

        nav = QHBoxLayout()
        nav.addWidget(self.corpus_label, 1)
        nav.addWidget(self.back_button)
        nav.addWidget(self.next_button)
        right = QVBoxLayout()
        right.addWidget(self.stack, 1)
        right.addLayout(nav)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.step_list)
        layout.addLayout(right, 1)

        self._pending: tuple[str, Scan] | None = None
        self._task = None
        self.step_list.setCurrentRow(0)
        self._set_corpus_label()

    # -- what the window calls ---------------------------------------------------------
    @property
    def current(self) -> int:
        return self.stack.currentIndex()

    def go_to(self, index: int) -> None:
        if 0 <= index < len(self.steps):
            self.step_list.setCurrentRow(index)

    def set_corpus(self, name: str, scan_: Scan, config: TrainingConfig | None = None) -> None:
        """Walk through ``scan_`` (a scanned corpus) from now on.

        Its vocabulary is cut in a worker the next time the panel is visible (at once if
        it is): a corpus opened only to train costs nothing here.
        """
        if config is not None:
            self.story.config = config
            for page in self.steps:
                page.show_mode(config)
        self._pending = (name, scan_)
        if self.isVisible():
            self._start_pending()

    def set_config(self, config: TrainingConfig) -> None:
        """New settings: re-cut the vocabulary if its settings changed."""
        old, self.story.config = self.story.config, config
        if (old.sg, old.cbow_mean) != (config.sg, config.cbow_mean):
            for page in self.steps:
                page.show_mode(config)
        data = self.story.data
        if (
            data is not None
            and self._pending is None
            and (old.min_count, old.max_vocab_size) != (config.min_count, config.max_vocab_size)
        ):
            self.set_corpus(data.name, data.scan)

    def set_embeddings(self, emb: Embeddings | None) -> None:
        """The app's current vectors (a snapshot during training, or the model)."""
        self.story.embeddings = emb
        if self.current == 1:
            self.steps[1].refresh()

    def shutdown(self) -> None:
        """Stop background work and wait for it (the window calls this when closing)."""
        for page in self.steps:
            page.hidden()
        stop_tasks(self)

    @property
    def busy(self) -> bool:
        return self._task is not None

    # -- preparing a corpus --------------------------------------------------------------
    def _start_pending(self) -> None:
        name, scan_ = self._pending
        self._pending = None
        self._start_prepare(name, lambda progress, stop: scan_)

    def _start_prepare(self, name: str, get_scan) -> None:
        cancel_task(self._task)
        config = self.story.config

        def run(progress, stop) -> LearnData:
            return prepare(name, get_scan(progress, stop), config)

        self._task = run_task(
            self, run, self._on_prepared, self._on_prepare_failed, "preparing the walk-through"
        )
        self.corpus_label.setText(f"Reading {html.escape(name)}…")

    def _on_prepared(self, data: LearnData) -> None:
        self._task = None
        self.story.set_data(data)
        self._set_corpus_label()
        self._refresh_current()
        self.data_changed.emit()

    def _on_prepare_failed(self, message: str) -> None:
        self._task = None
        self.corpus_label.setText(f"Cannot use the corpus: {html.escape(message)}")
        self.data_changed.emit()

    def _set_corpus_label(self) -> None:
        d = self.story.data
        if d is None:
            self.corpus_label.setText("No corpus: open one on the Train tab.")
        else:
            self.corpus_label.setText(
                f"Corpus: {html.escape(d.name)} · {len(d.vocab):,} words in the vocabulary "
                f"(min_count {d.config.min_count}) · {len(d.stream.ids):,} tokens"
            )

    # -- navigation ----------------------------------------------------------------------
    def _on_step_list_changed(self, row: int) -> None:
        if row < 0:
            return
        old = self.current
        if old != row:
            self.steps[old].hidden()
        self.stack.setCurrentIndex(row)
        self.back_button.setEnabled(row > 0)
        self.next_button.setEnabled(row < len(self.steps) - 1)
        self._refresh_current()

    def _refresh_current(self) -> None:
        self.steps[self.current].refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._pending is not None:
            self._start_pending()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_PageDown:
            self.go_to(self.current + 1)
        elif event.key() == Qt.Key.Key_PageUp:
            self.go_to(self.current - 1)
        else:
            super().keyPressEvent(event)
