"""Learn step 6: hyperparameters side by side, two quick models."""

from __future__ import annotations

import html
import time

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.errors import UnknownWordError
from w2v_gui.core.walkthrough import quick_train
from w2v_gui.core.workers import BACKGROUND_NICENESS
from w2v_gui.learn.drawing import (
    fill,
    hbox,
    note,
    table,
)
from w2v_gui.learn.page import Page, prose
from w2v_gui.queries import MAX_QUERY_CHARS
from w2v_gui.tasks import cancel_task, run_task

# Chosen on the demo corpus (issue 14 item 5): at 300,000 words, 3 epochs and the usual
# learning rate, the neighbours of "red" were noise with cosines all ≈ 0.997 (every vector
# still nearly parallel); 5M words showed the contrast but took 70 s. A million words, 3
# epochs at twice the learning rate and both cores give colours for window 2 and
# colour-named birds, fish and plants for window 15 (3 of 10 neighbours shared, top cosines
# 0.75-0.84) in 20.8 s of CPU for both runs, about 10-12 s on two idle cores.
COMPARE_TOKENS = 1_000_000
COMPARE_TOPN = 15
UNIQUE_COLOUR = "#1f4e8c"
WARNING_COLOUR = "#b00020"
COMPARE_SETTINGS = {
    "vector_size": 50,
    "epochs": 3,
    "alpha": 0.05,
    "workers": TrainingConfig().workers,
}
#: Top neighbours all above this cosine: the vectors are still nearly parallel.
PARALLEL_COSINE = 0.95


class HyperStep(Page):
    title = "6 · Hyperparameters"
    short = "6  Hyperparameters"
    cbow = "hyperparameters"

    def __init__(self, story, parent=None):
        super().__init__(story, parent)
        self.text.setText(prose("hyperparameters"))
        self.word = QLineEdit(objectName="learnCompareWord")
        self.word.setMaxLength(MAX_QUERY_CHARS)
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
                out.append(quick_train(data.scan, cfg, tokens, stop, BACKGROUND_NICENESS))
            progress(len(configs), len(configs))
            return data, out

        self.runs = []
        self._started = time.monotonic()
        self._task = run_task(
            self,
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
        cancel_task(self._task)
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
            if rows and min(c for _, c in rows) > PARALLEL_COSINE:
                text = (
                    f"<span style='color:{WARNING_COLOUR}'>Too small a run to mean anything: "
                    f"every neighbour has a cosine above {PARALLEL_COSINE}, the vectors still "
                    "point almost the same way. Give it more words of text or more epochs."
                    "</span><br>" + text
                )
            summary.setText(text)
            fill(t, rows, [None if w in other else UNIQUE_COLOUR for w, _ in rows])

    def neighbours(self, side: int) -> list[str]:
        t = self.tables[side]
        return [t.item(r, 0).text() for r in range(t.rowCount())]
