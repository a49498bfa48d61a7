"""Colour strips: each word's vector as a row of coloured cells, as in "The Illustrated
Word2Vec"'s king / man / woman / queen figure.

Rows are typed words or sums such as ``king - man + woman``; a sum is followed by the
word nearest to it, so a person sees cell by cell why they match. One diverging colour
map on one symmetric scale for every row; the columns can be sorted by one row's values
so that dimensions the words share line up. The maths is ``core.pictures``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QTimer
from PySide6.QtGui import QColor, QCursor, QFontMetricsF, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QGraphicsRectItem,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from w2v_gui import queries
from w2v_gui.core.pictures.strips import (
    DIVERGING,
    Expression,
    StripRows,
    column_order,
    diverging_colours,
    parse_rows,
    strip_rows,
    symmetric_limit,
)
from w2v_gui.core.vectors import Embeddings
from w2v_gui.explore.neighbours import DEBOUNCE_MS
from w2v_gui.tasks import Latest
from w2v_gui.widgets.plotting import ExportButton, LazyPicture, export_plot

CELL_PX = 8
ROW_GAP = 0.22  # blank part of each row's height, between strips
BIG_WORK = 3_000_000  # vocabulary × dimensions beyond which sums are ranked on a thread
FRAME = QColor("#d9822b")


def default_rows(analogy: tuple[str, str, str]) -> str:
    """The seed's figure for the current analogy: b, a, c, then b − a + c."""
    a, b, c = analogy
    if not all(analogy):
        return "king, man, woman, king - man + woman"
    return f"{b}, {a}, {c}, {b} - {a} + {c}"


@dataclass(frozen=True, eq=False)
class StripsResult:
    rows: StripRows
    limit: float


def compute(emb: Embeddings, text: str) -> StripsResult:
    rows = strip_rows(emb, parse_rows(text))
    return StripsResult(rows, symmetric_limit(rows.values))


