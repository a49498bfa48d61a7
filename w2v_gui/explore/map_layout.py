"""The map's second row: layout (PCA or t-SNE), colours, finding a word, and the t-SNE
job that runs in the app's task runner with a progress bar and Cancel."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QWidget,
)

from w2v_gui.core.pictures.projection import WordMap
from w2v_gui.core.pictures.tsne import tsne
from w2v_gui.explore.map_layers import POINT, POINT_SIZE
from w2v_gui.explore.map_words import PCA, PLAIN, TSNE, MapResult
from w2v_gui.tasks import Task, run_task

LAYOUTS = ((PCA, "PCA"), (TSNE, "t-SNE"))
COLOURS = ((PLAIN, "One colour"), ("bands", "Frequency bands"), ("kmeans", "k-means groups"))
# Tableau 10, translucent so dense regions read as density.
PALETTE = "#4e79a7 #f28e2b #e15759 #76b7b2 #59a14f #edc948 #b07aa1 #ff9da7 #9c755f #bab0ac".split()
CACHED = 4  # t-SNE maps remembered (switching back and forth costs nothing)


class MapControls(QWidget):
    """Layout and colour choices, the find field, and the t-SNE progress with Cancel."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.layout_box = QComboBox(objectName="mapLayout")
        for key, text in LAYOUTS:
            self.layout_box.addItem(text, key)
        self.layout_box.setToolTip(
            "PCA: the two directions along which the words differ most (instant; "
            "distances mean something). t-SNE: places each word near its nearest "
            "neighbours, so groups of similar words show as islands (takes a while on "
            "many words; distances between islands mean little)."
        )
        self.colour = QComboBox(objectName="mapColour")
        for key, text in COLOURS:
            self.colour.addItem(text, key)
        self.colour.setToolTip(
            "Colour the points by how frequent the word is (bands of frequency rank) or "
            "by k-means groups of the vectors (in all their dimensions, not the plane)."
        )
        self.find = QLineEdit(objectName="mapFind", clearButtonEnabled=True)
        self.find.setPlaceholderText("Find a word on the map")
        self.progress = QProgressBar(objectName="mapProgress", textVisible=True)
        self.progress.setFormat("t-SNE %p%")
        self.progress.setMaximumWidth(180)
        self.cancel = QPushButton("Cancel", objectName="mapCancel")
        self.cancel.setToolTip("Stop the t-SNE and keep the PCA map")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.layout_box)
        row.addWidget(self.colour)
        row.addWidget(self.find, 1)
        row.addWidget(self.progress)
        row.addWidget(self.cancel)
        self.set_running(False)

    def choose_pca(self) -> None:
        """Set the layout choice to PCA without asking for a new map."""
        self.layout_box.blockSignals(True)
        self.layout_box.setCurrentIndex(self.layout_box.findData(PCA))
        self.layout_box.blockSignals(False)

    def set_running(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.cancel.setVisible(running)
        if running:
            self.progress.setRange(0, 0)  # busy until the first report


class TsneJob(QObject):
    """Runs t-SNEs of map results, one at a time, and remembers the last few.

    ``request(result)`` answers at once from memory or starts (newest wins: a running
    t-SNE of other words is cancelled; one of the same words for older vectors, as
    training snapshots come, is let finish and then redone for the newest).
    """

    def __init__(
        self,
        controls: MapControls,
        done: Callable[[MapResult], None],
        failed: Callable[[str], None],
        cancelled: Callable[[], None],
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self._controls = controls
        self._done, self._failed, self._cancelled = done, failed, cancelled
        self._cache: list[tuple[object, bytes, np.ndarray]] = []
        self._task: Task | None = None
        self._running: MapResult | None = None
        self._next: MapResult | None = None
        controls.cancel.clicked.connect(self.cancel)

    @property
    def busy(self) -> bool:
        return self._task is not None

    def cached(self, result: MapResult, older: bool = False) -> MapResult | None:
        """``result`` laid out by a remembered t-SNE of its words and vectors; with
        ``older``, of its words in any vectors (as training goes, the last picture
        stays while the next is computed, rather than falling back to PCA)."""
        key = result.map.rows.tobytes()
        for emb, rows, xy in self._cache:
            if rows == key and (older or emb is result.emb):
                return laid_out(result, xy)
        return None

    def request(self, result: MapResult) -> None:
        if self._task is not None:
            same_words = np.array_equal(self._running.map.rows, result.map.rows)
            self._next = result
            if not same_words:
                self._task.cancel()  # its cancelled callback starts the next
            return
        self._start(result)

    def cancel(self) -> None:
        self._next = None
        if self._task is not None:
            self._task.cancel()

    def _start(self, result: MapResult) -> None:
        self._running, self._next = result, None
        emb, rows = result.emb, result.map.rows
        self._controls.set_running(True)
        self._task = run_task(
            self,
            lambda progress, stop: tsne(emb.unit[rows], progress=progress, stop=stop),
            self._on_done,
            self._on_failed,
            "drawing a t-SNE map",
            self._on_progressed,
            cancelled=self._on_cancelled,
        )

    def _after(self) -> bool:
        """End the current task; start the waiting one if any (True if one started)."""
        self._task = self._running = None
        if self._next is not None:
            self._start(self._next)
            return True
        self._controls.set_running(False)
        return False

    def _on_progressed(self, done: int, total: int) -> None:
        self._controls.progress.setRange(0, total)
        self._controls.progress.setValue(done)

    def _on_done(self, xy: np.ndarray) -> None:
        result = self._running
        self._cache = [(result.emb, result.map.rows.tobytes(), xy), *self._cache][:CACHED]
        self._after()  # a newer request of the same words may start: still show this one
        self._done(laid_out(result, xy))

    def _on_failed(self, message: str) -> None:
        self._after()
        self._failed(message)

    def _on_cancelled(self) -> None:
        if not self._after():
            self._cancelled()


def laid_out(result: MapResult, xy: np.ndarray) -> MapResult:
    """``result`` with its words at ``xy`` (a t-SNE has no analogy figure to draw)."""
    m = result.map
    return replace(result, map=WordMap(m.rows, m.words, xy, m.projection), shape=None, layout=TSNE)


def point_size(n: int) -> int:
    """Points shrink on big maps, so that groups do not merge into one blot."""
    return POINT_SIZE if n <= 2000 else 5 if n <= 20_000 else 3


def point_brushes(result: MapResult) -> list | None:
    """A brush per point for the result's colour groups (None: the one default colour)."""
    if result.groups is None:
        return None
    brushes = []
    for i in range(len(result.group_names)):
        c = QColor(PALETTE[i % len(PALETTE)])
        c.setAlpha(POINT.alpha())
        brushes.append(pg.mkBrush(c))
    return [brushes[g] for g in result.groups.tolist()]


def legend(result: MapResult) -> str:
    """The colour groups as rich text on a line of their own: a coloured square and a name
    each."""
    if result.groups is None:
        return ""
    counts = np.bincount(result.groups, minlength=len(result.group_names))
    return "<br>" + " ".join(
        f"<span style='color:{PALETTE[i % len(PALETTE)]}'>■</span>&nbsp;{name} ({n:,})"
        for i, (name, n) in enumerate(zip(result.group_names, counts.tolist(), strict=True))
    )


def describe(r: MapResult, tsne_running: bool) -> str:
    """The line under the map: what is shown and how it was laid out."""
    n = len(r.map.words)
    fitted = (
        "t-SNE of these words (by cosine similarity)"
        if r.layout == TSNE
        else f"axes from the {r.fit_words:,} most frequent words"
        if r.request.fit_frequent
        else "axes from the analogy's four words"
        if r.shape is not None
        else "axes from these words"
    )
    text = f"{n:,} words · {fitted} · hover a point for its nearest words"
    if tsne_running and r.layout != TSNE:
        text = "PCA while the t-SNE runs · " + text
    if r.shape is not None:
        a, b, c, d = r.shape.words
        text = (
            f"{a} → {c} and {b} → {d} (orange) carry the same relation; the ring is "
            f"{b} − {a} + {c}, where a perfect analogy would put {d}. " + text
        )
    if r.missing:
        text += f" · not in the vocabulary: {', '.join(r.missing)}"
    return text
