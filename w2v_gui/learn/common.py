"""What the Learn steps share: the story's state, background tasks, heat maps, tables.

The steps live in ``steps.py`` and ``training_steps.py``; the stepper that holds
them in ``panel.py``.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QThread, Slot
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
    QVBoxLayout,
    QWidget,
)

from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.vectors import Embeddings
from w2v_gui.core.vocab import Scan, TokenStream, Vocab
from w2v_gui.core.walkthrough import SkipGramPair, draw_reach, sentence_bounds, skipgram_pairs
from w2v_gui.worker import TaskWorker, start_in_thread

# Colours of the roles, as The Illustrated Word2Vec uses them.
INPUT_COLOUR = "#7b4fa6"  # the input (centre) word
CONTEXT_COLOUR = "#3f9a4a"  # an output (context) word, target 1
NEGATIVE_COLOUR = "#d04a3a"  # a negative sample, target 0
FADED = "#9a9a9a"
# Diverging: blue for negative numbers, white for 0, red for positive (as in the article).
DIVERGING = pg.ColorMap([0.0, 0.5, 1.0], [(49, 104, 180), (247, 247, 247), (202, 52, 44)])
TEXT_WIDTH = 330
SENTENCE_LENGTH = (8, 14)  # words in a sentence the window step shows


@dataclass(frozen=True)
class LearnData:
    """A corpus read and cut into a vocabulary, and the sentences the steps may show."""

    name: str
    scan: Scan
    vocab: Vocab
    stream: TokenStream
    starts: np.ndarray
    ends: np.ndarray
    shown: np.ndarray  # indices of sentences of a showable length
    config: TrainingConfig  # the settings the vocabulary was cut with

    def sentence(self, i: int) -> list[str]:
        ids = self.stream.ids[self.starts[i] : self.ends[i]]
        return [self.vocab.words[j] for j in ids]


def prepare(name: str, scan: Scan, config: TrainingConfig) -> LearnData:
    """Cut the vocabulary (slow on a big corpus: run in a worker) and index sentences."""
    vocab, stream = scan.build(config.min_count, config.max_vocab_size)
    starts, ends = sentence_bounds(stream)
    length = ends - starts
    shown = np.flatnonzero((length >= SENTENCE_LENGTH[0]) & (length <= SENTENCE_LENGTH[1]))
    if len(shown) == 0:
        shown = np.flatnonzero(length >= 2)
    if len(shown) == 0:
        shown = np.array([int(np.argmax(length))])
    return LearnData(name, scan, vocab, stream, starts, ends, shown, config)


class Story:
    """What the steps share: the corpus, the vectors, and the sentence being walked."""

    def __init__(self, config: TrainingConfig):
        self.config = config
        self.data: LearnData | None = None
        self.embeddings: Embeddings | None = None  # the app's model or snapshot
        self.quick: Embeddings | None = None  # a quick model trained here
        self.rng = np.random.default_rng(config.seed)
        self.sentence_index = 0
        self.window = min(config.window, 3)  # the article's size: the slide stays visible
        self.dynamic = True
        self.reach = np.zeros(0, dtype=int)
        self.centre = -1  # where the sliding window is

    def set_data(self, data: LearnData | None) -> None:
        self.data = data
        self.quick = None
        self.rng = np.random.default_rng(self.config.seed)
        if data is not None:
            self.pick_sentence(first=True)

    def vectors(self) -> Embeddings | None:
        return self.embeddings if self.embeddings is not None else self.quick

    # -- the sentence of the window step ---------------------------------------------------
    def pick_sentence(self, first: bool = False) -> None:
        """A new sentence (the first showable one at the start, then random ones)."""
        d = self.data
        self.sentence_index = int(d.shown[0] if first else self.rng.choice(d.shown))
        self.draw_reach()
        self.centre = -1

    def draw_reach(self) -> None:
        n = len(self.tokens())
        self.reach = (
            draw_reach(n, self.window, self.rng) if self.dynamic else np.full(n, self.window)
        )

    def set_window(self, window: int, dynamic: bool) -> None:
        self.window, self.dynamic = window, dynamic
        self.draw_reach()

    def tokens(self) -> list[str]:
        return self.data.sentence(self.sentence_index) if self.data is not None else []

    def pairs(self, upto: int | None = None) -> list[SkipGramPair[str]]:
        """The skip-gram table of the sentence, for centres up to ``upto`` (default: all)."""
        pairs = skipgram_pairs(self.tokens(), self.window, self.reach)
        return pairs if upto is None else [p for p in pairs if p.centre <= upto]

    def slice_sentences(self, max_words: int = 24) -> list[list[str]]:
        """The window step's sentence and the ones after it, up to ``max_words`` distinct
        words: the toy slice of the training step."""
        d = self.data
        out: list[list[str]] = []
        seen: set[str] = set()
        i = self.sentence_index
        while i < len(d.starts) and len(out) < 12:
            s = d.sentence(i)
            if len(seen | set(s)) > max_words and out:
                break
            if len(s) >= 2:
                out.append(s)
                seen |= set(s)
            i += 1
        return out


class _Task(QObject):
    """One function run in a TaskWorker, reporting back to callbacks on the GUI thread.

    A QObject living in the GUI thread: the worker's signals reach its bound slots
    queued, so the callbacks never run in the worker thread.
    """

    def __init__(self, runner: TaskRunner, fn, done, failed, progressed, doing: str):
        super().__init__(runner)
        self.stop = threading.Event()
        self._runner = runner
        self._done, self._failed, self._progressed = done, failed, progressed
        self.worker = TaskWorker(fn, self.stop, doing)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.worker.cancelled.connect(self._on_cancelled)
        self.worker.progressed.connect(self._on_progressed)
        self.thread: QThread = start_in_thread(self.worker, f"{runner.name}: {doing}")

    def _end(self) -> None:
        self._runner.tasks.discard(self)
        self.deleteLater()

    @Slot(object)
    def _on_finished(self, result: Any) -> None:
        self._end()
        if not self.stop.is_set():
            self._done(result)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._end()
        if not self.stop.is_set():
            self._failed(message)

    @Slot()
    def _on_cancelled(self) -> None:
        self._end()

    @Slot(object)
    def _on_progressed(self, progress: tuple[int, int]) -> None:
        if self._progressed is not None and not self.stop.is_set():
            self._progressed(*progress)


class TaskRunner(QObject):
    """Starts a panel's background work and stops all of it on shutdown (the Learn panel's,
    and the Evaluate panel's). ``name`` prefixes the threads' names."""

    def __init__(self, parent: QObject | None = None, name: str = "learn"):
        super().__init__(parent)
        self.name = name
        self.tasks: set[_Task] = set()

    def run(
        self,
        fn: Callable[[Callable[[int, int], None], threading.Event], Any],
        done: Callable[[Any], None],
        failed: Callable[[str], None],
        doing: str,
        progressed: Callable[[int, int], None] | None = None,
    ) -> _Task:
        task = _Task(self, fn, done, failed, progressed, doing)
        self.tasks.add(task)
        return task

    def cancel(self, task: _Task | None) -> None:
        if task is not None:
            task.stop.set()

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Ask every task to stop and wait for their threads."""
        for task in list(self.tasks):
            task.stop.set()
        for task in list(self.tasks):
            task.thread.quit()
            task.thread.wait(timeout_ms)
        self.tasks.clear()


# -- widgets ---------------------------------------------------------------------------------


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


class Page(QWidget):
    """A step's layout: title, text and controls in a column on the left, picture right."""

    title = ""  # the heading
    short = ""  # the name in the step list

    def __init__(self, story: Story, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.story = story
        self.tasks = tasks
        self.heading = QLabel(f"<h3 style='margin:0'>{html.escape(self.title)}</h3>", wordWrap=True)
        self.text = text_label(name=f"{type(self).__name__}Text")
        self.controls = QVBoxLayout()
        self.controls.setSpacing(6)
        left = QWidget()
        left.setFixedWidth(TEXT_WIDTH)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 8, 0)
        column.addWidget(self.heading)
        column.addWidget(self.text)
        column.addSpacing(6)
        column.addLayout(self.controls)
        column.addStretch(1)
        self.picture = QVBoxLayout()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(left)
        layout.addLayout(self.picture, 1)

    def refresh(self) -> None:
        """Redraw from the story (called when the step is shown or the story changed)."""

    def hidden(self) -> None:
        """The step was left: stop animations."""


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
