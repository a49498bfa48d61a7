"""Small layout helpers shared by the window's panels."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QSplitter, QVBoxLayout, QWidget

from w2v_gui.widgets.collapsible import Collapsible


def group_box(title: str, widget: QWidget, name: str) -> QGroupBox:
    """``widget`` in a titled box with small margins."""
    box = QGroupBox(title, objectName=name)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(6, 6, 6, 6)
    layout.addWidget(widget)
    return box


def splitter(
    orientation: Qt.Orientation, name: str, widgets: Sequence[QWidget], sizes: Sequence[int]
) -> QSplitter:
    """A splitter of ``widgets`` at ``sizes`` whose panes never collapse to nothing."""
    splitter = QSplitter(orientation, objectName=name, childrenCollapsible=False)
    for w in widgets:
        splitter.addWidget(w)
    splitter.setSizes(list(sizes))
    return splitter


def neighbours_column(neighbours: QWidget, compare_words: QWidget) -> QWidget:
    """Nearest neighbours, with the Compare words box folded under it (unfold to use):
    the list gets the height, the box its whole help text when it is open."""
    column = QWidget(objectName="neighboursColumn")
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(group_box("Nearest neighbours", neighbours, "neighboursGroup"), 1)
    box = Collapsible("Compare words: similarity, odd one out", compare_words, "compareWordsGroup")
    layout.addWidget(box)
    return column
