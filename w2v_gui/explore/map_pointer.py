"""Pointing at the map's words: hovering a point rings it and lists its nearest words;
the find field rings a named word and brings it into view. A mixin of
:class:`~w2v_gui.explore.map2d.MapPanel` (which owns the items it moves)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QToolTip

HOVER_PX = 9  # a point this close to the mouse (pixels) is hovered
HOVER_TOPN = 8


def point_under(vb, scene_pos: QPointF, xy: np.ndarray) -> int | None:
    """The row of ``xy`` (view coordinates of a pyqtgraph ViewBox ``vb``) drawn within
    HOVER_PX pixels of ``scene_pos``, the nearest; None if there is none."""
    if not len(xy) or not vb.sceneBoundingRect().contains(scene_pos):
        return None
    p = vb.mapSceneToView(scene_pos)
    (x0, x1), (y0, y1) = vb.viewRange()
    rect = vb.sceneBoundingRect()
    sx, sy = rect.width() / max(x1 - x0, 1e-12), rect.height() / max(y1 - y0, 1e-12)
    d2 = ((xy[:, 0] - p.x()) * sx) ** 2 + ((xy[:, 1] - p.y()) * sy) ** 2
    i = int(np.argmin(d2))
    return i if d2[i] <= HOVER_PX**2 else None


class PointerMixin:
    """Hover and find for the map panel."""

    def _view_geometry(self):
        vb = self.plot.plotItem.vb
        (x0, x1), (y0, y1) = vb.viewRange()
        size = vb.boundingRect()
        return (x0, x1, y0, y1), (size.width(), size.height())

    def _on_scene_mouse_moved(self, scene_pos: QPointF) -> None:
        r = self._result
        self._set_hovered(
            None if r is None else point_under(self.plot.plotItem.vb, scene_pos, r.map.xy)
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
        word = r.map.words[i]
        self.ring.setData(pos=r.map.xy[i : i + 1])
        near = r.emb.most_similar(word, topn=HOVER_TOPN)
        rows = "".join(
            f"<tr><td>{w}</td><td align='right'>&nbsp;{c:.2f}</td></tr>" for w, c in near
        )
        self.hover_text = f"<b>{word}</b> — nearest words:<table>{rows}</table>"

    def _on_find(self, *_args) -> None:
        """Ring the word the find field names (if on the map) and bring it into view."""
        r = self._result
        word = self.extras.find.text().strip()
        i = self._word_at.get(word) if r is not None and r.map is not None else None
        if i is None and word and r is not None and r.map is not None:
            i = self._word_at.get(word.lower())
        self.found_word = r.map.words[i] if i is not None else ""
        pos = r.map.xy[i : i + 1] if i is not None else np.zeros((0, 2))
        self.found.setData(pos=pos)
        self.found_label.setText(self.found_word)
        if i is None:
            return
        self.found_label.setPos(*pos[0])
        (x0, x1), (y0, y1) = self.plot.plotItem.vb.viewRange()
        x, y = pos[0]
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            self.plot.plotItem.vb.translateBy(x=x - (x0 + x1) / 2, y=y - (y0 + y1) / 2)
