"""Learn steps 1–3: vectors and cosine similarity, word vectors, the sliding window."""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QSpinBox,
)

from w2v_gui.core.errors import UnknownWordError
from w2v_gui.core.vectors import Embeddings
from w2v_gui.core.walkthrough import quick_train
from w2v_gui.explore.words import BarDelegate
from w2v_gui.learn.common import (
    CONTEXT_COLOUR,
    FADED,
    INPUT_COLOUR,
    HeatMap,
    Page,
    coloured,
    fill,
    hbox,
    note,
    shade_numbers,
    table,
    text_label,
)

# -- step 1 ------------------------------------------------------------------------------------

TRAITS = ("Openness", "Conscientiousness", "Extraversion", "Agreeableness", "Neuroticism")
# The article's numbers (Big Five scores rescaled to −1..1); "You" starts as its "Jay".
PEOPLE = {
    "You": (-0.4, 0.8, 0.5, -0.2, 0.3),
    "Person #1": (-0.3, 0.2, 0.3, -0.4, 0.9),
    "Person #2": (-0.5, -0.4, -0.2, 0.7, -0.1),
    "Person #3": (0.6, 0.7, -0.6, 0.1, -0.3),
}


class VectorsStep(Page):
    title = "1 · Vectors and cosine similarity"
    short = "1  Vectors, cosine"

    def __init__(self, story, tasks, parent=None):
        super().__init__(story, tasks, parent)
        self.text.setText(
            "A personality test scores five traits. Rescaled to lie between −1 and 1, "
            "<b>a person is a list of five numbers — a vector</b>. Drawn as a strip of "
            "colours: blue is negative, red positive.<br><br>How alike are two people? "
            "Compare the <i>directions</i> of their vectors: <b>cosine similarity</b> = "
            "a·b / (|a|·|b|), 1 for the same direction, 0 for unrelated, −1 for opposite."
            "<br><br>Move the sliders: who is most like you? Word vectors work the same "
            "way, with a few hundred numbers nobody named."
        )
        self.people = {k: np.array(v, dtype=np.float32) for k, v in PEOPLE.items()}
        self.person = QComboBox(objectName="learnPerson")
        self.person.addItems(list(self.people))
        self.person.currentTextChanged.connect(self._on_person_changed)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("Edit", self.person)
        self.sliders: list[QSlider] = []
        self.values: list[QLabel] = []
        for i, trait in enumerate(TRAITS):
            s = QSlider(Qt.Orientation.Horizontal, objectName=f"learnTrait{i}")
            s.setRange(-100, 100)
            s.valueChanged.connect(self._on_slider_changed)
            v = QLabel(minimumWidth=38, alignment=Qt.AlignmentFlag.AlignRight)
            self.sliders.append(s)
            self.values.append(v)
            form.addRow(trait, hbox(s, v, stretch=False))
        self.controls.addLayout(form)
        self.answer = text_label(name="learnMostLike")
        self.controls.addWidget(self.answer)

        self.strips = HeatMap("learnPeopleStrips", "People as vectors")
        self.strips.setMinimumHeight(220)
        self.similar = table(("Person", "cosine with You", ""), "learnCosines", stretch=2)
        self.similar.setItemDelegateForColumn(2, BarDelegate(self.similar))
        self.similar.setMaximumHeight(110)
        self.formula = note(name="learnCosineFormula")
        self.picture.addWidget(self.strips, 1)
        self.picture.addWidget(self.formula)
        self.picture.addWidget(self.similar)
        self._loading = False
        self._on_person_changed(self.person.currentText())

    def _on_person_changed(self, name: str) -> None:
        self._loading = True
        for s, x in zip(self.sliders, self.people[name], strict=True):
            s.setValue(int(round(float(x) * 100)))
        self._loading = False
        self.refresh()

    def _on_slider_changed(self) -> None:
        if not self._loading:
            self.people[self.person.currentText()] = np.array(
                [s.value() / 100 for s in self.sliders], dtype=np.float32
            )
            self.refresh()

    def set_person(self, name: str, values) -> None:
        """Set one person's five numbers (as the sliders would)."""
        self.people[name] = np.asarray(values, dtype=np.float32)
        if self.person.currentText() == name:
            self._on_person_changed(name)
        else:
            self.refresh()

    def ranking(self) -> list[tuple[str, float]]:
        """Everyone else by cosine similarity with You: core's most_similar."""
        emb = Embeddings(list(self.people), np.vstack(list(self.people.values())))
        return emb.most_similar("You", topn=None)

    def refresh(self) -> None:
        for v, s in zip(self.values, self.sliders, strict=True):
            v.setText(f"{s.value() / 100:+.2f}")
        ranking = self.ranking()
        best, cos = ranking[0]
        names = list(self.people)
        self.strips.set_matrix(
            np.vstack(list(self.people.values())),
            names,
            {0: INPUT_COLOUR, names.index(best): CONTEXT_COLOUR},
            numbers=True,
            columns=[t[:5] + "." for t in TRAITS],
            limit=1.0,
        )
        fill(self.similar, [(n, c, "") for n, c in ranking])
        for r, (_, c) in enumerate(ranking):
            self.similar.item(r, 2).setData(Qt.ItemDataRole.UserRole, c)
        self.answer.setText(f"Most like you: {coloured(best, CONTEXT_COLOUR)} (cosine {cos:.2f})")
        a, b = self.people["You"].astype(np.float64), self.people[best].astype(np.float64)
        self.formula.setText(
            f"cos(You, {html.escape(best)}) = a·b / (|a|·|b|) = {a @ b:.3f} / "
            f"({np.linalg.norm(a):.3f} × {np.linalg.norm(b):.3f}) = <b>{cos:.3f}</b>"
        )


