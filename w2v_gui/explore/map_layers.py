"""What the map draws in pixels over its plot: the labels and an analogy's figure.

Text and arrowheads keep their size in pixels while the plot zooms, so these items map
their data points to the screen in ``paint`` and draw there, all in one call each (one
``TextItem`` per label would be hundreds of items to lay out on every frame).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF

from w2v_gui.core.pictures.labels import Labels
from w2v_gui.core.pictures.projection import Parallelogram

POINT_SIZE, STRONG_SIZE, IDEAL_SIZE = 7, 11, 13
LABEL_OFFSET = 7  # pixels between a point and its label

POINT = QColor(78, 121, 167, 170)
STRONG = QColor("#c03d3e")
RELATION = QColor("#d9822b")
FOUND = QColor("#e03a9f")  # the word the find field names: a colour no group uses
SIDE = QColor("#8c8c8c")
TEXT = QColor("#303030")


class PixelLayer(pg.GraphicsObject):
    """Paints in pixels over the plot (text and arrowheads keep their size when zooming).

    It covers the visible view and has no data bounds, so auto-range ignores it.
    """

    def __init__(self):
        super().__init__()
        self.setZValue(10)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        rect = self.viewRect()
        return rect if rect is not None else QRectF()

    def dataBounds(self, *_args, **_kwargs):  # noqa: N802 - pyqtgraph hook
        return None

    def viewTransformChanged(self) -> None:  # noqa: N802 - pyqtgraph hook
        self.prepareGeometryChange()

    def paint(self, painter: QPainter, *_args) -> None:
        to_device = painter.transform()
        # An image export at k times the screen size scales everything by k: the
        # pixels here too, so text and gaps keep their size relative to the points.
        k = float((self._exportOpts or {}).get("resolutionScale", 1.0))
        painter.save()
        painter.resetTransform()
        painter.scale(k, k)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.paint_pixels(painter, lambda x, y: to_device.map(QPointF(float(x), float(y))) / k)
        painter.restore()

    def paint_pixels(self, painter: QPainter, to_px) -> None:
        raise NotImplementedError


class LabelLayer(PixelLayer):
    """The labels of chosen points, beside them, in one paint call: the first ``strong``
    in bold red (the query's own words), an analogy's ideal corner (the last, if
    ``ideal``) in orange."""

    def __init__(self, font: QFont):
        super().__init__()
        self._font = font
        self.bold_font = QFont(font)
        self.bold_font.setBold(True)
        self._xy = np.zeros((0, 2))
        self._texts: tuple[str, ...] = ()
        self._shown: list[int] = []
        self._sides: list[int] = []
        self._lifts: list[float] = []
        self._strong = 0
        self._ideal = -1
        self._padding = 0.0

    def set_points(
        self,
        xy: np.ndarray,
        texts: tuple[str, ...],
        strong: int,
        ideal: bool = False,
        padding: float = 0.0,
    ) -> None:
        """``padding``: pixels to keep free around the points when auto-ranging, so that
        the labels that matter fit."""
        self._xy, self._texts, self._strong = xy, texts, strong
        self._ideal = len(texts) - 1 if ideal else -1
        self._padding = padding
        self._shown, self._sides, self._lifts = [], [], []
        self.informViewBoundsChanged()
        self.update()

    def dataBounds(self, axis: int, frac: float = 1.0, orthoRange=None):  # noqa: N802
        if len(self._xy) == 0:
            return None
        return float(self._xy[:, axis].min()), float(self._xy[:, axis].max())

    def pixelPadding(self) -> float:  # noqa: N802 - pyqtgraph hook
        return self._padding

    def set_shown(self, labels: Labels) -> None:
        self._shown, self._sides = labels.index.tolist(), labels.side.tolist()
        self._lifts = labels.lift.tolist()
        self.update()

    def shown(self) -> list[str]:
        return [self._texts[i] for i in self._shown]

    def paint_pixels(self, painter: QPainter, to_px) -> None:
        xy, texts = self._xy, self._texts
        styles = ((self._font, TEXT), (self.bold_font, STRONG), (self._font, RELATION))
        for kind, (font, colour) in enumerate(styles):
            metrics = QFontMetricsF(font)
            dy = metrics.ascent() - metrics.height() / 2
            painter.setFont(font)
            painter.setPen(colour)
            for i, side, lift in zip(self._shown, self._sides, self._lifts, strict=True):
                if (2 if i == self._ideal else 1 if i < self._strong else 0) == kind:
                    p = to_px(*xy[i])
                    gap = IDEAL_SIZE / 2 + 3 if kind == 2 else LABEL_OFFSET
                    x = (
                        p.x() + gap
                        if side > 0
                        else p.x() - gap - metrics.horizontalAdvance(texts[i])
                    )
                    painter.drawText(QPointF(x, p.y() + dy + lift), texts[i])


class ShapeLayer(PixelLayer):
    """An analogy's parallelogram: the two relation arrows (a→c, b→d), the two other
    sides dashed, and a dotted line from the ideal corner b − a + c to d."""

    def __init__(self):
        super().__init__()
        self.shape: Parallelogram | None = None
        self.setZValue(-1)  # under the points

    def set_shape(self, shape: Parallelogram | None) -> None:
        self.shape = shape
        self.update()

    def paint_pixels(self, painter: QPainter, to_px) -> None:
        shape = self.shape
        if shape is None:
            return
        side = QPen(SIDE, 1.3, Qt.PenStyle.DashLine)
        painter.setPen(side)
        for p, q in shape.sides:
            painter.drawLine(to_px(*p), to_px(*q))
        painter.setPen(QPen(RELATION, 2.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.setBrush(RELATION)
        for p, q in shape.arrows:
            _arrow(painter, to_px(*p), to_px(*q), gap=STRONG_SIZE / 2 + 2)
        # How far the answer is from where a perfect analogy would put it.
        painter.setPen(QPen(RELATION, 1.3, Qt.PenStyle.DotLine))
        painter.drawLine(to_px(*shape.ideal), to_px(*shape.corners[3]))


def _arrow(painter: QPainter, p: QPointF, q: QPointF, gap: float, head: float = 13.0) -> None:
    """A line from ``p`` to ``q`` with its head at ``q``, both ends ``gap`` pixels short
    (outside the markers)."""
    dx, dy = q.x() - p.x(), q.y() - p.y()
    length = math.hypot(dx, dy)
    if length <= 2 * gap + 2:
        return
    ux, uy = dx / length, dy / length
    start = QPointF(p.x() + ux * gap, p.y() + uy * gap)
    tip = QPointF(q.x() - ux * gap, q.y() - uy * gap)
    head = min(head, (length - 2 * gap) * 0.6)
    base = QPointF(tip.x() - ux * head, tip.y() - uy * head)
    painter.drawLine(start, base)
    w = head * 0.45
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawPolygon(
        QPolygonF(
            [
                tip,
                QPointF(base.x() - uy * w, base.y() + ux * w),
                QPointF(base.x() + uy * w, base.y() - ux * w),
            ]
        )
    )
    painter.setPen(QPen(RELATION, 2.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
