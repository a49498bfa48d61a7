"""Nearest neighbours: search-as-you-type over the vocabulary, results with cosine bars."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
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
from w2v_gui.explore.run_marks import RunMarks, TableMarker
from w2v_gui.explore.words import BarDelegate, Vocabulary
from w2v_gui.tasks import Latest, inline, raise_bug

DEBOUNCE_MS = 200


class NeighboursPanel(QWidget):
    """Type a word, see its nearest words (``queries.neighbours``, i.e. most_similar).

    ``query_changed`` tells the training worker what to answer with each snapshot.
    """

    query_changed = Signal(str)

    def __init__(
        self,
        vocabulary: Vocabulary,
        marks: RunMarks | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self._emb: Embeddings | None = None
        self._asked = ""
        self._answered: tuple = (None, None)
        self._asker = Latest("answering a query", self, failed=raise_bug)
        self.query = QLineEdit(objectName="neighboursQuery", clearButtonEnabled=True)
        self.query.setPlaceholderText("A word, or a sum: king - man + woman (Ctrl+F)")
        self.query.setMaxLength(queries.MAX_QUERY_CHARS)
        completer = vocabulary.completer(self)
        self.query.setCompleter(completer)
        self.table = QTableWidget(0, 3, objectName="neighboursTable")
        self.table.setHorizontalHeaderLabels(["Word", "Cosine", ""])
        self.table.setItemDelegateForColumn(2, BarDelegate(self.table))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(20)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setToolTip("Double-click a word to search it.")
        self.message = QLabel(objectName="neighboursMessage", wordWrap=True)
        self.legend = QLabel(objectName="neighboursStability", wordWrap=True)
        self._marks = marks or RunMarks(self)
        self.marker = TableMarker(self._marks, self.table, {0: (0, 1)}, self.legend)
        self._marks.changed.connect(self.search)
        # In a small window the table needs the line: the legend takes the message's place.
        self.marker.legend_shown.connect(lambda on: self.message.setVisible(not on))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)  # the group box around has its own
        layout.addWidget(self.query)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.message)

        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search)
        self.query.textEdited.connect(self._on_query_edited)
        self.query.returnPressed.connect(self.search)
        completer.activated.connect(self._on_completer_activated)
        self.table.cellDoubleClicked.connect(self._on_table_double_clicked)
        self._show_message()

    def set_answers(self, emb: Embeddings, answers: queries.Answers) -> None:
        """The worker's answers for ``emb`` (the next ``set_embeddings`` uses them)."""
        self._answered = (emb, answers.neighbours)

    def set_embeddings(self, emb: Embeddings | None) -> None:
        """New vectors (with the worker's answer for them, if it had one)."""
        answer = self._answered[1] if self._answered[0] is emb else None
        self._answered = (None, None)
        self._emb = emb
        if emb is not None and answer is not None and answer.query == self.query.text().strip():
            self._show(answer)
        else:
            self.search()

    def set_query(self, text: str) -> None:
        self.query.setText(text)
        self.search()

    def focus_query(self) -> None:
        self.query.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query.selectAll()

    def results(self) -> list[tuple[str, float]]:
        """The table's rows as (word, cosine)."""
        return [
            (self.table.item(r, 0).text(), self.table.item(r, 2).data(Qt.ItemDataRole.UserRole))
            for r in range(self.table.rowCount())
        ]

    def search(self) -> None:
        self._debounce.stop()
        text = self.query.text().strip()
        if text != self._asked:
            self._asked = text
            self.query_changed.emit(text)
        if self._emb is None or not text:
            self._fill([])
            self.marker.mark(None, dict, bool)
            self._show_message()
            return
        emb = self._emb
        if not inline(emb.vectors.size):
            self.message.setText(f"Searching the neighbours of “{queries.short(text)}”…")
        self._asker.run(
            lambda: queries.neighbours(emb, text), not inline(emb.vectors.size), self._on_answered
        )

    def _on_answered(self, answer: queries.NeighboursAnswer) -> None:
        if answer.query == self.query.text().strip():  # else the field changed meanwhile
            self._show(answer)

    def _show(self, answer: queries.NeighboursAnswer) -> None:
        self._fill(answer.rows)
        emb, text = self._emb, answer.query
        self.marker.mark(
            emb,
            lambda run: {0: [w for w, _ in queries.neighbours(run, text).rows]},
            lambda: self._emb is emb and self.query.text().strip() == text,
        )
        if answer.error:
            self.message.setText(answer.error.capitalize() + ".")
        else:
            self.message.setText(f"Nearest to “{queries.short(answer.word)}” by cosine similarity.")

    def _show_message(self) -> None:
        if self._emb is None:
            self.message.setText("No vectors yet: train on a corpus or open a model.")
        else:
            self.message.setText(f"{len(self._emb):,} words × {self._emb.vector_size} dimensions.")

    def _fill(self, results: list[tuple[str, float]]) -> None:
        self.table.setRowCount(len(results))
        for row, (word, cos) in enumerate(results):
            self.table.setItem(row, 0, QTableWidgetItem(word))
            number = QTableWidgetItem(f"{cos:.3f}")
            number.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 1, number)
            bar = QTableWidgetItem()
            bar.setData(Qt.ItemDataRole.UserRole, cos)
            self.table.setItem(row, 2, bar)

    def _on_query_edited(self, _text: str) -> None:
        self._debounce.start()

    def _on_completer_activated(self, text: str) -> None:
        self.set_query(text)

    def _on_table_double_clicked(self, row: int, _column: int) -> None:
        self.set_query(self.table.item(row, 0).text())
