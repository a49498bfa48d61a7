"""Compare words: gensim's ``similarity`` for two words, ``doesnt_match`` for more."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from w2v_gui import queries
from w2v_gui.core.vectors import Embeddings
from w2v_gui.explore.neighbours import DEBOUNCE_MS
from w2v_gui.tasks import Latest, inline, raise_bug


class CompareWordsPanel(QWidget):
    """Type two words for their cosine, or three or more for the one that fits least."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._emb: Embeddings | None = None
        self._asker = Latest("comparing words", self, failed=raise_bug)
        self.words = QLineEdit(objectName="compareWordsInput", clearButtonEnabled=True)
        self.words.setPlaceholderText("cat dog: similarity · breakfast cereal dinner lunch: odd")
        self.result = QLabel(objectName="compareWordsResult", wordWrap=True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.words)
        layout.addWidget(self.result, 1)
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.compare)
        self.words.textEdited.connect(lambda _: self._debounce.start())
        self.words.returnPressed.connect(self.compare)
        self.compare()

    def set_embeddings(self, emb: Embeddings | None) -> None:
        self._emb = emb
        self.compare()

    def set_words(self, text: str) -> None:
        self.words.setText(text)
        self.compare()

    def compare(self) -> None:
        self._debounce.stop()
        text, emb = self.words.text().strip(), self._emb
        if emb is None or not text:
            self.result.setText(
                "Two words: how similar they are (cosine). Three or more: which one does "
                "not belong."
                if emb is not None
                else "No vectors yet."
            )
            return
        self._asker.run(
            lambda: queries.compare(emb, text), not inline(emb.vectors.size), self._show
        )

    def _show(self, answer: queries.CompareAnswer) -> None:
        if answer.query != self.words.text().strip():
            return  # typed on meanwhile
        if answer.error:
            self.result.setText(escape(answer.error[0].upper() + answer.error[1:]) + ".")
        elif answer.similarity is not None:
            a, b = (escape(w) for w in answer.words)
            self.result.setText(f"similarity({a}, {b}) = <b>{answer.similarity:.4f}</b>")
        else:
            rows = "".join(
                f"<tr><td>{'<b>' + escape(w) + '</b>' if w == answer.odd else escape(w)}</td>"
                f"<td>&nbsp;&nbsp;{cos:.3f}</td></tr>"
                for w, cos in answer.to_mean
            )
            self.result.setText(
                f"Does not match: <b>{escape(answer.odd)}</b> (furthest from the mean "
                f"direction of all; cosine to it):<table>{rows}</table>"
            )
