"""What the Learn steps draw with: the roles' colours, heat maps, tables, labels."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGraphicsItem,
    QGraphicsRectItem,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

# Colours of the roles, as The Illustrated Word2Vec uses them.
INPUT_COLOUR = "#7b4fa6"  # the input (centre) word
CONTEXT_COLOUR = "#3f9a4a"  # an output (context) word, target 1
NEGATIVE_COLOUR = "#d04a3a"  # a negative sample, target 0
FADED = "#9a9a9a"
# Diverging: blue for negative numbers, white for 0, red for positive (as in the article).
DIVERGING = pg.ColorMap([0.0, 0.5, 1.0], [(49, 104, 180), (247, 247, 247), (202, 52, 44)])


def text_label(text: str = "", name: str | None = None, selectable: bool = False) -> QLabel:
    label = QLabel(text, wordWrap=True, textFormat=Qt.TextFormat.RichText)
    if name:
        label.setObjectName(name)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def coloured(word: str, colour: str, bold: bool = True) -> str:
    weight = "font-weight:600;" if bold else ""
    return f'<span style="color:{colour};{weight}">{html.escape(word)}</span>'


def table(columns: Sequence[str], name: str, stretch: int | None = None) -> QTableWidget:
    """A read-only table; column ``stretch`` takes the spare width (None: all share it)."""
    t = QTableWidget(0, len(columns), objectName=name)
    t.setHorizontalHeaderLabels(list(columns))
    t.verticalHeader().setVisible(False)
    t.verticalHeader().setDefaultSectionSize(22)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setAlternatingRowColors(True)
    header = t.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    else:
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return t


def fill(
    t: QTableWidget, rows: Sequence[Sequence[Any]], colours: Sequence[str | None] | None = None
) -> None:
    """Replace the table's rows; numbers right-aligned, an optional text colour per row."""
    t.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            text = (
                value
                if isinstance(value, str)
                else f"{value:.3f}"
                if isinstance(value, float)
                else str(value)
            )
            item = QTableWidgetItem(text)
            if not isinstance(value, str):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if colours is not None and colours[r]:
                item.setForeground(QColor(colours[r]))
            t.setItem(r, c, item)


def shade_numbers(t: QTableWidget, limit: float = 1.0) -> None:
    """Tint each numeric cell by its value (the heat maps' colours, lightened)."""
    for r in range(t.rowCount()):
        for c in range(t.columnCount()):
            item = t.item(r, c)
            try:
                value = float(item.text())
            except (AttributeError, ValueError):
                continue
            colour = QColor(DIVERGING.map(0.5 + 0.5 * max(-1.0, min(1.0, value / limit)), "qcolor"))
            colour.setAlpha(90)  # a tint: the number stays the thing to read
            item.setBackground(colour)


def cells(t: QTableWidget) -> list[list[str]]:
    """Every cell's text (for tests)."""
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def line_plot(name: str, title: str, bottom: str, left: str) -> pg.PlotWidget:
    """A white plot with a light grid, labelled axes and a title, no menu or buttons:
    the look of the steps' curves."""
    plot = pg.PlotWidget(background="w", objectName=name)
    item = plot.getPlotItem()
    item.setMenuEnabled(False)
    item.hideButtons()
    item.showGrid(x=True, y=True, alpha=0.15)
    item.setLabel("bottom", bottom)
    item.setLabel("left", left)
    item.setTitle(title, size="10pt", color="#333333")
    return plot


class CellNumbers(QGraphicsItem):
    """Each finite cell's value written in its middle, all in one item.

    One ``pg.TextItem`` per cell cost about 1.5 ms of Python each to add, remove and
    re-place on every view change: step 1's 20 cells froze the window 30–140 ms each time
    the Learn tab was shown on a new corpus. Here one ``paint`` writes them all at a fixed
    pixel size.
    """

    def __init__(self, matrix: np.ndarray, font: QFont, colour: str = "#111111"):
        super().__init__()
        n, d = matrix.shape
        self._rect = QRectF(0, 0, d, n)
        self._font, self._colour = font, QColor(colour)
        self.texts = [
            (j + 0.5, i + 0.5, f"{matrix[i, j]:.2f}")
            for i in range(n)
            for j in range(d)
            if np.isfinite(matrix[i, j])
        ]

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self._rect

    def paint(self, painter: QPainter, option, widget=None) -> None:
        to_device = painter.transform()
        painter.save()
        painter.resetTransform()
        painter.setFont(self._font)
        painter.setPen(self._colour)
        for x, y, text in self.texts:
            p = to_device.map(QPointF(x, y))
            painter.drawText(
                QRectF(p.x() - 50, p.y() - 12, 100, 24), Qt.AlignmentFlag.AlignCenter, text
            )
        painter.restore()


