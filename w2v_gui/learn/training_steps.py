"""Learn steps 4–6: negative sampling, one training step, hyperparameters side by side."""

from __future__ import annotations

import html
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
)

from w2v_gui.core.errors import UnknownWordError
from w2v_gui.core.walkthrough import PairStep, ToyModel, draw_negatives, noise_cdf, quick_train
from w2v_gui.learn.common import (
    CONTEXT_COLOUR,
    INPUT_COLOUR,
    NEGATIVE_COLOUR,
    HeatMap,
    Page,
    coloured,
    fill,
    hbox,
    line_plot,
    note,
    table,
)

# -- step 4 ------------------------------------------------------------------------------------


def _one_in(p: float) -> str:
    """0.0625 -> '1 in 16' (readable for tiny probabilities too)."""
    n = 1 / p
    return f"1 in {n:,.0f}" if n < 1000 else f"1 in {float(f'{n:.2g}'):,.0f}"


class NegativesStep(Page):
    title = "4 · Negative sampling"
    short = "4  Negative sampling"

    def __init__(self, story, tasks, parent=None):
        super().__init__(story, tasks, parent)
        self.text.setText(
            "Predicting the output word among all words is costly. Skip-gram with negative "
            "sampling asks an easier question instead: <i>is this word a real neighbour?</i> "
            "The table's pairs get <b>target 1</b>; for each, a few random words — "
            "<b>negatives</b>, almost never real neighbours — get <b>target 0</b>.<br><br>"
            "Negatives are drawn by frequency raised to the power 0.75: frequent words "
            "still come up most, but less than their share of the text, and rare words get "
            "a chance (the red curve lies above the grey one on the right)."
        )
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


# -- step 5 ------------------------------------------------------------------------------------

TOY_DIMENSIONS = 8
TOY_LR = 0.1
STEPS_PER_TICK = 40


