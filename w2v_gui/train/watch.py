"""Watch words: pinned words whose nearest neighbours refresh while the model trains.

During training the neighbours arrive with each snapshot, computed in the worker thread;
otherwise (an opened or finished model, a newly pinned word) they are asked of the
``Embeddings`` here. Neighbours that are themselves pinned are highlighted, so you see
king and queen find each other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from w2v_gui import queries
from w2v_gui.core.errors import UnknownWordError
from w2v_gui.core.vectors import Embeddings
from w2v_gui.explore.words import Vocabulary
from w2v_gui.tasks import Latest, inline, raise_bug

TOPN = queries.WATCH_TOPN
HIGHLIGHT = "#c0392b"


class WatchPanel(QWidget):
    """Pinned words and their current top neighbours."""

    watched_changed = Signal(tuple)

    def __init__(
        self, vocabulary: Vocabulary, words: Sequence[str] = (), parent: QWidget | None = None
    ):
        super().__init__(parent)
        self._words: list[str] = []
        self._emb: Embeddings | None = None
        self._neighbours: Mapping[str, tuple[tuple[str, float], ...]] = {}
        self._answered: tuple = (None, None)
        self._asker = Latest("answering a query", self, failed=raise_bug)

        self.input = QLineEdit(objectName="watchInput", clearButtonEnabled=True)
        self.input.setMaxLength(queries.MAX_QUERY_CHARS)
        self.input.setPlaceholderText("Pin a word to watch…")
        self.input.setCompleter(vocabulary.completer(self))
        self.input.returnPressed.connect(self._on_pin_clicked)
        pin = QPushButton("Pin", objectName="watchPin")
        pin.clicked.connect(self._on_pin_clicked)
        row = QHBoxLayout()
        row.addWidget(self.input, 1)
        row.addWidget(pin)

        self.table = QTableWidget(0, 3, objectName="watchTable")
        # Short enough for a 1024-wide window ("Nearest 5 (hover for cosines)" was cut).
        self.table.setHorizontalHeaderLabels(["Word", f"Nearest {TOPN}", ""])
        self.table.horizontalHeaderItem(1).setToolTip("Hover a row for the cosines.")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(2, 28)

        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        self.set_words(words)

    # -- the words -----------------------------------------------------------------------
    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self._words)

    def set_words(self, words: Sequence[str]) -> None:
        self._words = list(dict.fromkeys(w for w in words if w))
        self.table.setRowCount(len(self._words))
        for row, word in enumerate(self._words):
            self.table.setItem(row, 0, QTableWidgetItem(word))
            label = ElidedWords()
            label.setContentsMargins(4, 0, 4, 0)
            self.table.setCellWidget(row, 1, label)
            unpin = QToolButton(text="✕", autoRaise=True)
            unpin.setToolTip(f"Stop watching “{word}”")
            unpin.clicked.connect(lambda _=False, w=word: self.unpin(w))
            self.table.setCellWidget(row, 2, unpin)
        self._recompute_missing()
        self._show()
        self.watched_changed.emit(self.words)

    def pin(self, word: str) -> None:
        word = word.strip()
        if self._emb is not None and word:
            try:
                word = self._emb.resolve(word)  # core's case rule: King -> king
            except UnknownWordError:
                pass  # watched anyway: it may appear as training goes on
        if word and word not in self._words:
            self.set_words([*self._words, word])

    def unpin(self, word: str) -> None:
        self.set_words([w for w in self._words if w != word])

    # -- the neighbours ----------------------------------------------------------------
    def set_answers(self, emb: Embeddings, answers: queries.Answers) -> None:
        """The worker's answers for ``emb`` (the next ``set_embeddings`` uses them)."""
        self._answered = (emb, answers.watched)

    def set_embeddings(self, emb: Embeddings | None) -> None:
        """New vectors (with the worker's neighbours for them, if it had any)."""
        answered = self._answered[1] if self._answered[0] is emb else None
        self._answered = (None, None)
        self._emb, self._neighbours = emb, dict(answered or {})
        self._recompute_missing()
        self._show()

    def neighbours(self, word: str) -> tuple[tuple[str, float], ...]:
        return tuple(self._neighbours.get(word, ()))

    def _recompute_missing(self) -> None:
        # Words pinned since the snapshot was taken, or vectors opened from a file: ask
        # the vectors (one query each; in a worker when they are large).
        emb = self._emb
        if emb is None:
            return
        missing = tuple(w for w in self._words if w not in self._neighbours)
        if missing:
            self._asker.run(
                lambda: queries.watched(emb, missing),
                not inline(emb.vectors.size),
                lambda found: self._on_answered(emb, found),
            )

    def _on_answered(self, emb: Embeddings, found: Mapping) -> None:
        if emb is self._emb:  # else newer vectors came meanwhile; they ask again
            self._neighbours.update(found)
            self._show()

    def _show(self) -> None:
        pinned = set(self._words)
        for row, word in enumerate(self._words):
            label = self.table.cellWidget(row, 1)
            rows = self._neighbours.get(word, ())
            if self._emb is None:
                label.set_note("appears when training starts")
            elif word not in self._emb:
                label.set_note("not in the vocabulary")
            else:
                # Words only, so a row stays one line; the cosines are in the tooltip.
                label.set_words([w for w, _ in rows], pinned)
            label.setToolTip("\n".join(f"{w}\t{cos:.3f}" for w, cos in rows))

    def _on_pin_clicked(self) -> None:
        self.pin(self.input.text())
        self.input.clear()


class ElidedWords(QLabel):
    """Words separated by commas, pinned ones highlighted, cut to the label's width with
    an ellipsis (the full list with cosines is in the tooltip) instead of clipped."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self._words: list[str] = []
        self._pinned: set[str] = set()

    def set_note(self, note: str) -> None:
        self._words = []
        self.setText(f"<span style='color:gray'>{escape(note)}</span>")

    def set_words(self, words: Sequence[str], pinned: set[str]) -> None:
        self._words, self._pinned = list(words), pinned
        self._render()

    def shown_words(self) -> str:
        """The words as shown, as plain text (for tests)."""
        return QTextDocumentFragment.fromHtml(self.text()).toPlainText()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self._words:
            self._render()

    def _render(self) -> None:
        metrics = self.fontMetrics()
        room = self.contentsRect().width()
        n = len(self._words)
        while n > 0 and metrics.horizontalAdvance(self._plain(n)) > room:
            n -= 1
        shown = ", ".join(
            f"<b style='color:{HIGHLIGHT}'>{escape(w)}</b>" if w in self._pinned else escape(w)
            for w in self._words[:n]
        )
        self.setText(shown + ((", …" if n else "…") if n < len(self._words) else ""))

    def _plain(self, n: int) -> str:
        more = ", …" if n else "…"
        return ", ".join(self._words[:n]) + (more if n < len(self._words) else "")