# -- step 2 ------------------------------------------------------------------------------------

SHOWN_WORDS = ("king", "queen", "man", "woman", "water")
ANALOGY = ("king", "man", "woman")
QUICK_TOKENS = 600_000


class WordVectorsStep(Page):
    title = "2 · Word vectors"
    short = "2  Word vectors"

    def __init__(self, story, tasks, parent=None):
        super().__init__(story, tasks, parent)
        self.text.setText(
            "Training gives every word of the vocabulary a vector. Here are a few of yours, "
            "each row one word, each column one dimension (scaled to unit length, as "
            "similarity sees them). No single column means anything; words used alike get "
            "alike strips.<br><br>Vectors can be added: <b>king − man + woman</b> lands near "
            "<b>queen</b> in a good model — the nearest word to the sum, the input words "
            "left out."
        )
        self.words_edit = QLineEdit(objectName="learnWords")
        self.words_edit.setPlaceholderText("words, separated by commas")
        self.words_edit.editingFinished.connect(self.refresh)
        self.analogy_edits = [
            QLineEdit(w, objectName=f"learnAnalogy{i}") for i, w in enumerate(ANALOGY)
        ]
        for e in self.analogy_edits:
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
        self._task = self.tasks.run(
            lambda progress, stop: (data, quick_train(data.scan, cfg, QUICK_TOKENS, stop)),
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


# -- step 3 ------------------------------------------------------------------------------------

PLAY_MS = 900


class WindowStep(Page):
    title = "3 · The sliding window"
    short = "3  Sliding window"

    def __init__(self, story, tasks, parent=None):
        super().__init__(story, tasks, parent)
        self.text.setText(
            "Where do the numbers come from? From text. A window slides over each sentence "
            "of your corpus; the word in the middle is the <b>input</b>, each word around it "
            "an <b>output</b> it should predict. Every (input, output) pair is one row of "
            "training data — the skip-gram table.<br><br>word2vec shrinks the window at "
            "random for each centre word (<i>dynamic window</i>): near words fall inside "
            "more often, so they count more. Words in the window but outside the drawn "
            "reach are struck through."
        )
        self.window = QSpinBox(objectName="learnWindow", minimum=1, maximum=10)
        self.window.setValue(self.story.window)
        self.window.valueChanged.connect(self._on_window_changed)
        self.dynamic = QCheckBox("Dynamic window", objectName="learnDynamic", checked=True)
        self.dynamic.toggled.connect(self._on_window_changed)
        form = QFormLayout()
        form.addRow("Window", hbox(self.window, self.dynamic))
        self.controls.addLayout(form)
        self.step_button = QPushButton("Step ▸", objectName="learnWindowStep")
        self.play_button = QPushButton("Play", objectName="learnWindowPlay", checkable=True)
        self.reset_button = QPushButton("Reset", objectName="learnWindowReset")
        self.sentence_button = QPushButton("Another sentence", objectName="learnSentence")
        self.step_button.clicked.connect(self.advance)
        self.play_button.toggled.connect(self._on_play_toggled)
        self.reset_button.clicked.connect(self._on_reset_clicked)
        self.sentence_button.clicked.connect(self._on_sentence_clicked)
        self.controls.addLayout(hbox(self.step_button, self.play_button, self.reset_button))
        self.controls.addWidget(self.sentence_button)
        self.subsampling = note(name="learnSubsampling")
        self.controls.addWidget(self.subsampling)

        self.sentence = QLabel(
            objectName="learnSentenceView", wordWrap=True, textFormat=Qt.TextFormat.RichText
        )
        self.sentence.setMinimumHeight(70)
        self.sentence.setStyleSheet(
            "font-size:17pt; padding:8px; background:#fbfbfb;"
            "border:1px solid #dddddd; border-radius:4px"
        )
        self.where = text_label(name="learnWindowWhere")
        self.table = table(("input word", "output word", "offset"), "learnPairs")
        self.picture.addWidget(self.sentence)
        self.picture.addWidget(self.where)
        self.picture.addWidget(self.table, 1)
        self._keep: tuple = (None, None)
        self.timer = QTimer(self, interval=PLAY_MS)
        self.timer.timeout.connect(self.advance)

    # -- controls ------------------------------------------------------------------------
    def _on_window_changed(self) -> None:
        if self.story.data is None:
            return
        self.story.set_window(self.window.value(), self.dynamic.isChecked())
        self.refresh()

    def _on_sentence_clicked(self) -> None:
        if self.story.data is not None:
            self.story.pick_sentence()
            self.refresh()

    def _on_reset_clicked(self) -> None:
        self.story.centre = -1
        self.refresh()

    def _on_play_toggled(self, on: bool) -> None:
        self.play_button.setText("Pause" if on else "Play")
        if on:
            if self.story.centre >= len(self.story.tokens()) - 1:
                self.story.centre = -1
            self.advance()
            self.timer.start()
        else:
            self.timer.stop()

    def advance(self) -> None:
        """Move the window one word to the right (stops at the sentence's end)."""
        n = len(self.story.tokens())
        if self.story.centre < n - 1:
            self.story.centre += 1
            self.refresh()
        if self.story.centre >= n - 1 and self.play_button.isChecked():
            self.play_button.setChecked(False)

    def hidden(self) -> None:
        self.play_button.setChecked(False)

    # -- drawing -------------------------------------------------------------------------
    def refresh(self) -> None:
        story = self.story
        has = story.data is not None
        for w in (
            self.step_button,
            self.play_button,
            self.reset_button,
            self.sentence_button,
            self.window,
            self.dynamic,
        ):
            w.setEnabled(has)
        if not has:
            self.sentence.setText("")
            self.where.setText("Open a corpus first.")
            self.table.setRowCount(0)
            return
        if self.window.value() != story.window:
            self.window.blockSignals(True)
            self.window.setValue(story.window)
            self.window.blockSignals(False)
        tokens = story.tokens()
        c = story.centre
        self.sentence.setText(self.sentence_html(tokens, c))
        pairs = story.pairs(upto=c) if c >= 0 else []
        fill(
            self.table,
            [(p.input, p.output, f"{p.context - p.centre:+d}") for p in pairs],
            [INPUT_COLOUR if p.centre == c else None for p in pairs],
        )
        if pairs:
            self.table.scrollToBottom()
        if c < 0:
            self.where.setText("Press <b>Step</b> or <b>Play</b> to slide the window.")
        else:
            r = int(story.reach[c])
            live = sum(p.centre == c for p in pairs)
            drawn = (
                f"drawn reach {r} of {story.window}" if story.dynamic else f"reach {story.window}"
            )
            self.where.setText(
                f"Input {coloured(tokens[c], INPUT_COLOUR)} (word {c + 1} of {len(tokens)}): "
                f"{drawn} → {live} pairs. The table has {len(pairs)} rows so far."
            )
        self._subsampling_note(tokens)

    def sentence_html(self, tokens: list[str], c: int) -> str:
        story = self.story
        out = []
        r = int(story.reach[c]) if c >= 0 else 0
        for i, w in enumerate(tokens):
            word = html.escape(w)
            if i == c:
                style = f"background:{INPUT_COLOUR}; color:white"
            elif c >= 0 and 0 < abs(i - c) <= r:
                style = f"background:{CONTEXT_COLOUR}; color:white"
            elif c >= 0 and 0 < abs(i - c) <= story.window:
                style = f"color:{FADED}; text-decoration:line-through"
            else:
                style = "color:#222222"
            out.append(f'<span style="{style}">&nbsp;{word}&nbsp;</span>')
        return " ".join(out)

    def _subsampling_note(self, tokens: list[str]) -> None:
        vocab = self.story.data.vocab
        sample = self.story.config.sample
        if self._keep[0] != (id(vocab), sample):  # a whole-vocabulary pass: once per corpus
            self._keep = ((id(vocab), sample), vocab.keep_probability(sample))
        keep = self._keep[1]
        dropped = sorted(
            {(float(keep[vocab.index[w]]), w) for w in tokens if keep[vocab.index[w]] < 0.995}
        )
        if sample <= 0 or not dropped:
            self.subsampling.setText("")
            return
        words = ", ".join(f"“{html.escape(w)}” {p:.0%}" for p, w in dropped[:4])
        self.subsampling.setText(
            f"Before the window slides, training drops frequent words at random "
            f"(subsampling, sample = {sample:g}), so they pair less often. Kept: {words}."
        )

    def rows(self) -> list[tuple[str, str, str]]:
        """The table as shown (for tests)."""
        return [
            tuple(self.table.item(r, c).text() for c in range(3))
            for r in range(self.table.rowCount())
        ]
