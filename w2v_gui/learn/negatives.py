"""Learn step 4: negative sampling, from the noise distribution."""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QPushButton,
    QSpinBox,
)

from w2v_gui.core.walkthrough import draw_negatives, noise_cdf
from w2v_gui.learn.drawing import (
    CONTEXT_COLOUR,
    NEGATIVE_COLOUR,
    fill,
    hbox,
    line_plot,
    note,
    table,
)
from w2v_gui.learn.page import Page, prose


def _one_in(p: float) -> str:
    """0.0625 -> '1 in 16' (readable for tiny probabilities too)."""
    n = 1 / p
    return f"1 in {n:,.0f}" if n < 1000 else f"1 in {float(f'{n:.2g}'):,.0f}"


class NegativesStep(Page):
    title = "4 · Negative sampling"
    short = "4  Negative sampling"
    cbow = "negatives"

    def __init__(self, story, parent=None):
        super().__init__(story, parent)
        self.text.setText(prose("negatives"))
        self.negative = QSpinBox(objectName="learnNegatives", minimum=1, maximum=20)
        self.negative.setValue(story.config.negative)
        self.negative.valueChanged.connect(self.redraw)
        self.exponent = QDoubleSpinBox(
            objectName="learnExponent", minimum=0.0, maximum=1.0, singleStep=0.05, decimals=2
        )
        self.exponent.setValue(story.config.ns_exponent)
        self.exponent.valueChanged.connect(self.redraw)
        form = QFormLayout()
        form.addRow("Negatives per pair", self.negative)
        form.addRow("Noise exponent", self.exponent)
        self.controls.addLayout(form)
        self.again = QPushButton("Draw again", objectName="learnDrawAgain")
        self.again.clicked.connect(self.redraw)
        self.controls.addLayout(hbox(self.again))
        self.shares = note(name="learnNoiseShares")
        self.controls.addWidget(self.shares)

        self.table = table(("input word", "output word", "target"), "learnSamples")
        self.curve = line_plot(
            "learnNoiseCurve",
            "Which words are drawn as negatives",
            "rank of the word (1 = most frequent)",
            "probability",
        )
        self._build_curve()
        self.picture.addWidget(self.table, 1)
        self.picture.addWidget(self.curve, 1)
        self.samples: list[tuple[str, str, int]] = []
        self.negatives = np.zeros((0, 0), dtype=np.int64)

    def _build_curve(self) -> None:
        item = self.curve.getPlotItem()
        item.setLogMode(x=True, y=True)
        legend = item.addLegend(offset=(-10, 10), labelTextSize="9pt")
        self.unigram = item.plot(pen=pg.mkPen("#888888", width=2), name="frequency (count¹)")
        self.noise = item.plot(pen=pg.mkPen(NEGATIVE_COLOUR, width=2.5), name="count^0.75")
        # A PlotDataItem, not a bare ScatterPlotItem: only these follow the log axes.
        self.drawn = item.plot(
            pen=None,
            symbol="o",
            symbolSize=9,
            name="drawn now",
            symbolBrush=NEGATIVE_COLOUR,
            symbolPen="w",
        )
        for side in ("bottom", "left"):
            item.getAxis(side).enableAutoSIPrefix(False)
        self._legend = legend
        self.curve.setMinimumHeight(220)

    def refresh(self) -> None:
        self.redraw()

    def positives(self):
        """The window step's pairs for its current centre (the first centre if none)."""
        story = self.story
        if story.data is None:
            return []
        pairs = story.pairs()
        c = story.centre if story.centre >= 0 else (pairs[0].centre if pairs else 0)
        return [p for p in pairs if p.centre == c]

    def redraw(self) -> None:
        story = self.story
        enabled = story.data is not None
        for w in (self.negative, self.exponent, self.again):
            w.setEnabled(enabled)
        if not enabled:
            self.table.setRowCount(0)
            self.shares.setText("Open a corpus first.")
            return
        vocab = story.data.vocab
        exponent = self.exponent.value()
        k = self.negative.value()
        pos = self.positives()
        cdf = noise_cdf(vocab, exponent)
        self.negatives = draw_negatives(cdf, (len(pos), k), story.rng)
        rows, colours = [], []
        for p, negs in zip(pos, self.negatives, strict=True):
            rows.append((p.input, p.output, 1))
            colours.append(CONTEXT_COLOUR)
            for n in negs:
                rows.append((p.input, vocab.words[n], 0))
                colours.append(NEGATIVE_COLOUR)
        self.samples = rows
        fill(self.table, rows, colours)
        # The curves: every word's probability by rank (the vocabulary is sorted by count).
        freq = vocab.noise_distribution(1.0)
        noise = vocab.noise_distribution(exponent)
        rank = np.arange(1, len(vocab) + 1, dtype=np.float64)
        # ~2,000 log-spaced ranks draw the same curves as a million points, much faster.
        shown = np.unique(np.geomspace(1, len(vocab), 2000).astype(np.int64)) - 1
        self.unigram.setData(rank[shown], freq[shown])
        self.noise.setData(rank[shown], noise[shown])
        self._legend.getLabel(self.noise).setText(f"count^{exponent:g}")
        drawn = np.unique(self.negatives)
        self.drawn.setData(rank[drawn], noise[drawn])
        self._share_note(freq, noise, exponent)

    def _share_note(self, freq: np.ndarray, noise: np.ndarray, exponent: float) -> None:
        words = self.story.data.vocab.words
        counts = self.story.data.vocab.counts
        rare = len(words) - 1
        self.shares.setText(
            f"In {html.escape(self.story.data.name)}, “{html.escape(words[0])}” is "
            f"{_one_in(freq[0])} words but only {_one_in(noise[0])} negatives at exponent "
            f"{exponent:g}; “{html.escape(words[rare])}” (seen {counts[rare]:,} times) is "
            f"{_one_in(freq[rare])} words but {_one_in(noise[rare])} negatives — "
            f"{noise[rare] / freq[rare]:.1f}× its share."
        )
