"""The vocabulary: Zipf's law, what min_count keeps, and a searchable table of words.

Counts come from the scanned corpus (every word, also those below min_count) or, when
only a model is open, from the model's own counts. The maths is ``core.pictures``; big
vocabularies are sorted and searched on a thread.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from w2v_gui import queries
from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.pictures.vocabulary import (
    VocabularyTable,
    corpus_counts,
    min_count_curve,
    vocabulary_table,
    zipf,
    zipf_fit,
)
from w2v_gui.core.vectors import Embeddings
from w2v_gui.explore.neighbours import DEBOUNCE_MS
from w2v_gui.tasks import Latest
from w2v_gui.widgets.plotting import ExportButton, export_plot

# Words beyond which the work runs on a thread (sorting 56,000 words took 75 ms here;
# searching them 12 ms).
SORT_ON_THREAD = 20_000
SEARCH_ON_THREAD = 200_000
CURVE = "#1f4e8c"
CUT = "#c03d3e"
FIT = "#d9822b"
DROPPED = QColor("#9a9a9a")
COLUMNS = ("#", "Word", "Count", "Per million", "Keep probability")


@dataclass(frozen=True, eq=False)
class VocabularyData:
    table: VocabularyTable
    zipf: tuple[np.ndarray, np.ndarray]
    fit: tuple[float, float]  # Zipf's s and c: count ≈ c · rank^−s
    curve: tuple[np.ndarray, np.ndarray, np.ndarray]
    source: str


def compute(words, counts, config: TrainingConfig, source: str) -> VocabularyData:
    table = vocabulary_table(words, counts, config.min_count, config.sample, config.max_vocab_size)
    return VocabularyData(
        table,
        zipf(table.counts),
        zipf_fit(table.counts),
        min_count_curve(table.counts),
        source,
    )


class WordsModel(QAbstractTableModel):
    """Rows of a :class:`~w2v_gui.core.pictures.VocabularyTable` (a search's matches)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table: VocabularyTable | None = None
        self.rows = np.zeros(0, dtype=np.int64)

    def set_rows(self, table: VocabularyTable | None, rows: np.ndarray) -> None:
        self.beginResetModel()
        self.table, self.rows = table, rows
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008 - Qt override
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008 - Qt override
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section]
            if role == Qt.ItemDataRole.ToolTipRole and section == 4:
                return (
                    "How often training keeps an occurrence of the word when "
                    "subsampling frequent words (the 'sample' setting)."
                )
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        t = self.table
        if t is None or not index.isValid():
            return None
        i = int(self.rows[index.row()])
        col = index.column()
        kept = i < t.kept
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return f"{i + 1:,}"
            if col == 1:
                return t.words[i]
            if col == 2:
                return f"{int(t.counts[i]):,}"
            if col == 3:
                return f"{t.counts[i] / t.total * 1e6:,.1f}"
            return f"{t.keep[i]:.3f}" if kept else "—"
        if role == Qt.ItemDataRole.TextAlignmentRole and col != 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and not kept:
            return DROPPED
        if role == Qt.ItemDataRole.ToolTipRole and not kept:
            return "Not in the vocabulary at these settings (min_count / max vocabulary size)."
        return None


