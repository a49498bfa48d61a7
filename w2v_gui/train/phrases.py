"""Detect phrases: the form's phrase settings and a preview of the phrases they form.

The preview is :func:`w2v_gui.core.phrases.detect_for` on the open corpus's scan with the
form's settings — the very call training makes — run by the task runner off the GUI
thread (a pass over 5 million tokens takes about a second, over 100 million half a
minute), with progress and Cancel. Settings changed while it runs cancel it and start
anew once it has stopped: the newest settings win and one pass runs at a time.
The phrased vocabulary it finds feeds the form's estimate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from w2v_gui.core import phrases
from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.phrase_pass import Phrase
from w2v_gui.core.vocab import Scan
from w2v_gui.tasks import Task, run_task
from w2v_gui.widgets.array_table import ArrayTableModel

HEADERS = ("phrase", "count", "score")
FORMATS = (None, "{:,}", "{:.4g}")


def settings_of(config: TrainingConfig) -> tuple:
    """The settings a preview depends on."""
    return (
        config.phrases,
        config.phrase_min_count,
        config.phrase_threshold,
        config.phrase_scoring,
        config.phrase_connectors,
    )


@dataclass(frozen=True, eq=False)
class Preview:
    """What phrase detection found, without the phrased text itself (4 bytes a token)."""

    settings: tuple
    phrases: tuple[Phrase, ...]  # most often joined first
    columns: tuple  # phrase texts, counts, scores: highest count first, for the table
    words_before: int
    words_after: int
    counts: np.ndarray  # of every token of the phrased text, line breaks as 0

    @property
    def joins(self) -> int:
        return sum(p.formed for p in self.phrases)

    def vocab_size(self, min_count: int, max_vocab_size: int | None = None) -> int:
        """Words the phrased text keeps at ``min_count`` (as ``Scan.vocab_size``)."""
        n = int(np.count_nonzero(self.counts >= min_count))
        return n if max_vocab_size is None else min(n, max_vocab_size)


def make_preview(scan: Scan, config: TrainingConfig, progress=None, stop=None) -> Preview:
    """Detect ``config``'s phrases in ``scan`` (slow on a big corpus: run in a worker)."""
    result = phrases.detect_for(scan, config, progress, stop)
    counts = result.scan.counts.copy()
    if result.scan.newline_id >= 0:
        counts[result.scan.newline_id] = 0
    shown = by_count(result.phrases)
    columns = (
        tuple(p.text for p in shown),
        np.array([p.count for p in shown], dtype=np.int64),
        np.array([p.score for p in shown], dtype=np.float64),
    )
    return Preview(
        settings_of(config), result.phrases, columns, scan.raw_words, result.scan.raw_words, counts
    )


def by_count(found: tuple[Phrase, ...]) -> list[Phrase]:
    """The phrases of highest count first (ties: most often joined first, as found).

    A NumPy sort: it lets go of the interpreter lock, which ``sorted`` would hold for the
    whole sort (~80 ms on the demo corpus's 30,000 phrases: a stall of the window).
    """
    counts = np.fromiter((p.count for p in found), dtype=np.int64, count=len(found))
    return [found[i] for i in np.argsort(-counts, kind="stable").tolist()]


