"""Learn step 5: one training step, pair by pair, on a toy slice."""

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
    QPushButton,
    QStackedWidget,
)

from w2v_gui.core.walkthrough import PairStep, ToyModel
from w2v_gui.learn.drawing import (
    CONTEXT_COLOUR,
    INPUT_COLOUR,
    NEGATIVE_COLOUR,
    HeatMap,
    coloured,
    fill,
    hbox,
    line_plot,
    note,
    table,
)
from w2v_gui.learn.page import Page, prose

TOY_DIMENSIONS = 8
TOY_LR = 0.1
STEPS_PER_TICK = 40


class TrainingStep(Page):
    title = "5 · One training step"
    short = "5  One training step"
    cbow = "training"

    def __init__(self, story, parent=None):
        super().__init__(story, parent)
        self.text.setText(prose("training"))
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
