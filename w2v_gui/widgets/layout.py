"""Small layout helpers shared by the window's panels."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QSplitter, QVBoxLayout, QWidget


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
