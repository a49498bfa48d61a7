"""Analogies: A is to B as C is to ?, answered by 3CosAdd and 3CosMul side by side."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from w2v_gui import queries
from w2v_gui.core.vectors import Embeddings
from w2v_gui.explore.neighbours import DEBOUNCE_MS
from w2v_gui.explore.run_marks import RunMarks, TableMarker
from w2v_gui.explore.words import Vocabulary
from w2v_gui.tasks import Latest, inline, raise_bug

DEFAULTS = ("man", "king", "woman")


class AnalogyPanel(QWidget):
    """Three words in, two rankings out (``most_similar`` and ``most_similar_cosmul``).

    ``query_changed`` tells the training worker what to answer with each snapshot.
    """

    query_changed = Signal(tuple)

    def __init__(
        self,
        vocabulary: Vocabulary,
        marks: RunMarks | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self._emb: Embeddings | None = None
        self._asked: tuple[str, ...] | None = None
        self._answered: tuple = (None, None)
        self._asker = Latest("answering a query", self, failed=raise_bug)
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search)
        self.inputs = []
        for name, default in zip(("analogyA", "analogyB", "analogyC"), DEFAULTS, strict=True):
            edit = QLineEdit(default, objectName=name)
            edit.setMaxLength(queries.MAX_QUERY_CHARS)
            edit.setCompleter(vocabulary.completer(edit))
            edit.textEdited.connect(self._on_input_edited)
            edit.returnPressed.connect(self.search)
            self.inputs.append(edit)
        a, b, c = self.inputs
        a.setToolTip("A: e.g. man")
        b.setToolTip("B: e.g. king")
        c.setToolTip("C: e.g. woman. The answer is near B − A + C.")
        grid = QGridLayout()
        for col, widget in enumerate((a, QLabel("is to"), b, QLabel("as"), c, QLabel("is to ?"))):
            grid.addWidget(widget, 0, col)
        for col in (0, 2, 4):
            grid.setColumnStretch(col, 1)

        self.table = QTableWidget(0, 4, objectName="analogyResults")
        self.table.setHorizontalHeaderLabels(["3CosAdd", "cosine", "3CosMul", "score"])
        self.table.horizontalHeaderItem(0).setToolTip(
            "Words nearest (by cosine) to B − A + C, from unit vectors (gensim's most_similar)."
        )
        self.table.horizontalHeaderItem(2).setToolTip(
            "Levy & Goldberg's 3CosMul: cos(x,B)·cos(x,C) / cos(x,A), cosines shifted to 0..1 "
            "(gensim's most_similar_cosmul). Less dominated by one large similarity."
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(20)
        header = self.table.horizontalHeader()
        for col, mode in enumerate(
            (QHeaderView.ResizeMode.Stretch, QHeaderView.ResizeMode.ResizeToContents) * 2
        ):
            header.setSectionResizeMode(col, mode)
        self.note = QLabel(objectName="analogyNote", wordWrap=True)
        self.message = QLabel(objectName="analogyMessage", wordWrap=True)
        self.message.setStyleSheet("color: #b00020;")
        self.legend = QLabel(objectName="analogyStability", wordWrap=True)
        self._marks = marks or RunMarks(self)
        self.marker = TableMarker(self._marks, self.table, {0: (0, 1), 2: (2, 3)}, self.legend)
        self._marks.changed.connect(self.search)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)  # the group box around has its own
        layout.addLayout(grid)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.message)
        layout.addWidget(self.note)
        self._update_note()

    def words(self) -> tuple[str, str, str]:
        a, b, c = (e.text().strip() for e in self.inputs)
        return a, b, c

    def set_answers(self, emb: Embeddings, answers: queries.Answers) -> None:
        """The worker's answers for ``emb`` (the next ``set_embeddings`` uses them)."""
        self._answered = (emb, answers.analogy)

    def set_embeddings(self, emb: Embeddings | None) -> None:
        """New vectors (with the worker's answer for them, if it had one)."""
        answer = self._answered[1] if self._answered[0] is emb else None
        self._answered = (None, None)
        self._emb = emb
        if emb is not None and answer is not None and answer.query == self.words():
            self._show(answer)
        else:
            self.search()

    def set_words(self, a: str, b: str, c: str) -> None:
        for edit, word in zip(self.inputs, (a, b, c), strict=True):
            edit.setText(word)
        self.search()

    def results(self) -> list[tuple[str, float, str, float]]:
        """Rows as (3CosAdd word, cosine, 3CosMul word, score)."""
        t = self.table
        return [
            (
                t.item(r, 0).text(),
                float(t.item(r, 1).text()),
                t.item(r, 2).text(),
                float(t.item(r, 3).text()),
            )
            for r in range(t.rowCount())
        ]

    def _update_note(self, words: tuple[str, ...] | None = None) -> None:
        a, b, c = words or tuple(w or "?" for w in self.words())
        self.note.setText(
            f"{b} − {a} + {c}. The input words ({a}, {b}, {c}) are excluded from the results, "
            "as in gensim."
        )

    def search(self) -> None:
        self._debounce.stop()
        words = self.words()
        if words != self._asked:
            self._asked = words
            self.query_changed.emit(words)
        self.table.setRowCount(0)
        self.marker.mark(None, dict, bool)
        self.message.clear()
        self._update_note()
        if self._emb is None:
            self.message.setText("No vectors yet: train on a corpus or open a model.")
            return
        if all(words):
            emb = self._emb
            if not inline(emb.vectors.size):
                self.message.setText("Searching…")
            self._asker.run(
                lambda: queries.analogy(emb, words), not inline(emb.vectors.size), self._on_answered
            )

    def _on_answered(self, answer: queries.AnalogyAnswer) -> None:
        if answer.query == self.words():  # else the words changed meanwhile
            self._show(answer)

    def _show(self, answer: queries.AnalogyAnswer) -> None:
        if answer.error:
            self.table.setRowCount(0)
            self.marker.mark(None, dict, bool)
            self.message.setText(answer.error.capitalize() + ".")
            return
        self.message.clear()
        self._update_note(answer.words)
        self.table.setRowCount(max(len(answer.add), len(answer.mul)))
        for col, rows in ((0, answer.add), (2, answer.mul)):
            for row, (word, score) in enumerate(rows):
                self.table.setItem(row, col, QTableWidgetItem(word))
                number = QTableWidgetItem(f"{score:.3f}")
                number.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col + 1, number)
        emb, words = self._emb, answer.query

        def found(run: Embeddings) -> dict[int, list[str]]:
            a = queries.analogy(run, words)
            return {0: [w for w, _ in a.add], 2: [w for w, _ in a.mul]}

        self.marker.mark(emb, found, lambda: self._emb is emb and self.words() == words)

    def _on_input_edited(self, _text: str) -> None:
        self._debounce.start()
