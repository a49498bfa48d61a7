"""Pieces the picture panels share: exporting a plot, an Export button, and redrawing
only while shown (their computations run in a :class:`~w2v_gui.tasks.Latest`)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import pyqtgraph as pg
import pyqtgraph.exporters as pg_exporters
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QFileDialog, QPushButton, QWidget

from w2v_gui.core.vectors import Embeddings
from w2v_gui.tasks import Latest

EXPORT_FILTERS = "PNG image (*.png);;SVG drawing (*.svg)"


def _closed_paths_tolerated(correct: Callable) -> Callable:
    """pyqtgraph 0.14's SVG exporter fails on every plot with recent Qt: Qt closes
    rectangles with a "Z" that its path rewriting cannot parse (pyqtgraph issue #3495,
    fixed upstream, unreleased). Hide the "Z"s from it and put them back after; Qt also
    writes the closing segment explicitly, so only the "Z" itself is at stake."""
    if getattr(correct, "closed_paths_tolerated", False):
        return correct

    def tolerant(node, defs, item, options):
        closed = []
        for path in node.getElementsByTagName("path"):
            d = path.getAttribute("d")
            if "Z" in d or "z" in d:
                path.setAttribute("d", " ".join(t for t in d.split() if t not in ("Z", "z")))
                closed.append(path)
        result = correct(node, defs, item, options)
        for path in closed:
            path.setAttribute("d", path.getAttribute("d").rstrip() + " Z")
        return result

    tolerant.closed_paths_tolerated = True
    return tolerant


# The module, not the class that pyqtgraph.exporters re-exports under the same name.
pg_svg = importlib.import_module("pyqtgraph.exporters.SVGExporter")
# Also mends the Export dialog of pyqtgraph's own right-click menu.
pg_svg.correctCoordinates = _closed_paths_tolerated(pg_svg.correctCoordinates)


def export_plot(item: pg.GraphicsObject, path: str | Path, scale: float = 2.0) -> None:
    """Write ``item`` (a PlotItem or a GraphicsLayout, with everything in it) as SVG if
    ``path`` ends in .svg, else as PNG at ``scale`` times its size on screen."""
    path = str(path)
    if path.lower().endswith(".svg"):
        pg_exporters.SVGExporter(item).export(fileName=path)
        return
    exporter = pg_exporters.ImageExporter(item)
    # Setting the width makes the exporter derive the height from the aspect ratio.
    exporter.parameters()["width"] = max(1, int(item.boundingRect().width() * scale))
    exporter.export(fileName=path)


class ExportButton(QPushButton):
    """ "Export…": asks for a .png or .svg file and writes ``item`` there."""

    def __init__(
        self,
        item: Callable[[], pg.GraphicsObject],
        name: str,
        stem: str,
        parent: QWidget | None = None,
    ):
        super().__init__("Export…", parent, objectName=name)
        self.setToolTip(
            "Save this picture as a PNG image or an SVG drawing "
            "(also in the plot's right-click menu)."
        )
        self._item = item
        self._stem = stem
        self.clicked.connect(self._on_clicked)

    def _on_clicked(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(
            self, "Export picture", f"{self._stem}.png", EXPORT_FILTERS
        )
        if not path:
            return
        if not Path(path).suffix:
            path += ".svg" if "svg" in chosen.lower() else ".png"
        export_plot(self._item(), path)


class LazyPicture(QWidget):
    """A picture of the vectors drawn only while it is shown: a change made while it is
    hidden (on another tab) marks it stale, and showing it brings it up to date, so new
    snapshots during training cost nothing in panels nobody looks at.

    Subclasses implement ``refresh`` (which sets ``_stale`` to False) and compute in a
    :class:`~w2v_gui.tasks.Latest` kept as ``_work``.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._emb: Embeddings | None = None
        self._stale = True
        self._work: Latest

    def set_embeddings(self, emb: Embeddings | None) -> None:
        self._emb = emb
        self.refresh_if_visible()

    def refresh_if_visible(self) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        raise NotImplementedError

    @property
    def busy(self) -> bool:
        return self._work.busy

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._stale:
            self.refresh()
