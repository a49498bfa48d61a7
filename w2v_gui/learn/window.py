"""Learn step 3: the sliding window and the skip-gram table it makes."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
)

from w2v_gui.learn.drawing import (
    CONTEXT_COLOUR,
    FADED,
    INPUT_COLOUR,
    coloured,
    fill,
    hbox,
    note,
    table,
    text_label,
)
from w2v_gui.learn.page import Page, prose

PLAY_MS = 900


class WindowStep(Page):
    title = "3 · The sliding window"
    short = "3  Sliding window"
    cbow = "window"

    def __init__(self, story, parent=None):
        super().__init__(story, parent)
        self.text.setText(prose("window"))
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