class PhrasesSection(QWidget):
    """The "Detect phrases" option; checked, it shows the settings and the preview.

    ``switched(on)``: the person ticked or cleared the option (the form sets the passes).
    ``previewed``: :attr:`preview` changed (a new preview, or none for these settings).
    """

    switched = Signal(bool)
    previewed = Signal()

    def __init__(self, settings_form: QFormLayout, parent: QWidget | None = None):
        super().__init__(parent)
        self.preview: Preview | None = None
        self._scan: Scan | None = None
        self._config: TrainingConfig | None = None
        self._wanted: tuple | None = None  # the settings the shown/coming preview is for
        self._seq = 0  # number of the newest request
        self._task: Task | None = None
        self._restart = False  # start the newest request once the running task stopped

        self.check = QCheckBox("Detect phrases (new york → new_york)", objectName="detectPhrases")
        self.check.setToolTip(
            "Join frequent word pairs into one token before training (gensim's Phrases, "
            "word2vec.c's word2phrase). The table shows what these settings join in your "
            "corpus."
        )
        self.check.toggled.connect(self._on_check_toggled)
        self.status = QLabel(objectName="phrasesStatus", wordWrap=True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar(objectName="phrasesProgress", textVisible=False)
        self.cancel_button = QPushButton("Cancel", objectName="phrasesCancel")
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.copy_button = QPushButton("Copy", objectName="phrasesCopy")
        self.copy_button.setToolTip("Copy the table as tab-separated text (Ctrl+C in it too).")
        self.copy_button.clicked.connect(self.copy)
        # A model over arrays: the 30,000 phrases of the demo corpus cost nothing until
        # shown (a QTableWidget of their 500 first took 115–230 ms of the GUI thread).
        self.model = ArrayTableModel(HEADERS, FORMATS, self)
        self.table = QTableView(objectName="phrasesTable")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(20)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, 64)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(1, Qt.SortOrder.DescendingOrder)
        header.sortIndicatorChanged.connect(self._on_sort_changed)
        self.table.setMinimumHeight(140)
        self.table.setMaximumHeight(200)
        copy = QAction("Copy", self.table, shortcut=QKeySequence.StandardKey.Copy)
        copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy.triggered.connect(self.copy)
        self.table.addAction(copy)

        running = QHBoxLayout()
        running.setContentsMargins(0, 0, 0, 0)
        running.addWidget(self.progress, 1)
        running.addWidget(self.cancel_button)
        self._running_row = QWidget()
        self._running_row.setLayout(running)
        self._running_row.setVisible(False)
        copy_row = QHBoxLayout()
        copy_row.addWidget(self.copy_button)
        copy_row.addStretch(1)

        self.body = QWidget(objectName="phrasesBody")
        body = QVBoxLayout(self.body)
        body.setContentsMargins(16, 0, 0, 0)
        settings_form.setContentsMargins(0, 0, 0, 0)
        body.addLayout(settings_form)
        body.addWidget(self._running_row)
        body.addWidget(self.status)
        body.addWidget(self.table)
        body.addLayout(copy_row)
        self.body.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.body)
        self._show(None)

    # -- what the form calls --------------------------------------------------------------
    def set_scan(self, scan: Scan | None) -> None:
        """The open corpus's scan (None: no corpus). A new one is previewed anew."""
        if scan is not self._scan:
            self._scan = scan
            self._wanted = None
            self._request()

    def set_config(self, config: TrainingConfig) -> None:
        """The form's (valid) settings: the option follows ``config.phrases``."""
        self._config = config
        on = config.phrases > 0
        self.check.blockSignals(True)
        self.check.setChecked(on)
        self.check.blockSignals(False)
        self.body.setVisible(on)
        self._request()

    def current(self, config: TrainingConfig) -> Preview | None:
        """The preview of ``config``'s phrases in the open corpus, once it is there."""
        p = self.preview
        ok = p is not None and config.phrases > 0 and p.settings == settings_of(config)
        return p if ok else None

    @property
    def busy(self) -> bool:
        return self._task is not None

    def rows(self) -> list[tuple[str, ...]]:
        """The table as shown, in its current order."""
        m = self.model
        return [tuple(m.cell(r, c) for c in range(len(HEADERS))) for r in range(m.rowCount())]

    def copy(self) -> None:
        """Put the table (as sorted) on the clipboard as tab-separated text."""
        QGuiApplication.clipboard().setText(self.model.to_tsv())

    # -- running the preview --------------------------------------------------------------
    def _request(self) -> None:
        config, scan = self._config, self._scan
        wanted = settings_of(config) if config is not None and config.phrases > 0 else None
        if scan is None:
            wanted = None
        if wanted == self._wanted:
            return
        self._wanted = wanted
        self._seq += 1
        if wanted is None:
            if self._task is not None:
                self._task.cancel()
            self._restart = False
            self.preview = None
            self._show(None)
            self.previewed.emit()
            return
        if self._task is not None:
            self._task.cancel()  # it stops at its next stage; then the newest starts
            self._restart = True
        else:
            self._start()

    def _start(self) -> None:
        seq, scan, config = self._seq, self._scan, self._config
        self._task = run_task(
            self,
            lambda progress, stop: make_preview(scan, config, progress, stop),
            lambda result: self._on_task_done(seq, result),
            lambda message: self._on_task_failed(seq, message),
            "detecting phrases",
            lambda done, total: self._on_task_progressed(seq, done, total),
            cancelled=self._on_task_ended,
            late_results=True,  # a result overtaken by newer settings is sorted out by seq
        )
        self.progress.setRange(0, 0)
        self._running_row.setVisible(True)
        self.status.setText(f"Detecting phrases in {scan.raw_words:,} words…")

    def _on_task_ended(self) -> None:
        self._task = None
        if self._restart:
            self._restart = False
            self._start()
        else:
            self._running_row.setVisible(False)

    def _on_task_done(self, seq: int, result: Preview) -> None:
        self._on_task_ended()
        if seq == self._seq:
            self.preview = result
            self._show(result)
            self.previewed.emit()

    def _on_task_failed(self, seq: int, message: str) -> None:
        self._on_task_ended()
        if seq == self._seq:
            self.preview = None
            self._show(None)
            self.status.setText(f"Could not detect phrases: {message}")
            self.previewed.emit()

    def _on_task_progressed(self, seq: int, done: int, total: int) -> None:
        if seq == self._seq:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _on_cancel_clicked(self) -> None:
        if self._task is not None:
            self._seq += 1  # what it still sends is dropped
            self._restart = False
            self._task.cancel()
            self.preview = None
            self._show(None)
            self.previewed.emit()
            self.status.setText(
                "Preview cancelled. Training still detects phrases with these settings; "
                "change one to preview again."
            )

    def _on_check_toggled(self, on: bool) -> None:
        self.body.setVisible(on)
        self.switched.emit(on)

    # -- drawing --------------------------------------------------------------------------
    def _on_sort_changed(self, column: int, order: Qt.SortOrder) -> None:
        p = self.preview
        if p is None:
            return
        values = p.columns[column]
        down = order == Qt.SortOrder.DescendingOrder
        if column == 0:  # ties keep the count order (stable sorts)
            rows = sorted(range(len(values)), key=values.__getitem__, reverse=down)
        else:
            rows = np.argsort(-values if down else values, kind="stable")
        self.model.set_order(np.asarray(rows, dtype=np.int64))

    def _show(self, preview: Preview | None) -> None:
        if preview is None:
            self.model.set_columns([(), np.zeros(0, np.int64), np.zeros(0)])
        else:
            self.model.set_columns(list(preview.columns))
            header = self.table.horizontalHeader()
            self._on_sort_changed(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.copy_button.setEnabled(self.model.rowCount() > 0)
        if preview is None:
            self.status.setText("" if self._scan is not None else "Open a corpus to preview.")
            return
        n = len(preview.phrases)
        self.status.setText(
            f"<b>{n:,}</b> phrase{'s' if n != 1 else ''} formed, joined {preview.joins:,} "
            f"times ({preview.words_before:,} → {preview.words_after:,} words)."
            if n
            else "No pair scores above the threshold: training will join nothing."
        )
