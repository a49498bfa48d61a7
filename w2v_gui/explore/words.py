"""Pieces the exploring panels share: the vocabulary for autocompletion, a cosine bar."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QRectF, QStringListModel, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QCompleter, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from w2v_gui.core.vectors import Embeddings

# Completions shown for what is typed: the most frequent words that start with it.
MAX_COMPLETIONS = 50
BAR_COLOUR = QColor("#6d9bd1")


class Vocabulary(QObject):
    """The explored vectors, for completers that ask core's sorted word index what starts
    with the text typed (a binary search, instant at 3 million words), instead of a Qt
    list of the whole vocabulary (loading 200,000 words into one took the GUI thread
    ~150 ms, and a scan of millions per keystroke would take longer)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.embeddings: Embeddings | None = None

    def set_embeddings(self, emb: Embeddings | None) -> None:
        self.embeddings = emb

    def completions(self, text: str) -> list[str]:
        """The most frequent words that start with ``text`` (case folded as lookups are)."""
        emb = self.embeddings
        return emb.complete(text, MAX_COMPLETIONS) if emb is not None and text else []

    def completer(self, parent: QWidget) -> QCompleter:
        return PrefixCompleter(self, parent)


class PrefixCompleter(QCompleter):
    """A completer whose list is refilled from :meth:`Vocabulary.completions` each time
    the text changes (QCompleter asks :meth:`splitPath` for every new prefix)."""

    def __init__(self, vocabulary: Vocabulary, parent: QWidget):
        self._list = QStringListModel(parent)
        super().__init__(self._list, parent)
        self._vocabulary = vocabulary
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setMaxVisibleItems(12)

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 - Qt override
        words = self._vocabulary.completions(path)
        if words != self._list.stringList():
            self._list.setStringList(words)
        return [path]

    # Esc pressed in the field closes the open list, and goes no further: Qt leaves Esc
    # to the popup when the popup has the keyboard; where it does not (the key reaches
    # the field, e.g. under X without a keyboard grab) the field ignored it and the list
    # stayed open.
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (
            watched is self.widget()
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Escape
            and self.popup().isVisible()
        ):
            self.popup().hide()
            return True
        return super().eventFilter(watched, event)


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
