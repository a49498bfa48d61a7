"""Pieces the picture panels share: exporting a plot, an Export button, running a
computation off the GUI thread when it is big, newest request winning, and redrawing
only while shown."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyqtgraph as pg
import pyqtgraph.exporters as pg_exporters
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QFileDialog, QPushButton, QWidget

from w2v_gui.core.vectors import Embeddings
from w2v_gui.worker import TaskWorker, start_in_thread

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


class Background(QObject):
    """Runs ``fn()`` for the newest request and delivers its result to ``done``.

    Small work runs at once on the GUI thread (a thread would cost more than it
    saves); big work runs in a :class:`~w2v_gui.worker.TaskWorker`. While one runs, only
    the newest waiting request is kept, and a result older than one already shown is
    dropped, so a burst of snapshots or keystrokes costs at most two computations.
    """

    busy_changed = Signal(bool)

    def __init__(self, done: Callable[[Any], None], doing: str, parent: QObject | None = None):
        super().__init__(parent)
        self._done = done
        self._doing = doing
        self._seq = 0  # number of the newest request
        self._shown = 0  # number of the newest result delivered
        self._running = False
        self._waiting: tuple[int, Callable[[], Any]] | None = None
        self._running_seq = 0
        self._worker: TaskWorker | None = None  # referenced while it runs, or Python frees it

    @property
    def busy(self) -> bool:
        return self._running

    def run(self, fn: Callable[[], Any], big: bool) -> None:
        self._seq += 1
        if not big:
            self._waiting = None
            self._deliver(self._seq, fn())
        elif self._running:
            self._waiting = (self._seq, fn)
        else:
            self._start(self._seq, fn)

    def _deliver(self, seq: int, result: Any) -> None:
        if seq > self._shown:
            self._shown = seq
            self._done(result)

    def _start(self, seq: int, fn: Callable[[], Any]) -> None:
        self._running, self._running_seq = True, seq
        worker = TaskWorker(lambda progress, stop: fn(), threading.Event(), self._doing)
        # Bound methods of this GUI-thread object: Qt queues the calls to this thread.
        worker.finished.connect(self._on_worker_finished)
        worker.failed.connect(self._on_worker_failed)
        self._worker = worker
        start_in_thread(worker, self._doing)
        self.busy_changed.emit(True)

    def _next(self) -> None:
        self._running = False
        self._worker = None
        if self._waiting is not None:
            seq, fn = self._waiting
            self._waiting = None
            self._start(seq, fn)
        else:
            self.busy_changed.emit(False)

    def _on_worker_finished(self, result: Any) -> None:
        seq = self._running_seq
        self._next()
        self._deliver(seq, result)

    def _on_worker_failed(self, message: str) -> None:
        seq = self._running_seq
        self._next()
        self._deliver(seq, RuntimeError(message))


class LazyPicture(QWidget):
    """A picture of the vectors drawn only while it is shown: a change made while it is
    hidden (on another tab) marks it stale, and showing it brings it up to date, so new
    snapshots during training cost nothing in panels nobody looks at.

    Subclasses implement ``refresh`` (which sets ``_stale`` to False) and compute in a
    :class:`Background` kept as ``_work``.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._emb: Embeddings | None = None
        self._stale = True
        self._work: Background

    def set_embeddings(self, emb: Embeddings | None, _answers=None) -> None:
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