class StripsPanel(LazyPicture):
    """Words as strips of coloured cells, one cell per dimension of the unit vector."""

    def __init__(self, analogy: tuple[str, str, str] = ("", "", ""), parent: QWidget | None = None):
        super().__init__(parent)
        self._edited = False  # typed rows are kept when the analogy changes
        self._result: StripsResult | None = None
        self._order = np.zeros(0, dtype=np.int64)
        self._images: list[pg.ImageItem] = []
        self._frames: list[QGraphicsRectItem] = []
        self.hover_text = ""
        self._want_sort: str | None = None  # a sort asked for before its row existed

        self.rows = QLineEdit(
            default_rows(tuple(analogy)), objectName="stripsRows", clearButtonEnabled=True
        )
        self.rows.setMaxLength(queries.MAX_LIST_CHARS)
        self.rows.setToolTip(
            "Words, or sums such as “king - man + woman”, separated by "
            "commas. A sum is followed by the word nearest to it."
        )
        self.sort = QComboBox(objectName="stripsSort")
        self.sort.setToolTip(
            "Sort the columns by one row's values, most positive first, so "
            "the dimensions other rows share with it line up."
        )
        self.sort.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.export_button = ExportButton(lambda: self.view.ci, "stripsExport", "strips")
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Rows:"))
        controls.addWidget(self.rows, 1)
        controls.addWidget(self.sort)
        controls.addWidget(self.export_button)

        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground("w")
        self.view.setObjectName("stripsPlot")
        self.view.setMinimumHeight(160)
        self.plot = self.view.addPlot(row=0, col=0)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        vb = self.plot.getViewBox()
        vb.invertY(True)
        vb.setMouseEnabled(x=True, y=False)  # zoom into the dimensions, rows stay
        vb.setDefaultPadding(0.0)
        for side in ("left", "bottom"):
            axis = self.plot.getAxis(side)
            axis.setPen("#b0b0b0")
            axis.setTextPen("#303030")
        self.plot.getAxis("left").setStyle(tickLength=0)
        colours = DIVERGING.astype(np.uint8)
        self.bar = pg.ColorBarItem(
            values=(-1, 1),
            colorMap=pg.ColorMap(np.linspace(0, 1, len(colours)), colours),
            interactive=False,
            width=14,
            rounding=1e-3,
            label="value (shared scale)",
        )
        self.bar.getAxis("right").setTextPen("#303030")
        self.bar.getAxis("right").setPen("#b0b0b0")
        self.view.addItem(self.bar, row=0, col=1)

        self.message = QLabel(objectName="stripsMessage", wordWrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(controls)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)

        self._work = Latest(
            "ranking words for the strips", self, done=self._show, show_overtaken=True
        )
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.refresh)
        self.rows.textEdited.connect(self._on_rows_edited)
        self.rows.returnPressed.connect(self.refresh)
        self.sort.currentIndexChanged.connect(self._on_sort_changed)
        self.view.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)

    # -- what the window calls ----------------------------------------------------------
    def set_analogy(self, words: tuple[str, str, str]) -> None:
        """Follow the Analogy panel until the person types rows of their own."""
        if not self._edited:
            self.rows.setText(default_rows(tuple(words)))
            self.refresh_if_visible()

    def set_rows(self, text: str, sort_by: str | None = None) -> None:
        """Show rows ``text``, columns sorted by the row labelled ``sort_by`` (if given)."""
        self.rows.setText(text)
        self._edited = True
        self._want_sort = sort_by
        self.refresh()

    def sort_by(self, label: str | None) -> None:
        """Sort the columns by the row labelled ``label`` (None: dimension order)."""
        index = 0 if label is None else self.sort.findData(label)
        if index >= 0:
            self.sort.setCurrentIndex(index)

    def labels(self) -> tuple[str, ...]:
        return self._result.rows.labels if self._result else ()

    def colours(self) -> np.ndarray:
        """The cells' RGBA colours as drawn, (rows, dimensions, 4), columns in order."""
        r = self._result
        if r is None:
            return np.zeros((0, 0, 4), dtype=np.uint8)
        return diverging_colours(r.rows.values[:, self._order], r.limit)

    def export(self, path: str) -> None:
        export_plot(self.view.ci, path)

    def refresh(self) -> None:
        self._debounce.stop()
        if self._emb is None:
            self._clear()
            self.message.setText("No vectors yet: train on a corpus or open a model.")
            return
        self._stale = False
        emb, text = self._emb, self.rows.text()
        sums = sum(isinstance(r, Expression) for r in parse_rows(text))
        self._work.run(lambda: compute(emb, text), big=sums * len(emb) * emb.vector_size > BIG_WORK)

    # -- drawing -----------------------------------------------------------------------
    def _clear(self) -> None:
        self._result = None
        for item in self._images + self._frames:
            self.plot.removeItem(item)
        self._images, self._frames = [], []

    def _show(self, result: StripsResult | Exception) -> None:
        if isinstance(result, Exception):
            self.message.setText(str(result))
            return
        self._clear()
        self._result = result
        rows = result.rows
        self._fill_sort(rows.labels)
        if not rows.labels:
            self.message.setText("Type words, or sums such as “king - man + woman”.")
            return
        self._draw()
        d = rows.values.shape[1]
        text = (
            f"{len(rows.labels)} rows × {d} dimensions of each unit vector. Blue is "
            f"negative, red positive, one scale for all: ±{result.limit:.2f}. Hover a "
            "cell for its value."
        )
        if "sum" in rows.kinds:
            text += " The framed pairs are a sum and the word nearest to it (cosine)."
        if rows.missing:
            text += f" Not in the vocabulary: {', '.join(dict.fromkeys(rows.missing))}."
        self.message.setText(text)

    def _draw(self) -> None:
        r = self._result
        rows = r.rows
        n, d = rows.values.shape
        label = self.sort.currentData()
        key = rows.values[rows.labels.index(label)] if label in rows.labels else None
        self._order = column_order(key, d)
        for item in self._images + self._frames:
            self.plot.removeItem(item)
        self._images, self._frames = [], []
        rgba = diverging_colours(rows.values[:, self._order], r.limit)
        # Each cell drawn CELL_PX image pixels wide, so exports stay sharp in viewers that
        # smooth images; with few dimensions the last of them is left blank, so cells
        # read as cells, as in the Illustrated Word2Vec.
        rgba = np.repeat(rgba, CELL_PX, axis=1)
        if d <= 150:
            rgba[:, CELL_PX - 1 :: CELL_PX, 3] = 0
        for i in range(n):
            image = pg.ImageItem(rgba[i : i + 1], axisOrder="row-major")
            image.setRect(QRectF(0, i + ROW_GAP / 2, d, 1 - ROW_GAP))
            self.plot.addItem(image)
            self._images.append(image)
        for i, kind in enumerate(rows.kinds):
            if kind == "sum" and i + 1 < n and rows.kinds[i + 1] == "nearest":
                frame = QGraphicsRectItem(QRectF(-0.4, i + 0.04, d + 0.8, 1.92))
                pen = QPen(FRAME, 2)
                pen.setCosmetic(True)
                frame.setPen(pen)
                self.plot.addItem(frame)
                self._frames.append(frame)
        left = self.plot.getAxis("left")
        left.setTicks([[(i + 0.5, text) for i, text in enumerate(rows.labels)], []])
        metrics = QFontMetricsF(left.style.get("tickFont") or self.font())
        left.setWidth(int(max(metrics.horizontalAdvance(t) for t in rows.labels)) + 14)
        bottom = self.plot.getAxis("bottom")
        if key is None:
            bottom.setTicks(None)
            self.plot.setLabel("bottom", "dimension")
        else:
            bottom.setTicks([[], []])
            self.plot.setLabel("bottom", f"dimensions sorted by “{label}”, its most positive first")
        vb = self.plot.getViewBox()
        vb.setLimits(xMin=-1, xMax=d + 1, yMin=-0.1, yMax=n + 0.1)
        vb.setRange(xRange=(0, d), yRange=(0, n), padding=0.01)
        self.bar.setLevels((-r.limit, r.limit))

    def _fill_sort(self, labels: tuple[str, ...]) -> None:
        current = self._want_sort or self.sort.currentData()
        self._want_sort = None
        self.sort.blockSignals(True)
        self.sort.clear()
        self.sort.addItem("Columns in dimension order", None)
        for text in labels:
            self.sort.addItem(f"Sort columns by {text}", text)
        index = self.sort.findData(current) if current is not None else 0
        self.sort.setCurrentIndex(max(index, 0))
        self.sort.blockSignals(False)

    # -- hover and controls ---------------------------------------------------------------
    def _on_scene_mouse_moved(self, scene_pos: QPointF) -> None:
        r = self._result
        vb = self.plot.getViewBox()
        text = ""
        if r is not None and r.rows.labels and vb.sceneBoundingRect().contains(scene_pos):
            p = vb.mapSceneToView(scene_pos)
            row, col = int(np.floor(p.y())), int(np.floor(p.x()))
            n, d = r.rows.values.shape
            if (
                0 <= row < n
                and 0 <= col < d
                and (p.y() - row) > ROW_GAP / 2
                and (p.y() - row) < 1 - ROW_GAP / 2
            ):
                dim = int(self._order[col])
                text = (
                    f"<b>{r.rows.labels[row]}</b><br>dimension {dim}: "
                    f"{r.rows.values[row, dim]:+.3f}"
                )
        if text != self.hover_text:
            self.hover_text = text
            if text:
                QToolTip.showText(QCursor.pos(), text, self.view)
            else:
                QToolTip.hideText()

    def _on_rows_edited(self, _text: str) -> None:
        self._edited = True
        self._debounce.start()

    def _on_sort_changed(self, _index: int) -> None:
        if self._result is not None and self._result.rows.labels:
            self._draw()
