"""The 2-D map: chosen words projected with PCA or laid out by t-SNE, labelled, coloured
by frequency or k-means group, an analogy as a parallelogram.

The maths is ``core.pictures``; this panel asks it and draws. All points are one
``ScatterPlotItem``; labels are one item that paints a thinned, non-overlapping subset
(recomputed shortly after the view changes, so panning moves the labels it has at
every frame and re-thins once the view rests). Work on many words runs off the GUI
thread; nothing is computed while the panel is hidden.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from w2v_gui import queries
from w2v_gui.core.pictures.labels import thin_labels
from w2v_gui.core.pictures.projection import Parallelogram
from w2v_gui.core.pictures.words import parse_words
from w2v_gui.explore import map_layout as layout_
from w2v_gui.explore.map_layers import (
    FOUND,
    IDEAL_SIZE,
    LABEL_OFFSET,
    POINT,
    POINT_SIZE,
    RELATION,
    STRONG,
    STRONG_SIZE,
    LabelLayer,
    ShapeLayer,
)
from w2v_gui.explore.map_pointer import PointerMixin
from w2v_gui.explore.map_words import (
    ANALOGY,
    DEFAULT_COUNTS,
    DEFAULT_WORDS,
    FIT_TOP,
    FREQUENT,
    GROUPS,
    KMEANS,
    MODES,
    NEIGHBOURS,
    TSNE,
    WORDS,
    MapRequest,
    MapResult,
    compute,
)
from w2v_gui.explore.neighbours import DEBOUNCE_MS
from w2v_gui.explore.words import Vocabulary
from w2v_gui.tasks import Latest
from w2v_gui.widgets.plotting import ExportButton, LazyPicture, export_plot

# Estimated multiply-adds beyond which a thread does the work (~10-20 ms on one core):
# a PCA costs about words × dimensions², ranking the vocabulary words × dimensions.
BIG_WORK = 20_000_000
RETHIN_MS = 60  # labels are re-thinned this long after the view stops changing
MAX_LABELS = 400


class MapPanel(PointerMixin, LazyPicture):
    """Words as points on a plane: the two directions along which they differ most."""

    def __init__(
        self,
        vocabulary: Vocabulary,
        analogy: tuple[str, str, str] = ("", "", ""),
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self._analogy = tuple(analogy)
        self._result: MapResult | None = None
        self._widths = np.zeros(0)
        self._label_xy = np.zeros((0, 2))
        self._priority = np.zeros(0)
        self._always = 0
        self._prefer: np.ndarray | None = None
        self._width_cache: dict[str, float] = {}
        self._hovered: int | None = None
        self._word_at: dict[str, int] = {}
        self.found_word = ""  # the word the find field highlights, if on the map
        self.hover_text = ""
        self._counts = dict(DEFAULT_COUNTS)
        self._texts = {WORDS: DEFAULT_WORDS, NEIGHBOURS: "king"}

        self.mode = QComboBox(objectName="mapMode")
        for key, text in MODES:
            self.mode.addItem(text, key)
        self.mode.setToolTip("Which words to place on the map")
        self.words = QLineEdit(objectName="mapWords", clearButtonEnabled=True)
        self.words.setMaxLength(queries.MAX_LIST_CHARS)
        self.words.setCompleter(vocabulary.completer(self.words))
        self.count = QSpinBox(objectName="mapCount", minimum=1, maximum=1_000_000, singleStep=10)
        self.count.setGroupSeparatorShown(True)
        self.fit = QComboBox(objectName="mapFit")
        self.fit.addItem("PCA of the words shown", False)
        self.fit.addItem(f"PCA of the {FIT_TOP:,} most frequent", True)
        self.fit.setToolTip(
            "Which words choose the map's two axes: the words shown (their own two main "
            "directions of difference) or the most frequent words (the same axes for "
            "every choice, so maps can be compared)."
        )
        self.export_button = ExportButton(lambda: self.plot.plotItem, "mapExport", "map")
        self.hint = QLabel(objectName="mapHint")  # stands where the words field is not
        controls = QHBoxLayout()
        controls.addWidget(self.mode)
        controls.addWidget(self.words, 1)
        controls.addWidget(self.hint, 1)
        controls.addWidget(self.count)
        controls.addWidget(self.export_button)
        self.extras = layout_.MapControls()
        self.extras.layout().insertWidget(1, self.fit)

        self.plot = pg.PlotWidget(background="w")
        self.plot.setObjectName("mapPlot")
        self.plot.setMinimumHeight(200)
        self.plot.setAspectLocked(True)  # distances in the plane mean something
        self.plot.hideButtons()
        self.plot.plotItem.vb.setDefaultPadding(0.06)
        for side in ("left", "bottom"):
            # Coordinates along principal directions mean nothing to read off. No grid
            # either: its lines cost ~15 ms a frame, more than 10,000 points.
            axis = self.plot.getAxis(side)
            axis.setStyle(showValues=False)
            axis.enableAutoSIPrefix(False)
            axis.setTextPen("#707070")
            axis.setPen("#b0b0b0")
        font = QFont(self.font())
        self._metrics = QFontMetricsF(font)
        self.points = pg.ScatterPlotItem(size=POINT_SIZE, pen=None, brush=pg.mkBrush(POINT))
        self.strong_points = pg.ScatterPlotItem(
            size=STRONG_SIZE, pen=pg.mkPen("w", width=1.5), brush=pg.mkBrush(STRONG)
        )
        self.ideal = pg.ScatterPlotItem(
            size=IDEAL_SIZE, pen=pg.mkPen(RELATION, width=2), brush=pg.mkBrush(255, 255, 255, 0)
        )
        self.ring = pg.ScatterPlotItem(
            size=17, pen=pg.mkPen("#202020", width=1.5), brush=pg.mkBrush(0, 0, 0, 0)
        )
        self.found = pg.ScatterPlotItem(
            size=21, pen=pg.mkPen(FOUND, width=3), brush=pg.mkBrush(0, 0, 0, 0)
        )
        self.found_label = pg.TextItem(color=FOUND, anchor=(-0.15, 1.1))
        self.labels = LabelLayer(font)
        self.found_label.setFont(self.labels.bold_font)
        self.shape = ShapeLayer()
        for item in (self.points, self.strong_points, self.ideal, self.ring, self.found):
            self.plot.addItem(item)
        self.plot.addItem(self.found_label, ignoreBounds=True)
        self.plot.addItem(self.shape, ignoreBounds=True)
        self.plot.addItem(self.labels)

        self.message = QLabel(objectName="mapMessage", wordWrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(controls)
        layout.addWidget(self.extras)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.message)

        self._work = Latest("projecting words", self, done=self._show, show_overtaken=True)
        self._tsne = layout_.TsneJob(
            self.extras, self._show, self.message.setText, self._on_tsne_cancelled, self
        )
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.refresh)
        self._rethin = QTimer(self, singleShot=True, interval=RETHIN_MS)
        self._rethin.timeout.connect(self._thin)
        self.mode.currentIndexChanged.connect(self._on_mode_changed)
        self.words.textEdited.connect(self._on_words_edited)
        self.words.returnPressed.connect(self.refresh)
        self.count.valueChanged.connect(self._on_count_changed)
        self.fit.currentIndexChanged.connect(self.refresh)
        self.extras.layout_box.currentIndexChanged.connect(self.refresh)
        self.extras.colour.currentIndexChanged.connect(self.refresh)
        self.extras.find.textEdited.connect(self._on_find)
        self.extras.find.returnPressed.connect(self._on_find)
        self.plot.plotItem.vb.sigRangeChanged.connect(self._on_view_changed)
        self.plot.plotItem.vb.sigResized.connect(self._on_view_changed)
        self.plot.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)
        self._on_mode_changed()

    # -- what the window calls ----------------------------------------------------------
    def set_analogy(self, words: tuple[str, str, str]) -> None:
        self._analogy = tuple(words)
        self._update_hint()
        if self.mode.currentData() == ANALOGY:
            self.refresh_if_visible()

    def _update_hint(self) -> None:
        a, b, c = (w or "?" for w in self._analogy)
        self.hint.setText(
            f"{a} is to {b} as {c} is to ?  (from the Analogy panel)"
            if self.mode.currentData() == ANALOGY
            else "the words the corpus uses most"
        )

    def set_mode(self, mode: str, text: str | None = None, count: int | None = None) -> None:
        """Show ``mode`` (WORDS, NEIGHBOURS, ANALOGY, FREQUENT) with ``text``/``count``."""
        if text is not None:
            self._texts[mode] = text
        if count is not None:
            self._counts[mode] = count
        index = self.mode.findData(mode)
        if index == self.mode.currentIndex():
            self._on_mode_changed()
        else:
            self.mode.setCurrentIndex(index)

    def export(self, path: str) -> None:
        export_plot(self.plot.plotItem, path)

    def shown_words(self) -> tuple[str, ...]:
        m = self._result.map if self._result else None
        return m.words if m is not None else ()

    def labelled_words(self) -> list[str]:
        return self.labels.shown()

    @property
    def busy(self) -> bool:
        return self._work.busy or self._tsne.busy

    def refresh(self) -> None:
        """Recompute the map for the current choice (on a thread if it is big)."""
        self._debounce.stop()
        if self._emb is None:
            self._clear()
            self.message.setText("No vectors yet: train on a corpus or open a model.")
            return
        self._stale = False
        mode = self.mode.currentData()
        text = self.words.text()
        layout = self.extras.layout_box.currentData()
        self.fit.setVisible(layout != TSNE)
        if layout != TSNE:
            self._tsne.cancel()
        req = MapRequest(
            mode,
            text,
            self.count.value(),
            self._analogy,
            bool(self.fit.currentData()),
            layout,
            self.extras.colour.currentData(),
        )
        emb = self._emb
        n = min(
            len(emb),
            {
                WORDS: len(parse_words(text)),
                NEIGHBOURS: req.count,
                ANALOGY: req.count,
                FREQUENT: req.count,
            }[mode],
        )
        d = emb.vector_size
        work = (n + (FIT_TOP if req.fit_frequent else 0)) * d * d
        if mode in (NEIGHBOURS, ANALOGY):
            work += len(emb) * d
        if mode == FREQUENT:
            work += len(emb) * 20  # sorting the counts
        if req.colour == KMEANS:
            work += n * d * GROUPS * 60  # three seedings of ~20 Lloyd iterations
        self._work.run(lambda: compute(emb, req), big=work > BIG_WORK)

    # -- drawing -----------------------------------------------------------------------
    def _clear(self) -> None:
        self._result = None
        self.points.setData([], [])
        self.strong_points.setData([], [])
        self.labels.set_points(np.zeros((0, 2)), (), 0)
        self._draw_shape(None)
        self._set_hovered(None)

    def _show(self, result: MapResult | Exception) -> None:
        if isinstance(result, Exception):
            self.message.setText(str(result))
            return
        self._set_hovered(None)
        previous = self._result if self._result is not None else None
        if result.error:
            self._clear()
            self.message.setText(result.error)
            return
        if result.request.layout == TSNE and result.layout != TSNE:
            cached = self._tsne.cached(result)
            if cached is None and len(result.map.rows) >= 5:
                self._tsne.request(result)  # PCA (or the last t-SNE) shows meanwhile
                cached = self._tsne.cached(result, older=True)
            result = cached or result
        self._result = result
        m = result.map
        xy = m.xy
        self._word_at = {w: i for i, w in enumerate(m.words)}
        brush = layout_.point_brushes(result) or pg.mkBrush(POINT)
        self.points.setData(pos=xy, brush=brush, size=layout_.point_size(len(xy)))
        self.strong_points.setData(pos=xy[: result.strong])
        texts, label_xy = m.words, xy
        if result.shape is not None:
            a, b, c, _ = result.shape.words
            texts = texts + (f"{b} − {a} + {c}",)
            label_xy = np.vstack([xy, result.shape.ideal[None, :]])
        self._widths = self._label_widths(texts, result.strong)
        if result.shape is not None:
            self._widths[-1] += IDEAL_SIZE / 2 + 3 - LABEL_OFFSET  # its ring is bigger
        # The ideal corner's label comes right after the query's own words.
        self._priority = np.arange(len(texts), dtype=np.float64)
        if result.shape is not None:
            self._priority[-1] = result.strong - 0.5
        self._always = result.strong + (result.shape is not None)
        # An analogy's labels go outwards, away from the arrows inside its figure.
        self._prefer = None
        if result.shape is not None:
            centre = result.shape.corners.mean(axis=0)[0]
            self._prefer = np.ones(len(texts))
            self._prefer[:4] = np.where(result.shape.corners[:, 0] < centre, -1, 1)
            self._prefer[-1] = -1 if result.shape.ideal[0] < centre else 1
        widest = self._widths[np.argsort(self._priority)[: self._always]].max(initial=40.0)
        self.labels.set_points(
            label_xy,
            texts,
            result.strong,
            result.shape is not None,
            min(widest + LABEL_OFFSET, 200.0),
        )
        self._label_xy = label_xy
        self._draw_shape(result.shape)
        ex = m.projection.explained
        tsne = result.layout == TSNE
        self.plot.setLabel(
            "bottom",
            "t-SNE: near words are similar; distances between groups mean little"
            if tsne
            else f"first principal direction · {ex[0]:.0%} of the variance",
        )
        self.plot.setLabel("left", "" if tsne else f"second · {ex[1]:.0%}")
        if (
            previous is None
            or result.request != previous.request
            or result.layout != previous.layout
        ):
            # A new choice of words is framed whole; new vectors for the same choice (a
            # training snapshot) keep the user's zoom, if any.
            self.plot.plotItem.vb.enableAutoRange()
        vb = self.plot.plotItem.vb
        if any(vb.autoRangeEnabled()):
            vb.updateAutoRange()  # now, not at the next paint: labels are thinned for it
        self._thin()
        self._on_find()
        key = layout_.legend(result)
        self.message.setText(layout_.describe(result, self._tsne.busy) + key)

    def _label_widths(self, words: tuple[str, ...], strong: int) -> np.ndarray:
        """Label widths in pixels, remembered per word: measuring 10,000 words costs
        ~30 ms, and every training snapshot shows the same words again."""
        cache = self._width_cache
        if len(cache) > 500_000:
            cache.clear()
        measure = self._metrics.horizontalAdvance
        widths = np.array(
            [cache[w] if w in cache else cache.setdefault(w, measure(w)) for w in words]
        )
        bold = QFontMetricsF(self.labels.bold_font)
        widths[:strong] = [bold.horizontalAdvance(w) for w in words[:strong]]
        return widths

    def _draw_shape(self, shape: Parallelogram | None) -> None:
        self.shape.set_shape(shape)
        self.ideal.setData(pos=shape.ideal[None, :] if shape is not None else np.zeros((0, 2)))

    def _thin(self) -> None:
        self._rethin.stop()
        r = self._result
        if r is None or r.map is None:
            return
        view, size = self._view_geometry()
        self.labels.set_shown(
            thin_labels(
                self._label_xy,
                self._widths,
                self._metrics.height(),
                view,
                size,
                self._priority,
                max_labels=MAX_LABELS,
                offset=LABEL_OFFSET,
                always=self._always,
                radius=POINT_SIZE / 2 + 1,
                prefer=self._prefer,
            )
        )

    def _on_view_changed(self, *_args) -> None:
        self._rethin.start()

    def _on_tsne_cancelled(self) -> None:
        self.extras.choose_pca()  # what the map shows: a refresh would start t-SNE again
        self.fit.setVisible(True)
        if self._result is not None and self._result.map is not None:
            self.message.setText(layout_.describe(self._result, False) + " · t-SNE cancelled")

    # -- controls -------------------------------------------------------------------------
    def _on_mode_changed(self, *_args) -> None:
        mode = self.mode.currentData()
        self.words.setVisible(mode in (WORDS, NEIGHBOURS))
        self.hint.setVisible(mode not in (WORDS, NEIGHBOURS))
        self._update_hint()
        self.words.setText(self._texts.get(mode, ""))
        self.words.setPlaceholderText(
            {WORDS: "Words to place, e.g. king, queen, man, woman", NEIGHBOURS: "A word"}.get(
                mode, ""
            )
        )
        self.count.setVisible(mode != WORDS)
        self.count.blockSignals(True)
        self.count.setValue(self._counts[mode])
        self.count.blockSignals(False)
        self.count.setPrefix(
            {NEIGHBOURS: "nearest ", ANALOGY: "+ next ", FREQUENT: "top "}.get(mode, "")
        )
        self.count.setToolTip(
            {
                NEIGHBOURS: "How many neighbours to show",
                ANALOGY: "How many further answers to show beside the best",
                FREQUENT: "How many of the most frequent words",
            }.get(mode, "")
        )
        self.refresh_if_visible()

    def _on_words_edited(self, text: str) -> None:
        self._texts[self.mode.currentData()] = text
        self._debounce.start()

    def _on_count_changed(self, value: int) -> None:
        self._counts[self.mode.currentData()] = value
        self._debounce.start()