def _plot(name: str, title: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(background="w")
    plot.setObjectName(name)
    plot.setTitle(title, color="#303030", size="10pt")
    plot.setMinimumSize(180, 170)
    plot.hideButtons()
    plot.setLogMode(True, True)
    plot.showGrid(x=True, y=True, alpha=0.15)
    for side in ("left", "bottom"):
        axis = plot.getAxis(side)
        axis.setTextPen("#404040")
        axis.setPen("#b0b0b0")
    # The range is set from the data (_fit_view). pyqtgraph's auto-range settles it over
    # several paints instead (new range, new ticks and axis width, labels moved, ...):
    # 7-11 repaints of the window, 180-310 ms, each time the tab showed a new corpus.
    plot.getViewBox().disableAutoRange()
    return plot


def _fit_view(plot: pg.PlotWidget, x: np.ndarray, *ys: np.ndarray) -> None:
    """Show every positive value of ``x`` and of the curves ``ys`` in a log-log plot."""
    ranges = []
    for v in (x, np.concatenate([np.asarray(y, dtype=np.float64) for y in ys])):
        v = np.asarray(v, dtype=np.float64)
        v = np.log10(v[v > 0])
        lo, hi = (float(v.min()), float(v.max())) if v.size else (0.0, 1.0)
        ranges.append((lo - 0.5, hi + 0.5) if hi - lo < 1e-9 else (lo, hi))
    plot.getViewBox().setRange(xRange=ranges[0], yRange=ranges[1], padding=0.05)


class VocabularyPanel(QWidget):
    """How the corpus's words are distributed and which of them training will use."""

    def __init__(self, config: TrainingConfig | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self._config = config or TrainingConfig()
        self._corpus: tuple[list[str], np.ndarray, str] | None = None
        self._emb: Embeddings | None = None
        self._emb_shown: Embeddings | None = None  # whose counts are on show
        self._data: VocabularyData | None = None
        self._stale = True

        self.zipf_plot = _plot("zipfPlot", "Zipf's law: count against rank")
        self.zipf_plot.setLabel("bottom", "rank (1 = most frequent)", color="#404040")
        self.zipf_plot.setLabel("left", "count", color="#404040")
        self.zipf_curve = self.zipf_plot.plot(pen=pg.mkPen(CURVE, width=2), name="words")
        self.zipf_fit = self.zipf_plot.plot(
            pen=pg.mkPen(FIT, width=1.5, style=Qt.PenStyle.DashLine)
        )
        self.zipf_cut = pg.InfiniteLine(
            angle=0, pen=pg.mkPen(CUT, width=1.2, style=Qt.PenStyle.DotLine)
        )
        self.zipf_cut_text = pg.TextItem(color=CUT, anchor=(0, 1))
        self.zipf_plot.addItem(self.zipf_cut, ignoreBounds=True)
        self.zipf_plot.addItem(self.zipf_cut_text, ignoreBounds=True)
        # Labels beside the lines, not a legend: a legend covers the curve in a narrow plot.
        self.zipf_fit_text = pg.TextItem(color=FIT, anchor=(1, 0))
        self.zipf_plot.addItem(self.zipf_fit_text, ignoreBounds=True)

        self.size_plot = _plot("minCountPlot", "What min_count keeps")
        self.size_plot.setLabel("bottom", "min_count", color="#404040")
        self.size_plot.setLabel("left", "words kept", color="#404040")
        self.size_curve = self.size_plot.plot(pen=pg.mkPen(CURVE, width=2))
        self.size_cut = pg.InfiniteLine(angle=90, pen=pg.mkPen(CUT, width=1.2))
        # A PlotDataItem, not a ScatterPlotItem: only the former follows the log axes.
        self.size_marker = pg.PlotDataItem(
            pen=None, symbol="o", symbolSize=9, symbolBrush=pg.mkBrush(CUT), symbolPen=None
        )
        self.size_text = pg.TextItem(color=CUT, anchor=(0, 1))  # bottom left, under the curve
        self.size_plot.addItem(self.size_cut, ignoreBounds=True)
        self.size_plot.addItem(self.size_marker)
        self.size_plot.addItem(self.size_text, ignoreBounds=True)
        self._exports = {"zipf": self.zipf_plot, "min_count": self.size_plot}

        plots = QSplitter(Qt.Orientation.Horizontal, childrenCollapsible=False)
        for name, plot in self._exports.items():
            box = QWidget()
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 0, 0, 0)
            box_layout.addWidget(plot, 1)
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(ExportButton(lambda p=plot: p.plotItem, f"{name}Export", name))
            box_layout.addLayout(row)
            plots.addWidget(box)

        self.search = QLineEdit(objectName="vocabularySearch", clearButtonEnabled=True)
        self.search.setMaxLength(queries.MAX_QUERY_CHARS)
        self.search.setPlaceholderText("Search words…")
        self.model = WordsModel(self)
        self.table = QTableView(objectName="vocabularyTable")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # Sized by the rows in view: by default ResizeToContents measures 1,000 rows, some
        # 64,000 Python data() calls and up to 1.9 s on the GUI thread at every reset (the
        # long session's longest stalls, showing this tab).
        header.setResizeContentsPrecision(0)
        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(self.search)
        table_layout.addWidget(self.table, 1)
        split = QSplitter(Qt.Orientation.Horizontal, childrenCollapsible=False)
        split.addWidget(plots)
        split.addWidget(table_box)
        split.setStretchFactor(0, 1)
        table_box.setMinimumWidth(300)
        split.setSizes([600, 400])

        self.message = QLabel(objectName="vocabularyMessage", wordWrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)

        self._work = Latest("sorting the vocabulary", self, done=self._show, show_overtaken=True)
        self._searching = Latest(
            "searching the vocabulary", self, done=self._show_matches, show_overtaken=True
        )
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.run_search)
        self.search.textEdited.connect(self._debounce.start)
        self.search.returnPressed.connect(self.run_search)
        self._show_message()

    # -- what the window calls ----------------------------------------------------------
    def set_corpus(self, info) -> None:
        """A scanned corpus (``session.CorpusInfo``): its counts of every word."""
        words, counts = corpus_counts(info.scan)
        self._corpus = (words, counts, info.name)
        self._changed()

    def set_embeddings(self, emb: Embeddings | None) -> None:
        """Vectors: their counts are shown only while no corpus is open."""
        self._emb = emb
        if self._corpus is not None:
            return
        # Snapshots of one run share one words tuple and equal counts: nothing to redo.
        shown = self._emb_shown
        if (
            emb is None
            or shown is None
            or emb.words is not shown.words
            or not np.array_equal(emb.counts, shown.counts)
        ):
            self._changed()

    def set_config(self, config: TrainingConfig) -> None:
        old = self._config
        self._config = config
        if (old.min_count, old.sample, old.max_vocab_size) != (
            config.min_count,
            config.sample,
            config.max_vocab_size,
        ):
            self._changed()

    def export(self, which: str, path: str) -> None:
        """Write the "zipf" or "min_count" plot to ``path`` (.png or .svg)."""
        export_plot(self._exports[which].plotItem, path)

    def table_words(self) -> list[str]:
        t = self.model.table
        return [t.words[i] for i in self.model.rows] if t is not None else []

    @property
    def busy(self) -> bool:
        return self._work.busy or self._searching.busy

    def refresh(self) -> None:
        self._stale = False
        config = self._config
        self._emb_shown = self._emb
        if self._corpus is not None:
            words, counts, name = self._corpus
            source = f"the corpus {name}"
        elif self._emb is not None and self._emb.counts.any():
            words, counts = self._emb.words, self._emb.counts
            source = "the model's counts (only the words it kept)"
        else:
            self._data = None
            self.model.set_rows(None, np.zeros(0, dtype=np.int64))
            self._show_message()
            return
        self._work.run(
            lambda: compute(words, counts, config, source), big=len(words) > SORT_ON_THREAD
        )

    def run_search(self) -> None:
        self._debounce.stop()
        data = self._data
        if data is None:
            return
        text = self.search.text()
        self._searching.run(
            lambda: (data, data.table.search(text)), big=len(data.table.words) > SEARCH_ON_THREAD
        )

    # -- drawing -----------------------------------------------------------------------
    def _changed(self) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def _show_message(self) -> None:
        if self._emb is not None and self._corpus is None:
            self.message.setText(
                "This model has no word counts (word2vec files do not "
                "store them): open its corpus to see them."
            )
        else:
            self.message.setText("No corpus yet: open one to see its vocabulary.")

    def _show(self, data: VocabularyData | Exception) -> None:
        if isinstance(data, Exception):
            self.message.setText(str(data))
            return
        self._data = data
        t = data.table
        config = self._config
        ranks, counts = data.zipf
        self.zipf_curve.setData(ranks, counts)
        s, c = data.fit
        fitted = c * ranks.astype(np.float64) ** -s if math.isfinite(s) else counts[:0]
        _fit_view(self.zipf_plot, ranks, counts, fitted)
        if math.isfinite(s):
            self.zipf_fit.setData(ranks, fitted)
            # Top right, where a falling curve leaves the plot empty.
            self.zipf_fit_text.setText(f"dashed: ∝ rank^−{s:.2f}")
            self.zipf_fit_text.setPos(math.log10(float(ranks[-1])), math.log10(float(counts[0])))
        else:
            self.zipf_fit.setData([], [])
            self.zipf_fit_text.setText("")
        self.zipf_cut.setPos(math.log10(max(config.min_count, 1)))
        # Labelled in place: an InfiniteLine in a legend crashes pyqtgraph 0.14 (segfault).
        self.zipf_cut_text.setText(f"min_count {config.min_count}")
        self.zipf_cut_text.setPos(0, math.log10(max(config.min_count, 1)))  # under the curve

        m, sizes, share = data.curve
        keep = sizes > 0
        self.size_curve.setData(m[keep], sizes[keep])
        _fit_view(self.size_plot, m[keep], sizes[keep])
        x = math.log10(max(config.min_count, 1))
        self.size_cut.setPos(x)
        kept_share = t.counts[: t.kept].sum() / t.total if t.total else 0.0
        if t.kept:
            self.size_marker.setData([config.min_count], [t.kept])
            self.size_text.setText(
                f"min_count {config.min_count}:\n{t.kept:,} words,\n{kept_share:.1%} of the tokens"
            )
            # Low in the plot, under the falling curve, beside the line on its wider side.
            right = x < math.log10(max(int(m[-1]), 10)) / 2
            self.size_text.setAnchor((-0.03, 1) if right else (1.03, 1))
            self.size_text.setPos(x, 0)
        else:
            self.size_marker.setData([], [])
            self.size_text.setText("")
        self.run_search()
        capped = (
            f", capped at {config.max_vocab_size:,}"
            if config.max_vocab_size and t.kept == config.max_vocab_size
            else ""
        )
        self.message.setText(
            f"From {data.source}: {len(t.words):,} distinct words, {t.total:,} tokens. "
            f"At min_count {config.min_count}{capped} training keeps {t.kept:,} words "
            f"({kept_share:.1%} of the tokens); grey rows are left out. Keep probabilities "
            f"are for sample = {config.sample:g}."
        )

    def _show_matches(self, result) -> None:
        if isinstance(result, Exception):
            self.message.setText(str(result))
            return
        data, rows = result
        if data is self._data:
            self.model.set_rows(data.table, rows)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._stale:
            self.refresh()