class HeatMap(pg.PlotWidget):
    """A matrix as coloured cells (blue < 0 < red), rows labelled, rows outlined on demand.

    Row 0 is at the top. ``numbers`` writes each cell's value in it (small matrices).
    """

    def __init__(self, name: str, title: str = "", parent: QWidget | None = None):
        super().__init__(parent=parent, background="w")
        self.setObjectName(name)
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        if title:
            item.setTitle(title, size="10pt", color="#333333")
        vb = item.getViewBox()
        vb.setMouseEnabled(False, False)
        vb.invertY(True)
        vb.setDefaultPadding(0.0)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(DIVERGING)
        item.addItem(self.image)
        for side in ("left", "bottom"):
            axis = item.getAxis(side)
            axis.setPen(pg.mkPen("#bbbbbb"))
            axis.setTextPen(pg.mkPen("#333333"))
            axis.setStyle(tickLength=0)
        item.getAxis("bottom").setStyle(showValues=False)
        self._overlays: list[Any] = []
        self.matrix = np.zeros((0, 0))
        self.rows: list[str] = []
        self.highlighted: dict[int, str] = {}
        self.numbers: CellNumbers | None = None

    def set_matrix(
        self,
        matrix: np.ndarray,
        rows: Sequence[str],
        highlight: dict[int, str] | None = None,
        numbers: bool = False,
        columns: Sequence[str] | None = None,
        limit: float | None = None,
        ticks: Sequence[tuple[float, str]] | None = None,
    ) -> None:
        """Show ``matrix`` (NaN cells stay blank) with ``rows`` as labels.

        ``highlight`` maps row → outline colour; ``columns`` labels every column, or
        ``ticks`` places labels at given x positions; ``limit`` fixes the colour scale
        to ±limit (default: the largest magnitude).
        """
        item = self.getPlotItem()
        for o in self._overlays:
            item.removeItem(o)
        self._overlays.clear()
        m = np.asarray(matrix, dtype=np.float64)
        self.matrix, self.rows = m, list(rows)
        self.highlighted = dict(highlight or {})
        n, d = m.shape if m.ndim == 2 and m.size else (0, 0)
        finite = np.abs(m[np.isfinite(m)])
        lim = limit or float(finite.max(initial=0.0)) or 1.0
        self.image.setImage(m if m.size else np.zeros((1, 1)), levels=(-lim, lim))
        self.image.setVisible(m.size > 0)
        item.getAxis("left").setTicks([[(i + 0.5, r) for i, r in enumerate(rows)]])
        bottom = item.getAxis("bottom")
        if columns is not None:
            ticks = [(j + 0.5, c) for j, c in enumerate(columns)]
        if ticks is not None:
            bottom.setStyle(showValues=True)
            bottom.setTicks([list(ticks)])
        vb = item.getViewBox()
        # A little room on the right so a row's outline is not cut in half.
        vb.setRange(xRange=(0, max(d, 1) + 0.02 * max(d, 1)), yRange=(0, max(n, 1)), padding=0)
        for r, colour in self.highlighted.items():
            rect = QGraphicsRectItem(0, r, d, 1)
            pen = QPen(QColor(colour), 3)
            pen.setCosmetic(True)
            rect.setPen(pen)
            item.addItem(rect)
            self._overlays.append(rect)
        if numbers and n:
            font = QFont()
            font.setPointSizeF(8.5)
            self.numbers = CellNumbers(m, font)
            item.addItem(self.numbers)
            self._overlays.append(self.numbers)
        else:
            self.numbers = None


def note(text: str = "", name: str | None = None) -> QLabel:
    label = text_label(text, name, selectable=True)
    label.setStyleSheet("color:#444444")
    return label


def fmt_vector(v: np.ndarray, digits: int = 2) -> str:
    return "[" + ", ".join(f"{x:.{digits}f}" for x in v) + "]"


def row_strip(rows: dict[str, np.ndarray]) -> tuple[np.ndarray, list[str]]:
    names = list(rows)
    return (np.vstack([rows[n] for n in names]) if names else np.zeros((0, 0))), names


def hbox(*widgets: QWidget, stretch: bool = True) -> QHBoxLayout:
    box = QHBoxLayout()
    box.setSpacing(6)
    for w in widgets:
        box.addWidget(w)
    if stretch:
        box.addStretch(1)
    return box
