"""One word in two models: its neighbours side by side and its aligned 2-D trajectory."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from w2v_gui.core.compare import Alignment
from w2v_gui.core.errors import UnknownWordError

COLOUR_A = QColor("#3f7fbf")
COLOUR_B = QColor("#e0802c")
COMMON = QColor("#e4f0d8")
TOPN = 10
MAP_TOPN = 6


class WordComparison(QWidget):
    """A chosen word's top neighbours in A and B (common ones bold and tinted) and a
    small map: the word and its neighbours from both models in one aligned picture."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = QLabel(objectName="compareWordTitle", wordWrap=True)
        self.table = QTableWidget(0, 4, objectName="compareWordTable")
        self.table.setHorizontalHeaderLabels(["In A", "Cosine", "In B", "Cosine"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(20)
        header = self.table.horizontalHeader()
        for col, mode in enumerate(("Stretch", "ResizeToContents") * 2):
            header.setSectionResizeMode(col, getattr(QHeaderView.ResizeMode, mode))
        self.plot = pg.PlotWidget(objectName="compareTrajectory", background="w")
        self.plot.setMenuEnabled(False)
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.plot.setMinimumHeight(120)
        self.points = pg.ScatterPlotItem(size=8, pen=None)
        self.move = pg.PlotDataItem(pen=pg.mkPen("#555", width=2))
        self.plot.addItem(self.move)
        self.plot.addItem(self.points)
        self._labels: list[pg.TextItem] = []
        self.legend = QLabel(
            f"<span style='color:{COLOUR_A.name()}'>●</span> in A&nbsp;&nbsp;"
            f"<span style='color:{COLOUR_B.name()}'>●</span> in B (rotated onto A); "
            "the line is the word's move from A to B.",
            objectName="compareTrajectoryLegend",
            wordWrap=True,
        )
        split = QSplitter(Qt.Orientation.Vertical, childrenCollapsible=False)
        split.addWidget(self.table)
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.plot, 1)
        lay.addWidget(self.legend)
        split.addWidget(box)
        # The lists are what people read; the map is a glance. At 600 px high both fit.
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([300, 200])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(split, 1)
        self.clear()

    def clear(
        self, message: str = "Choose a word in the ranking to compare its neighbours."
    ) -> None:
        self.title.setText(message)
        self.table.setRowCount(0)
        self.points.setData([], [])
        self.move.setData([], [])
        self._set_labels([], np.zeros((0, 2)))

    def show_word(self, alignment: Alignment, word: str) -> None:
        """Neighbours of ``word`` in both models (searched among the shared anchors)."""
        try:
            nb = alignment.word_neighbours(word, TOPN)
        except UnknownWordError:
            self.clear(f"“{word}” is not in both models (at this minimum count).")
            return
        moved = (
            ""
            if nb.cosine_distance is None
            else f"; cosine distance after alignment {nb.cosine_distance:.3f}"
        )
        self.title.setText(
            f"<b>{word}</b>: {len(nb.common)} of {len(nb.a)} neighbours in common "
            f"(bold){moved}. Neighbours are searched among the {alignment.anchors:,} most "
            f"frequent shared words."
        )
        rows = max(len(nb.a), len(nb.b))
        self.table.setRowCount(rows)
        bold = QFont()
        bold.setBold(True)
        for col, pairs in ((0, nb.a), (2, nb.b)):
            for row in range(rows):
                name, score = pairs[row] if row < len(pairs) else ("", None)
                w_item = QTableWidgetItem(name)
                s_item = QTableWidgetItem("" if score is None else f"{score:.3f}")
                s_item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if name in nb.common:
                    for item in (w_item, s_item):
                        item.setFont(bold)
                        item.setBackground(QBrush(COMMON))
                self.table.setItem(row, col, w_item)
                self.table.setItem(row, col + 1, s_item)
        self._draw(alignment, word)

    def _draw(self, alignment: Alignment, word: str) -> None:
        if alignment.rotation is None:
            self.points.setData([], [])
            self.move.setData([], [])
            self._set_labels([], np.zeros((0, 2)))
            self.legend.setText("No map: the models have different vector sizes.")
            return
        t = alignment.trajectory(word, MAP_TOPN)
        brushes = [pg.mkBrush(COLOUR_A if m == "A" else COLOUR_B) for m in t.models]
        sizes = [14, 14] + [8] * (len(t.labels) - 2)
        self.points.setData(pos=t.xy, brush=brushes, size=sizes)
        self.move.setData(t.xy[:2, 0], t.xy[:2, 1])
        self._set_labels(t.labels, t.xy, t.models)
        self.plot.autoRange(padding=0.15)

    def _set_labels(self, labels, xy: np.ndarray, models=()) -> None:
        for item in self._labels:
            self.plot.removeItem(item)
        self._labels = []
        for i, (text, (x, y)) in enumerate(zip(labels, xy.tolist(), strict=True)):
            colour = COLOUR_A if models[i] == "A" else COLOUR_B
            item = pg.TextItem(text, color=colour.darker(130), anchor=(0, 0.5))
            if i < 2:
                font = QFont()
                font.setBold(True)
                item.setFont(font)
            item.setPos(x, y)
            self.plot.addItem(item)
            self._labels.append(item)

    def shown(self) -> tuple[list[str], list[str]]:
        """The words in the A and B columns (for tests and copying)."""
        cols = []
        for col in (0, 2):
            cols.append(
                [
                    self.table.item(r, col).text()
                    for r in range(self.table.rowCount())
                    if self.table.item(r, col) is not None and self.table.item(r, col).text()
                ]
            )
        return cols[0], cols[1]
