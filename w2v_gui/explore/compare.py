"""Compare two open models: which words changed, and how one word's neighbours moved.

B is aligned to A by orthogonal Procrustes on their most frequent shared words and every
shared word is scored twice: cosine distance after alignment and 1 − the share of top-k
neighbours in common (``core.compare``). The work runs in the task runner; choosing a
word then shows its neighbours side by side and a small aligned map (quick, inline).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from w2v_gui.core.compare import DEFAULT_K, DEFAULT_SHARED, Alignment, align
from w2v_gui.core.formats import atomic_write
from w2v_gui.core.provenance import comparison_note
from w2v_gui.explore.compare_word import WordComparison
from w2v_gui.jobs import or_stop
from w2v_gui.models import OpenModel, OpenModels
from w2v_gui.tasks import Task, cancel_task, run_task, stop_tasks
from w2v_gui.widgets.array_table import ArrayTableModel

RARE_NOTE = (
    "Rare words are noisy: a word seen a few times has a vector resting on a few "
    "contexts, so it moves between any two runs, even of the same text. Raise the "
    "minimum count to hide them."
)
BY_LABELS = {"cosine": "Cosine distance after alignment", "overlap": "Neighbours not in common"}


@dataclass(frozen=True, eq=False)
class Comparison:
    """What a comparison computed (in the worker): both scores of every shared word."""

    a: OpenModel
    b: OpenModel
    alignment: Alignment
    cosine: np.ndarray | None  # None when the vector sizes differ
    overlap: np.ndarray
    k: int


def compare_job(a: OpenModel, b: OpenModel, shared: int, min_count: int, k: int):
    """``fn(progress, stop)`` for the task runner."""

    def run(progress, stop) -> Comparison:
        al = align(a.embeddings, b.embeddings, shared=shared, min_count=min_count)
        cosine = al.cosine_distance() if al.rotation is not None else None
        # The neighbour searches are the long part (a minute for 100k words): progress
        # and Cancel between their blocks.
        step = or_stop(progress, stop, "comparing")
        overlap = al.overlap_change(min(k, al.anchors - 1), step)
        return Comparison(a, b, al, cosine, overlap, k)

    return run


class CompareView(QWidget):
    """Pick models A and B, rank the words that changed, look at one word."""

    compared = Signal(object)  # Comparison, once shown
    failed = Signal(str)

    def __init__(self, models: OpenModels, parent: QWidget | None = None):
        super().__init__(parent)
        self._models = models
        self._result: Comparison | None = None
        self._task: Task | None = None

        self.model_a = QComboBox(objectName="compareModelA")
        self.model_b = QComboBox(objectName="compareModelB")
        for combo in (self.model_a, self.model_b):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(16)
        self.by = QComboBox(objectName="compareBy")
        for key, label in BY_LABELS.items():
            self.by.addItem(label, key)
        self.min_count = QSpinBox(objectName="compareMinCount", minimum=0, maximum=10**9, value=20)
        self.min_count.setToolTip("Leave out words seen fewer times than this in either model.")
        self.shared = QSpinBox(
            objectName="compareShared", minimum=2, maximum=10**7, value=DEFAULT_SHARED
        )
        self.shared.setSingleStep(1000)
        self.shared.setToolTip(
            "How many of the most frequent shared words fix the alignment; neighbours are "
            "searched among them too."
        )
        self.k = QSpinBox(objectName="compareK", minimum=1, maximum=100, value=DEFAULT_K)
        self.k.setToolTip("Neighbours per word compared by the overlap score.")
        self.compare_button = QPushButton("Compare", objectName="compareButton")
        self.about = QLabel(objectName="compareAbout", wordWrap=True)
        self.about.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.table_model = ArrayTableModel(
            ["Word", "Cosine distance", "Not in common", "Count A", "Count B"],
            [None, "{:.4f}", "{:.2f}", "{:,}", "{:,}"],
            self,
        )
        self.table = QTableView(objectName="compareTable")
        self.table.setModel(self.table_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(20)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.note = QLabel(RARE_NOTE, objectName="compareRareNote", wordWrap=True)
        self.status = QLabel(objectName="compareStatus", wordWrap=True)
        self.word = QLineEdit(objectName="compareWord", clearButtonEnabled=True)
        self.word.setPlaceholderText("Any shared word…")
        self.export_button = QPushButton("Export TSV…", objectName="compareExport")
        self.copy_button = QPushButton("Copy", objectName="compareCopy")
        self.copy_button.setToolTip("Copy the selected rows (or all) for a spreadsheet.")
        self.detail = WordComparison()

        self._build_layout()
        self.model_a.currentIndexChanged.connect(self._on_choice_changed)
        self.model_b.currentIndexChanged.connect(self._on_choice_changed)
        self.by.currentIndexChanged.connect(self._on_by_changed)
        self.compare_button.clicked.connect(self.compare)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_row_changed)
        self.word.returnPressed.connect(self._on_word_entered)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.copy_button.clicked.connect(self.copy)
        models.changed.connect(self._on_models_changed)
        self._on_models_changed()

    def _build_layout(self) -> None:
        pick = QHBoxLayout()
        for text, combo in (("A:", self.model_a), ("B:", self.model_b)):
            pick.addWidget(QLabel(text))
            pick.addWidget(combo, 1)
        options = QHBoxLayout()
        form = [("Rank by", self.by), ("Min count", self.min_count)]
        form += [("Align on", self.shared), ("k", self.k)]
        for text, widget in form:
            options.addWidget(QLabel(text))
            options.addWidget(widget)
        options.addStretch(1)
        options.addWidget(self.compare_button)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.table, 1)
        lv.addWidget(self.note)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.copy_button)
        lv.addLayout(buttons)
        right = QWidget()
        rv = QFormLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addRow("Word:", self.word)
        rv.addRow(self.detail)
        split = QSplitter(Qt.Orientation.Horizontal, childrenCollapsible=False)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([500, 500])
        layout = QVBoxLayout(self)
        layout.addLayout(pick)
        layout.addLayout(options)
        layout.addWidget(self.about)
        layout.addWidget(split, 1)

    # -- models ----------------------------------------------------------------------------
    def _on_models_changed(self) -> None:
        labels = self._models.labels()
        r = self._result
        if r is not None and not (r.a in self._models.models and r.b in self._models.models):
            self._result = None  # a compared model was closed: its ranking goes too
            self.table_model.set_columns([])
            self.detail.clear()
            self.status.setText("A compared model was closed.")
        # A model just added becomes B (and A the one before, if A was it): "what did the
        # new run change?"
        kept_a = self.model_a.currentText()
        for combo in (self.model_a, self.model_b):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(labels)
            combo.blockSignals(False)
        n = len(labels)
        self.model_b.setCurrentIndex(n - 1)
        a = labels.index(kept_a) if kept_a in labels else 0
        self.model_a.setCurrentIndex(n - 2 if a == n - 1 and n >= 2 else a)
        self._on_choice_changed()

    def chosen(self) -> tuple[OpenModel | None, OpenModel | None]:
        return self._models.find(self.model_a.currentText()), self._models.find(
            self.model_b.currentText()
        )

    def set_models(self, a: str, b: str) -> None:
        """Choose A and B by label."""
        self.model_a.setCurrentText(a)
        self.model_b.setCurrentText(b)

    def _on_choice_changed(self, *_args) -> None:
        a, b = self.chosen()
        self.compare_button.setEnabled(a is not None and b is not None and self._task is None)
        if a is None or b is None:
            self.about.setText(
                "Open or train two models to compare them (File ▸ Open model, or train "
                "again: every model stays open until you quit)."
            )
        else:
            self.about.setText(comparison_note(a.info, b.info).replace("\n", "<br>"))

    # -- comparing ---------------------------------------------------------------------------
    def compare(self) -> None:
        a, b = self.chosen()
        if a is None or b is None or self._task is not None:
            return
        self.status.setText("Comparing…")
        self.compare_button.setEnabled(False)
        self._task = run_task(
            self,
            compare_job(a, b, self.shared.value(), self.min_count.value(), self.k.value()),
            self._on_compared,
            self._on_failed,
            "comparing two models",
            self._on_progressed,
            cancelled=self._on_cancelled,
        )

    def _on_progressed(self, done: int, total: int) -> None:
        self.status.setText(f"Comparing… neighbours {done / max(total, 1):.0%}")

    def _on_cancelled(self) -> None:
        self._task = None
        self.status.setText("Comparison cancelled.")
        self._on_choice_changed()

    def _on_failed(self, message: str) -> None:
        self._task = None
        self.status.setText(message)
        self._on_choice_changed()
        self.failed.emit(message)

    def _on_compared(self, result: Comparison) -> None:
        self._task = None
        self._result = result
        al = result.alignment
        rows_a, rows_b = al.shared.rows_a, al.shared.rows_b
        nan = np.full(len(al.words), np.nan)
        self.table_model.set_columns(
            [
                al.words,
                result.cosine if result.cosine is not None else nan,
                result.overlap,
                result.a.embeddings.counts[rows_a],
                result.b.embeddings.counts[rows_b],
            ],
            self._order(),
        )
        self.status.setText(
            f"{len(al.words):,} shared words, aligned on the {al.anchors:,} most frequent."
        )
        self._on_choice_changed()
        if len(al.words):
            self.table.selectRow(0)
        self.compared.emit(result)

    def _order(self) -> np.ndarray:
        r = self._result
        scores = r.overlap if self.by.currentData() == "overlap" or r.cosine is None else r.cosine
        return np.argsort(-scores, kind="stable")

    def _on_by_changed(self, *_args) -> None:
        if self._result is not None:
            self.table_model.set_order(self._order())
            self.table.selectRow(0)

    def ranked_words(self, n: int | None = None) -> list[str]:
        """The words of the ranking, most changed first."""
        rows = self.table_model.rowCount() if n is None else min(n, self.table_model.rowCount())
        return [self.table_model.cell(r, 0) for r in range(rows)]

    # -- one word --------------------------------------------------------------------------
    def _on_table_row_changed(self, current, _previous) -> None:
        if self._result is not None and current.isValid():
            self.show_word(self.table_model.cell(current.row(), 0))

    def _on_word_entered(self) -> None:
        if self._result is not None and self.word.text().strip():
            self.show_word(self.word.text().strip())

    def show_word(self, word: str) -> None:
        if self._result is not None:
            self.word.setText(word)
            self.detail.show_word(self._result.alignment, word)

    # -- export ------------------------------------------------------------------------------
    def tsv(self, selected_only: bool = False) -> str:
        rows = None
        if selected_only:
            picked = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
            rows = picked or None
        return self.table_model.to_tsv(rows)

    def copy(self) -> None:
        QApplication.clipboard().setText(self.tsv(selected_only=True))

    def export(self, path: str) -> None:
        with atomic_write(path, "w") as f:
            f.write(self.tsv())

    def _on_export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export the ranking", "changes.tsv", "Tab-separated values (*.tsv)"
        )
        if path:
            try:
                self.export(path)
            except OSError as exc:
                self.status.setText(f"Cannot write {path}: {exc.strerror}")

    def shutdown(self) -> None:
        cancel_task(self._task)
        stop_tasks(self)
