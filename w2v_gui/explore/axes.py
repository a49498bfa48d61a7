"""Words on axes made from word pairs: the extremes of one axis, a map on two.

An axis is the mean (or first principal direction) of the pairs' differences, e.g.
he − she, king − queen; a word's score is its cosine with the axis (``core.axes``), so
scores on two axes are comparable and make a 2-D map, as in Parallax and whatlies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from w2v_gui.core import axes
from w2v_gui.core.errors import UnknownWordError
from w2v_gui.explore.map_pointer import point_under
from w2v_gui.models import OpenModel, OpenModels
from w2v_gui.tasks import Task, cancel_task, run_task, stop_tasks

TOPN = 15
HOVER_TOPN = 6
MAX_LABELS = 60


def parse_pairs(text: str) -> list[tuple[str, str]]:
    """'he she, king queen' -> [("he", "she"), ("king", "queen")]; ValueError if a
    pair has not exactly two words."""
    pairs = []
    for chunk in re.split(r"[,;]", text):
        words = chunk.split()
        if not words:
            continue
        if len(words) != 2:
            raise ValueError(f"“{chunk.strip()}” is not a pair: write two words, e.g. “he she”")
        pairs.append((words[0], words[1]))
    return pairs


@dataclass(frozen=True, eq=False)
class AxesResult:
    model: OpenModel
    x_pairs: list[tuple[str, str]]
    y_pairs: list[tuple[str, str]]
    positive: list[tuple[str, float]]
    negative: list[tuple[str, float]]
    words: tuple[str, ...]  # on the map
    xy: np.ndarray  # (n, 2)
    y_label: str


def axes_job(model: OpenModel, x_pairs, y_pairs, method: str, count: int):
    def run(progress, stop) -> AxesResult:
        emb = model.embeddings
        x = axes.axis(emb, x_pairs, method)
        exclude = [w for p in x_pairs for w in p]
        pos, neg = axes.extremes(emb, x, TOPN, exclude=exclude)
        n = min(count, len(emb))
        words = emb.words[:n]
        rows = np.arange(n)
        xs = axes.scores(emb, x, rows)
        if y_pairs:
            ys = axes.scores(emb, axes.axis(emb, y_pairs, method), rows)
            y_label = " · ".join(f"{a}−{b}" for a, b in y_pairs)
        else:
            ys = np.log10(rows + 1.0)
            y_label = "frequency rank (log10)"
        return AxesResult(
            model, x_pairs, y_pairs, pos, neg, words, np.column_stack([xs, ys]), y_label
        )

    return run


def _table(name: str, title: str) -> QTableWidget:
    t = QTableWidget(0, 2, objectName=name)
    t.setHorizontalHeaderLabels([title, "Cosine"])
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.verticalHeader().setVisible(False)
    t.verticalHeader().setDefaultSectionSize(20)
    t.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    t.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
    return t


class AxesView(QWidget):
    """Pairs in, words out: the ranked ends of the X axis and a map on X and Y."""

    placed = Signal(object)  # AxesResult, once shown

    def __init__(self, models: OpenModels, parent: QWidget | None = None):
        super().__init__(parent)
        self._models = models
        self._result: AxesResult | None = None
        self._task: Task | None = None
        self._hovered: int | None = None
        self.hover_text = ""
        self.model = QComboBox(objectName="axesModel")
        self.model.setMinimumContentsLength(16)
        self.about = QLabel(objectName="axesAbout", wordWrap=True)
        self.x_pairs = QLineEdit("he she, man woman, king queen", objectName="axesXPairs")
        self.y_pairs = QLineEdit("king man, queen woman", objectName="axesYPairs")
        self.y_pairs.setPlaceholderText("optional: without, the map's height is frequency")
        for edit in (self.x_pairs, self.y_pairs):
            edit.setToolTip(
                "Word pairs, comma separated: “he she, king queen”. The axis runs "
                "from each pair's second word to its first."
            )
        self.method = QComboBox(objectName="axesMethod")
        self.method.addItem("Mean of the differences", "mean")
        self.method.addItem("First principal direction", "pca")
        self.count = QSpinBox(objectName="axesCount", minimum=10, maximum=100_000, value=400)
        self.count.setToolTip("How many of the most frequent words the map shows.")
        self.place_button = QPushButton("Place words", objectName="axesPlace")
        self.message = QLabel(objectName="axesMessage", wordWrap=True)
        self.positive = _table("axesPositive", "First words' end")
        self.negative = _table("axesNegative", "Second words' end")
        self.plot = pg.PlotWidget(objectName="axesMap", background="w")
        self.plot.setMenuEnabled(False)
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        for side in ("left", "bottom"):
            self.plot.getAxis(side).enableAutoSIPrefix(False)  # cosines, not milli-cosines
        self.points = pg.ScatterPlotItem(size=6, pen=None, brush=pg.mkBrush(63, 127, 191, 150))
        self.ring = pg.ScatterPlotItem(size=14, pen=pg.mkPen("#d04020", width=2), brush=None)
        self.plot.addItem(self.points)
        self.plot.addItem(self.ring)
        self.plot.addLine(x=0, pen=pg.mkPen("#999", style=Qt.PenStyle.DashLine))
        self._labels: list[pg.TextItem] = []
        self._build_layout()
        self.place_button.clicked.connect(self.place)
        for edit in (self.x_pairs, self.y_pairs):
            edit.returnPressed.connect(self.place)
        self.model.currentIndexChanged.connect(self._on_model_changed)
        self.plot.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)
        models.changed.connect(self._on_models_changed)
        self._on_models_changed()

    def _build_layout(self) -> None:
        grid = QGridLayout()
        grid.addWidget(QLabel("Model:"), 0, 0)
        grid.addWidget(self.model, 0, 1, 1, 3)
        grid.addWidget(QLabel("X pairs:"), 1, 0)
        grid.addWidget(self.x_pairs, 1, 1)
        grid.addWidget(QLabel("Y pairs:"), 1, 2)
        grid.addWidget(self.y_pairs, 1, 3)
        grid.addWidget(QLabel("Axis:"), 2, 0)
        grid.addWidget(self.method, 2, 1)
        row = QWidget()
        h = QHBoxLayout(row)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(QLabel("Words on the map:"))
        h.addWidget(self.count)
        h.addStretch(1)
        h.addWidget(self.place_button)
        grid.addWidget(row, 2, 2, 1, 2)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        ends = QSplitter(Qt.Orientation.Vertical, childrenCollapsible=False)
        ends.addWidget(self.positive)
        ends.addWidget(self.negative)
        split = QSplitter(Qt.Orientation.Horizontal, childrenCollapsible=False)
        split.addWidget(ends)
        split.addWidget(self.plot)
        split.setSizes([280, 700])
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.about)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)

    # -- models ----------------------------------------------------------------------------
    def _on_models_changed(self) -> None:
        labels = self._models.labels()
        if self._result is not None and self._result.model not in self._models.models:
            self._clear(f"{self._result.model.label} was closed.")
        self.model.blockSignals(True)
        self.model.clear()
        self.model.addItems(labels)
        self.model.setCurrentIndex(len(labels) - 1)  # the newest: most likely the one wanted
        self.model.blockSignals(False)
        self._on_model_changed()

    def chosen(self) -> OpenModel | None:
        return self._models.find(self.model.currentText())

    def _on_model_changed(self, *_args) -> None:
        m = self.chosen()
        self.place_button.setEnabled(m is not None and self._task is None)
        self.about.setText(
            "Open or train a model to place its words on axes."
            if m is None
            else f"Shows {m.info.summary()}"
        )

    # -- placing ---------------------------------------------------------------------------
    def place(self) -> None:
        m = self.chosen()
        if m is None or self._task is not None:
            return
        try:
            x_pairs = parse_pairs(self.x_pairs.text())
            y_pairs = parse_pairs(self.y_pairs.text())
            if not x_pairs:
                raise ValueError("write at least one X pair, e.g. “he she”")
            for a, b in x_pairs + y_pairs:
                for w in (a, b):
                    if w not in m.embeddings:
                        raise UnknownWordError(w)
        except (ValueError, UnknownWordError) as exc:
            self.message.setText(str(exc).capitalize() + ".")
            return
        self.message.setText("Placing words…")
        self.place_button.setEnabled(False)
        self._task = run_task(
            self,
            axes_job(m, x_pairs, y_pairs, self.method.currentData(), self.count.value()),
            self._on_placed,
            self._on_failed,
            "placing words on axes",
        )

    def _on_failed(self, message: str) -> None:
        self._task = None
        self.message.setText(message)
        self._on_model_changed()

    def _on_placed(self, r: AxesResult) -> None:
        self._task = None
        self._result = r
        self._on_model_changed()
        for table, rows in ((self.positive, r.positive), (self.negative, r.negative)):
            table.setRowCount(len(rows))
            for i, (word, score) in enumerate(rows):
                table.setItem(i, 0, QTableWidgetItem(word))
                item = QTableWidgetItem(f"{score:+.3f}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(i, 1, item)
        first = ", ".join(a for a, _ in r.x_pairs)
        second = ", ".join(b for _, b in r.x_pairs)
        self.positive.setHorizontalHeaderItem(0, QTableWidgetItem(f"Towards {first}"))
        self.negative.setHorizontalHeaderItem(0, QTableWidgetItem(f"Towards {second}"))
        self.points.setData(pos=r.xy)
        self.ring.setData([], [])
        for item in self._labels:
            self.plot.removeItem(item)
        self._labels = []
        # The most frequent words and the ends of the axis get names; hover tells the rest.
        named = set(range(min(MAX_LABELS // 2, len(r.words))))
        index = {w: i for i, w in enumerate(r.words)}
        named |= {index[w] for w, _ in r.positive[:5] + r.negative[:5] if w in index}
        named |= {index[w] for p in r.x_pairs + r.y_pairs for w in p if w in index}
        for i in sorted(named):
            item = pg.TextItem(r.words[i], color="#335", anchor=(0, 0.5))
            item.setPos(*r.xy[i])
            self.plot.addItem(item)
            self._labels.append(item)
        x_label = " · ".join(f"{a}−{b}" for a, b in r.x_pairs)
        self.plot.setLabel("bottom", f"cosine with {x_label}")
        self.plot.setLabel("left", r.y_label if not r.y_pairs else f"cosine with {r.y_label}")
        self.plot.autoRange()
        self.message.setText(
            f"The {len(r.words):,} most frequent words of {r.model.label}. Hover a point for "
            f"its neighbours; the ends list every word of the vocabulary."
        )
        self.placed.emit(r)

    def _clear(self, message: str) -> None:
        """Forget the placed words (their model was closed)."""
        self._result = None
        self._set_hovered(None)
        for table in (self.positive, self.negative):
            table.setRowCount(0)
        self.points.setData(pos=np.empty((0, 2)))
        for item in self._labels:
            self.plot.removeItem(item)
        self._labels = []
        self.message.setText(message)

    def ends(self) -> tuple[list[str], list[str]]:
        """The words listed at the two ends of the X axis."""
        return tuple(
            [t.item(i, 0).text() for i in range(t.rowCount())]
            for t in (self.positive, self.negative)
        )

    # -- hover -----------------------------------------------------------------------------
    def _on_scene_mouse_moved(self, scene_pos: QPointF) -> None:
        r = self._result
        self._set_hovered(
            None if r is None else point_under(self.plot.plotItem.vb, scene_pos, r.xy)
        )
        if self._hovered is not None:
            QToolTip.showText(QCursor.pos(), self.hover_text, self.plot)

    def _set_hovered(self, i: int | None) -> None:
        if i == self._hovered:
            return
        self._hovered = i
        if i is None or self._result is None:
            self.ring.setData([], [])
            self.hover_text = ""
            QToolTip.hideText()
            return
        r = self._result
        word = r.words[i]
        self.ring.setData(pos=r.xy[i : i + 1])
        near = r.model.embeddings.most_similar(word, topn=HOVER_TOPN)  # one product: quick
        self.hover_text = f"<b>{word}</b> ({r.xy[i, 0]:+.3f}, {r.xy[i, 1]:+.3f})<br>" + ", ".join(
            w for w, _ in near
        )

    def shutdown(self) -> None:
        cancel_task(self._task)
        stop_tasks(self)
