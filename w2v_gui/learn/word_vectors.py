"""Learn step 2: word vectors of the corpus, their similarities and an analogy."""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
)

from w2v_gui.core.errors import UnknownWordError
from w2v_gui.core.vectors import Embeddings
from w2v_gui.core.walkthrough import quick_train
from w2v_gui.core.workers import BACKGROUND_NICENESS
from w2v_gui.learn.drawing import (
    CONTEXT_COLOUR,
    INPUT_COLOUR,
    HeatMap,
    coloured,
    fill,
    hbox,
    note,
    shade_numbers,
    table,
    text_label,
)
from w2v_gui.learn.page import Page, prose
from w2v_gui.queries import MAX_LIST_CHARS, MAX_QUERY_CHARS
from w2v_gui.tasks import run_task

SHOWN_WORDS = ("king", "queen", "man", "woman", "water")
ANALOGY = ("king", "man", "woman")
QUICK_TOKENS = 600_000


class WordVectorsStep(Page):
    title = "2 · Word vectors"
    short = "2  Word vectors"

    def __init__(self, story, parent=None):
        super().__init__(story, parent)
        self.text.setText(prose("word_vectors"))
        self.words_edit = QLineEdit(objectName="learnWords")
        self.words_edit.setPlaceholderText("words, separated by commas")
        self.words_edit.setMaxLength(MAX_LIST_CHARS)
        self.words_edit.editingFinished.connect(self.refresh)
        self.analogy_edits = [
            QLineEdit(w, objectName=f"learnAnalogy{i}") for i, w in enumerate(ANALOGY)
        ]
        for e in self.analogy_edits:
            e.setMaxLength(MAX_QUERY_CHARS)
            e.setMaximumWidth(90)
            e.editingFinished.connect(self.refresh)
        form = QFormLayout()
        form.addRow("Words", self.words_edit)
        a, b, c = self.analogy_edits
        form.addRow("Analogy", hbox(a, QLabel("−"), b, QLabel("+"), c, stretch=False))
        self.controls.addLayout(form)
        self.quick_button = QPushButton("Train a quick model here", objectName="learnQuickTrain")
        self.quick_button.clicked.connect(self._on_quick_clicked)
        self.controls.addWidget(self.quick_button)
        self.status = note(name="learnVectorsStatus")
        self.controls.addWidget(self.status)
        self.analogy_answer = text_label(name="learnAnalogyAnswer")
        self.controls.addWidget(self.analogy_answer)

        self.strips = HeatMap("learnWordStrips", "Word vectors")
        self.strips.setMinimumHeight(230)
        self.cosines = table(("",), "learnWordCosines")
        self.cosines.setMaximumHeight(180)
        self.picture.addWidget(self.strips, 3)
        self.picture.addWidget(QLabel("Cosine similarity of each pair:"))
        self.picture.addWidget(self.cosines, 2)
        self._task = None
        self._words_for: tuple | None = None

    def _defaults(self, emb: Embeddings) -> None:
        """Words to start with: the article's if this vocabulary has them."""
        if self._words_for is emb.words:
            return
        self._words_for = emb.words
        frequent = [w for w in emb.words[30:200] if len(w) > 3][:5]
        words = [w for w in SHOWN_WORDS if w in emb]
        words = words if len(words) >= 3 else frequent
        self.words_edit.setText(", ".join(words))
        if not all(w in emb for w in ANALOGY):
            for e, w in zip(self.analogy_edits, frequent[:3], strict=False):
                e.setText(w)

    def words(self) -> list[str]:
        return [w.strip() for w in self.words_edit.text().split(",") if w.strip()]

    def refresh(self) -> None:
        emb = self.story.vectors()
        training = self._task is not None
        self.quick_button.setVisible(self.story.data is not None and not training)
        self.quick_button.setText(
            "Train a quick model here" if emb is None else "Train a new quick model here"
        )
        if emb is None:
            self.status.setText(
                "Training…"
                if training
                else "No vectors yet. Train on the Train tab, or train a quick model here "
                f"(the first {QUICK_TOKENS:,} words, 50 dimensions, a few seconds)."
                if self.story.data is not None
                else "Open a corpus first."
            )
            self.strips.set_matrix(np.zeros((0, 0)), [])
            self.cosines.setRowCount(0)
            self.analogy_answer.setText("")
            return
        self._defaults(emb)
        source = (
            "the model of the Train tab"
            if emb is self.story.embeddings
            else "a quick model trained here"
        )
        words = list(dict.fromkeys(w for w in self.words() if w in emb))
        missing = [w for w in self.words() if w not in emb]
        self.status.setText(
            f"{'Training… ' if training else ''}Vectors of {source}: {len(emb):,} words × "
            f"{emb.vector_size} dimensions."
            + (f" Not in the vocabulary: {html.escape(', '.join(missing))}." if missing else "")
        )
        labels = list(words)
        rows = [emb.unit[emb.get_index(w)] for w in words]
        highlight = {}
        a, b, c = (e.text().strip() for e in self.analogy_edits)
        try:
            top = emb.most_similar(positive=[a, c], negative=[b], topn=5)
            best, cos = top[0]
            unit = emb.unit
            # The sum most_similar ranks by: unit vectors added, then normalised.
            combo = unit[emb.get_index(a)] - unit[emb.get_index(b)] + unit[emb.get_index(c)]
            label = f"{a} − {b} + {c}"
            highlight = {len(rows): INPUT_COLOUR, len(rows) + 1: CONTEXT_COLOUR}
            labels += [label, f"≈ {best}"]
            rows += [combo / (np.linalg.norm(combo) or 1.0), unit[emb.get_index(best)]]
            more = ", ".join(f"{html.escape(w)} {x:.2f}" for w, x in top[1:])
            self.analogy_answer.setText(
                f"{html.escape(label)} ≈ {coloured(best, CONTEXT_COLOUR)} "
                f"(cosine {cos:.3f})<br><span style='color:#555555'>then: {more}</span>"
            )
        except UnknownWordError as exc:
            self.analogy_answer.setText(f"Analogy: {html.escape(str(exc))}")
        self.strips.set_matrix(np.vstack(rows) if rows else np.zeros((0, 0)), labels, highlight)
        self.cosines.setColumnCount(len(words) + 1)
        self.cosines.setHorizontalHeaderLabels(["", *words])
        fill(self.cosines, [(w, *(emb.similarity(w, v) for v in words)) for w in words])
        shade_numbers(self.cosines)

    def _on_quick_clicked(self) -> None:
        story = self.story
        data = story.data
        cfg = story.config.replace(
            vector_size=50, epochs=5, workers=1, min_count=min(story.config.min_count, 5)
        )
        self._task = run_task(
            self,
            lambda progress, stop: (
                data,
                quick_train(data.scan, cfg, QUICK_TOKENS, stop, BACKGROUND_NICENESS),
            ),
            self._on_quick_finished,
            self._on_quick_failed,
            "training a quick model",
        )
        self.refresh()

    def _on_quick_finished(self, result) -> None:
        self._task = None
        data, run = result
        if data is not self.story.data:  # another corpus was opened meanwhile
            self.refresh()
            return
        self.story.quick = run.embeddings
        self.story.embeddings = None  # the quick model is what was asked for
        self.refresh()

    def _on_quick_failed(self, message: str) -> None:
        self._task = None
        self.refresh()
        self.status.setText(f"The quick model failed: {html.escape(message)}")
