"""Pieces the exploring panels share: the vocabulary for autocompletion, a cosine bar."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRectF, QStringListModel, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QCompleter, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from w2v_gui.core.vectors import Embeddings

# Autocompletion offers the most frequent words; a million-word list would take the GUI
# thread a noticeable moment to load, and nobody scrolls that far.
MAX_COMPLETIONS = 200_000
BAR_COLOUR = QColor("#6d9bd1")


class Vocabulary(QStringListModel):
    """The explored vectors' words, frequent first; reloaded only when the words change."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._words: tuple[str, ...] | None = None

    def set_embeddings(self, emb: Embeddings | None) -> None:
        words = emb.words if emb is not None else ()
        # Snapshots of one run share one words tuple: identity says "unchanged" for free.
        if words is not self._words:
            self._words = words
            self.setStringList(list(words[:MAX_COMPLETIONS]))

    def completer(self, parent: QWidget) -> QCompleter:
        completer = QCompleter(self, parent)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setMaxVisibleItems(12)
        return completer


class BarDelegate(QStyledItemDelegate):
    """Draws a cell's number (a cosine, clipped to 0..1) as a horizontal bar."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().paint(painter, option, index)
        value = index.data(Qt.ItemDataRole.UserRole)
        if value is None:
            return
        r = QRectF(option.rect).adjusted(4, 5, -4, -5)
        r.setWidth(r.width() * min(max(float(value), 0.0), 1.0))
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(BAR_COLOUR)
        painter.drawRoundedRect(r, 2, 2)
        painter.restore()