class TrainingStep(Page):
    title = "5 · One training step"
    short = "5  One training step"

    def __init__(self, story, tasks, parent=None):
        super().__init__(story, tasks, parent)
        self.text.setText(
            "Two matrices, one row per word: the <b>embedding</b> matrix (inputs) and the "
            "<b>context</b> matrix (outputs), here for the words of a few sentences. For a "
            "pair: look up the input's row and the output's and negatives' rows, take the "
            "<b>dot products</b>, squash them with the <b>sigmoid</b> σ into 0…1, and "
            "compute <b>error = target − σ</b>. Each row then moves a little "
            "(learning rate × error × the other row) so the next guess is better.<br><br>"
            "The context matrix starts at zero (as in word2vec), so the first scores are 0 "
            "and σ = 0.5. Repeat over the whole text and the loss falls. At the end the "
            "context matrix is thrown away: the embedding matrix is the word vectors."
        )
        self.pair = QComboBox(objectName="learnPair")
        self.pair.currentIndexChanged.connect(self._on_pair_changed)
        self.lr = QDoubleSpinBox(
            objectName="learnRate",
            minimum=0.001,
            maximum=5.0,
            singleStep=0.025,
            decimals=3,
            value=TOY_LR,
        )
        self.lr.setToolTip(
            f"Your setting is {story.config.alpha:g}; a toy slice shows "
            "its progress sooner with a larger step."
        )
        self.lr.valueChanged.connect(self._on_pair_changed)
        form = QFormLayout()
        form.addRow("Pair", self.pair)
        form.addRow("Learning rate", self.lr)
        self.controls.addLayout(form)
        self.redraw_button = QPushButton("New negatives", objectName="learnNewNegatives")
        self.redraw_button.clicked.connect(self._on_pair_changed)
        self.apply_button = QPushButton("Take this step", objectName="learnApplyStep")
        self.apply_button.clicked.connect(self._on_apply_clicked)
        self.controls.addLayout(hbox(self.apply_button, self.redraw_button))
        self.train_buttons = []
        for n in (1, 100, 1000):
            b = QPushButton(f"Train {n:,}", objectName=f"learnTrain{n}")
            b.clicked.connect(lambda _=False, n=n: self.train(n))
            self.train_buttons.append(b)
        self.controls.addLayout(hbox(*self.train_buttons))
        self.reset_button = QPushButton("Start over", objectName="learnToyReset")
        self.reset_button.clicked.connect(self.rebuild)
        self.discard_button = QPushButton(
            "Discard the context matrix", checkable=True, objectName="learnDiscard"
        )
        self.discard_button.toggled.connect(self._on_discard_toggled)
        self.controls.addLayout(hbox(self.reset_button, self.discard_button))
        self.status = note(name="learnToyStatus")
        self.controls.addWidget(self.status)

        self.embedding_map = HeatMap("learnEmbeddingMatrix", "Embedding matrix")
        self.context_map = HeatMap("learnContextMatrix", "Context matrix")
        self.changes = HeatMap("learnChanges", "The rows this step changes")
        self.maths = table(
            ("output word", "target", "input · output", "σ", "error"), "learnStepTable", stretch=0
        )
        self.maths.setMinimumHeight(160)
        self.loss_plot = line_plot("learnToyLoss", "Loss of the slice", "steps", "loss per pair")
        item = self.loss_plot.getPlotItem()
        item.getAxis("bottom").enableAutoSIPrefix(False)
        self.loss_curve = item.plot(
            pen=pg.mkPen("#1f4e8c", width=2),
            symbol="o",
            symbolSize=4,
            symbolBrush="#1f4e8c",
            symbolPen=None,
        )
        self.discarded = note(name="learnDiscarded")
        self.discarded.setStyleSheet("padding:10px; background:#f4f4f4")
        # The context matrix and the note that replaces it share one place of fixed size.
        self.context_place = QStackedWidget()
        self.context_place.addWidget(self.context_map)
        self.context_place.addWidget(self.discarded)
        grid = QGridLayout()
        grid.setSpacing(6)
        grid.addWidget(self.embedding_map, 0, 0)
        grid.addWidget(self.context_place, 0, 1)
        grid.addWidget(self.changes, 0, 2)
        grid.addWidget(self.maths, 1, 0, 1, 2)
        grid.addWidget(self.loss_plot, 1, 2)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(2, 3)
        self.picture.addLayout(grid)

        self.toy: ToyModel | None = None
        self._toy_for: tuple | None = None
        self.preview: PairStep | None = None
        self.negs = np.zeros(0, dtype=np.int64)
        self.losses: list[tuple[int, float]] = []
        self._left = 0
        self._timer = QTimer(self, interval=0)
        self._timer.timeout.connect(self._on_train_tick)

    # -- the toy ------------------------------------------------------------------------
    def refresh(self) -> None:
        story = self.story
        key = (id(story.data), story.sentence_index, story.window)
        if story.data is None:
            self.toy = None
        elif key != self._toy_for:
            self.rebuild()
            return
        self._draw()

    def rebuild(self) -> None:
        """A fresh toy on the window step's sentence and the ones after it."""
        story = self.story
        self._timer.stop()
        self.discard_button.setChecked(False)
        if story.data is None:
            self.toy = None
            self._draw()
            return
        self._toy_for = (id(story.data), story.sentence_index, story.window)
        vocab = story.data.vocab
        weights = vocab.noise_distribution(story.config.ns_exponent)
        sentences = story.slice_sentences()
        words = {w for s in sentences for w in s}
        self.toy = ToyModel(
            sentences,
            {w: float(weights[vocab.index[w]]) for w in words},
            vector_size=TOY_DIMENSIONS,
            window=story.window,
            negative=story.config.negative,
            seed=story.config.seed,
        )
        self.losses = [(0, self.toy.loss())]
        self.pair.blockSignals(True)
        self.pair.clear()
        toy = self.toy
        self.pair.addItems([f"{toy.words[c]} → {toy.words[o]}" for c, o in toy.pairs])
        self.pair.blockSignals(False)
        self._on_pair_changed()

    def _on_pair_changed(self) -> None:
        """Draw negatives for the chosen pair and compute (not apply) its step."""
        if self.toy is None:
            return
        self.negs = self.toy.draw_negatives()
        self._preview()
        self._draw()

    def _preview(self) -> None:
        toy = self.toy
        i = max(self.pair.currentIndex(), 0)
        self.preview = toy.step(i, self.negs, lr=self.lr.value(), apply=False)

    def _on_apply_clicked(self) -> None:
        toy = self.toy
        if toy is None:
            return
        toy.step(max(self.pair.currentIndex(), 0), self.negs, lr=self.lr.value())
        self.losses.append((toy.steps, toy.loss()))
        self.status.setText(f"Applied. {toy.steps:,} steps so far.")
        # Show the same pair again: the new numbers after the step.
        self._preview()
        self._draw(applied=True)

    def train(self, steps: int) -> None:
        """Run ``steps`` SGD steps through the slice's table, a few per event-loop turn."""
        if self.toy is None:
            return
        self._left = steps
        for b in self.train_buttons + [self.apply_button]:
            b.setEnabled(False)
        self._timer.start()

    def _on_train_tick(self) -> None:
        toy = self.toy
        t0 = time.perf_counter()
        n = 0
        every = max(1, (toy.steps + self._left) // 200)
        while self._left and time.perf_counter() - t0 < 0.025:
            toy.step(lr=self.lr.value())
            self._left -= 1
            n += 1
            if toy.steps % every == 0 or not self._left:
                self.losses.append((toy.steps, toy.loss()))
        self._draw_loss()
        if not self._left:
            self._timer.stop()
            for b in self.train_buttons + [self.apply_button]:
                b.setEnabled(True)
            self.status.setText(
                f"{toy.steps:,} steps so far; loss per pair "
                f"{self.losses[-1][1]:.3f} (it started at "
                f"{self.losses[0][1]:.3f})."
            )
            self._preview()
            self._draw()

    @property
    def training(self) -> bool:
        return self._timer.isActive()

    def hidden(self) -> None:
        pass  # training a toy is short; let it finish

    def _on_discard_toggled(self, on: bool) -> None:
        self.context_place.setCurrentIndex(1 if on else 0)
        self._draw()

    # -- drawing -------------------------------------------------------------------------
    def _draw(self, applied: bool = False) -> None:
        toy, s = self.toy, self.preview
        for w in [
            self.pair,
            self.lr,
            self.redraw_button,
            self.reset_button,
            self.discard_button,
            *self.train_buttons,
            self.apply_button,
        ]:
            w.setEnabled(toy is not None and not self.training)
        if toy is None or s is None:
            self.status.setText("Open a corpus first.")
            return
        words = toy.words
        limit = max(float(np.abs(toy.W_in).max()), float(np.abs(toy.W_out).max()), 0.05)
        self.embedding_map.set_matrix(toy.W_in, words, {s.centre: INPUT_COLOUR}, limit=limit)
        out_colours = {int(o): NEGATIVE_COLOUR for o in s.negatives}
        out_colours[s.context] = CONTEXT_COLOUR
        self.context_map.set_matrix(toy.W_out, words, out_colours, limit=limit)
        names = [words[o] for o in s.outputs]
        roles = ["context"] + ["negative"] * len(s.negatives)
        fill(
            self.maths,
            [
                (f"{n} ({r})", int(t), float(sc), float(sg), float(e))
                for n, r, t, sc, sg, e in zip(
                    names, roles, s.targets, s.scores, s.sigmoids, s.errors, strict=True
                )
            ],
            [CONTEXT_COLOUR] + [NEGATIVE_COLOUR] * len(s.negatives),
        )
        self._draw_changes(s, words, limit)
        self._draw_loss()
        if not applied and not self.training:
            self.status.setText(
                f"Input {coloured(words[s.centre], INPUT_COLOUR)}, output "
                f"{coloured(words[s.context], CONTEXT_COLOUR)}, "
                f"{len(s.negatives)} negatives. Loss of this pair "
                f"{s.loss:.3f}; of the whole slice {self.losses[-1][1]:.3f} after "
                f"{toy.steps:,} steps."
                + (" (This step hit the engine's step cap.)" if s.capped else "")
            )
        if self.discard_button.isChecked():
            self._draw_discarded()

    def _draw_changes(self, s: PairStep, words: tuple[str, ...], limit: float) -> None:
        """Each row the step touches: before | its change (magnified) | after."""
        change = np.vstack([s.input_update, *s.output_updates])
        biggest = max(float(np.abs(change).max()), 1e-12)
        # Magnify changes by a power of ten so the largest spans about the matrices' scale.
        self.magnify = 10.0 ** max(0, int(np.floor(np.log10(limit / biggest))))
        before = np.vstack([s.input_before, *s.outputs_before])
        after = np.vstack([s.input_after, *s.outputs_after])
        gap = np.full((len(before), 1), np.nan)
        d = before.shape[1]
        names = [f"{words[s.centre]} (input)"] + [
            f"{words[o]} ({'context' if j == 0 else 'negative'})" for j, o in enumerate(s.outputs)
        ]
        colours = {0: INPUT_COLOUR, 1: CONTEXT_COLOUR}
        colours.update({j: NEGATIVE_COLOUR for j in range(2, len(names))})
        times = f" × {self.magnify:,.0f}" if self.magnify > 1 else ""
        self.changes.set_matrix(
            np.hstack([before, gap, change * self.magnify, gap, after]),
            names,
            colours,
            limit=limit,
            ticks=[(d / 2, "before"), (1.5 * d + 1, f"change{times}"), (2.5 * d + 2, "after")],
        )
        self.changes.setToolTip(
            "Each row the step touches: before, its change (learning rate × error × the "
            "other row, magnified to be visible) and after."
        )

    def _draw_loss(self) -> None:
        if self.losses:
            x, y = zip(*self.losses, strict=True)
            self.loss_curve.setData(np.array(x, dtype=float), np.array(y))
            item = self.loss_plot.getPlotItem()
            item.setXRange(0, max(x[-1], 10), padding=0.02)
            item.setYRange(min(0.0, *y), max(y) * 1.05, padding=0)

    def _draw_discarded(self) -> None:
        toy, s = self.toy, self.preview
        emb = toy.embeddings()
        word = toy.words[s.centre]
        near = ", ".join(f"{html.escape(w)} ({c:.2f})" for w, c in emb.most_similar(word, topn=3))
        self.discarded.setText(
            "<b>Context matrix discarded.</b><br><br>Training keeps the embedding matrix: "
            f"{len(toy.words)} words × {toy.W_in.shape[1]} numbers, the word vectors."
            f"<br><br>Nearest to {coloured(word, INPUT_COLOUR)} after {toy.steps:,} "
            f"steps: {near}.<br><br>On a few sentences this means little; on a whole "
            "corpus it is the model of the Train tab."
        )

    def shown_numbers(self) -> list[list[str]]:
        return [
            [self.maths.item(r, c).text() for c in range(5)] for r in range(self.maths.rowCount())
        ]


# -- step 6 ------------------------------------------------------------------------------------

COMPARE_TOKENS = 300_000
COMPARE_TOPN = 15
UNIQUE_COLOUR = "#1f4e8c"
COMPARE_SETTINGS = {"vector_size": 50, "epochs": 3, "workers": 1}


class HyperStep(Page):
    title = "6 · Hyperparameters"
    short = "6  Hyperparameters"

    def __init__(self, story, tasks, parent=None):
        super().__init__(story, tasks, parent)
        self.text.setText(
            "<b>Window size</b>: a small window (2–5) makes words that can replace each "
            "other similar (red ~ blue); a large one (10+) makes words about the same topic "
            "similar (red ~ wine, apple).<br><br><b>Negatives</b>: more per pair (5–20) help "
            "small corpora, 2–5 suffice for large ones.<br><br>Try it: two small, fast "
            "trainings of the real trainer on the start of your corpus, side by side "
            "(50 dimensions, 3 epochs — the Train tab trains the real thing)."
        )
        self.word = QLineEdit(objectName="learnCompareWord")
        self.word.editingFinished.connect(self.show_neighbours)
        self.tokens = QSpinBox(
            objectName="learnCompareTokens",
            minimum=1_000,
            maximum=5_000_000,
            singleStep=100_000,
            value=COMPARE_TOKENS,
        )
        self.tokens.setGroupSeparatorShown(True)
        form = QFormLayout()
        form.addRow("Word", self.word)
        form.addRow("Words of text", self.tokens)
        self.controls.addLayout(form)
        self.windows, self.negs = [], []
        for side, window in (("A", 2), ("B", 15)):
            w = QSpinBox(objectName=f"learnWindow{side}", minimum=1, maximum=50, value=window)
            n = QSpinBox(
                objectName=f"learnNegatives{side}",
                minimum=1,
                maximum=50,
                value=story.config.negative,
            )
            self.windows.append(w)
            self.negs.append(n)
            self.controls.addLayout(
                hbox(QLabel(f"<b>{side}</b>  window"), w, QLabel("negatives"), n)
            )
        self.compare_button = QPushButton("Compare", objectName="learnCompare")
        self.compare_button.clicked.connect(self.compare)
        self.cancel_button = QPushButton("Cancel", objectName="learnCompareCancel")
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.controls.addLayout(hbox(self.compare_button, self.cancel_button))
        self.status = note(name="learnCompareStatus")
        self.controls.addWidget(self.status)

        self.boxes, self.tables, self.summaries = [], [], []
        row = hbox(stretch=False)
        for side in "AB":
            box = QGroupBox(side, objectName=f"learnResult{side}")
            t = table(("neighbour", "cosine"), f"learnNeighbours{side}", stretch=0)
            summary = note(name=f"learnSummary{side}")
            lay = QVBoxLayout(box)
            lay.addWidget(summary)
            lay.addWidget(t, 1)
            self.boxes.append(box)
            self.tables.append(t)
            self.summaries.append(summary)
            row.addWidget(box, 1)
        self.picture.addLayout(row, 1)
        self.runs: list = []
        self._runs_for = None  # the LearnData the runs were trained on
        self._task = None
        self._started = 0.0
        self.cancel_button.hide()

    def configs(self):
        base = self.story.config.replace(**COMPARE_SETTINGS)
        return [
            base.replace(window=w.value(), negative=n.value())
            for w, n in zip(self.windows, self.negs, strict=True)
        ]

    def refresh(self) -> None:
        story = self.story
        has = story.data is not None
        if self.runs and self._runs_for is not story.data:  # trained on another corpus
            self.runs = []
            self.word.clear()
        self.compare_button.setEnabled(has and self._task is None)
        if has and not self.word.text():
            vocab = story.data.vocab
            pick = next((w for w in ("red", "water", "king", "dog") if w in vocab), None)
            self.word.setText(
                pick or next((w for w in vocab.words[30:] if len(w) > 3), vocab.words[0])
            )
        if not has:
            self.status.setText("Open a corpus first.")
        elif self._task is None and not self.runs:
            self.status.setText("Press <b>Compare</b> to train both.")
        self.show_neighbours()

    def compare(self) -> None:
        data = self.story.data
        if data is None or self._task is not None:
            return
        configs, tokens = self.configs(), self.tokens.value()

        def run(progress, stop):
            out = []
            for i, cfg in enumerate(configs):
                progress(i, len(configs))
                out.append(quick_train(data.scan, cfg, tokens, stop))
            progress(len(configs), len(configs))
            return data, out

        self.runs = []
        self._started = time.monotonic()
        self._task = self.tasks.run(
            run,
            self._on_compare_finished,
            self._on_compare_failed,
            "comparing settings",
            self._on_compare_progressed,
        )
        self.compare_button.setEnabled(False)
        self.cancel_button.show()
        self.status.setText("Training A…")
        self.show_neighbours()

    def _on_compare_progressed(self, done: int, total: int) -> None:
        if done < total:
            seconds = time.monotonic() - self._started
            self.status.setText(f"Training {'AB'[done]}… ({seconds:.0f} s)")

    def _on_compare_finished(self, result) -> None:
        self._task = None
        data, runs = result
        self.cancel_button.hide()
        if data is not self.story.data:  # another corpus was opened meanwhile
            self.refresh()
            return
        self.runs, self._runs_for = runs, data
        self.status.setText(
            f"Done in {time.monotonic() - self._started:.1f} s on the first "
            f"{runs[0].tokens:,} words."
        )
        self.refresh()

    def _on_compare_failed(self, message: str) -> None:
        self._task = None
        self.cancel_button.hide()
        self.refresh()
        self.status.setText(f"The comparison failed: {html.escape(message)}")

    def _on_cancel_clicked(self) -> None:
        self.tasks.cancel(self._task)
        self._task = None
        self.cancel_button.hide()
        self.refresh()
        self.status.setText("Cancelled.")

    def show_neighbours(self) -> None:
        word = self.word.text().strip().lower()
        found: list[list[tuple[str, float]]] = []
        for run in self.runs:
            try:
                found.append(run.embeddings.most_similar(word, topn=COMPARE_TOPN))
            except UnknownWordError:
                found.append([])
        for i, (box, t, summary) in enumerate(
            zip(self.boxes, self.tables, self.summaries, strict=True)
        ):
            cfg = self.configs()[i] if not self.runs else self.runs[i].config
            box.setTitle(f"{'AB'[i]}: window {cfg.window}, {cfg.negative} negatives")
            if not self.runs:
                t.setRowCount(0)
                summary.setText("")
                continue
            run, rows = self.runs[i], found[i]
            other = {w for w, _ in found[1 - i]}
            p = run.progress
            text = (
                f"{len(run.embeddings):,} words; last epoch's loss "
                f"{p.epoch_losses[-1]:.3f}; {p.elapsed:.1f} s. "
            )
            text += (
                f"Nearest to <b>{html.escape(word)}</b> (in colour: not in the other list):"
                if rows
                else f"“{html.escape(word)}” is not in this vocabulary."
            )
            summary.setText(text)
            fill(t, rows, [None if w in other else UNIQUE_COLOUR for w, _ in rows])

    def neighbours(self, side: int) -> list[str]:
        t = self.tables[side]
        return [t.item(r, 0).text() for r in range(t.rowCount())]
