"""A section that folds away under a one-line toggle (for tools that need room rarely)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSizePolicy, QToolButton, QVBoxLayout, QWidget


class Collapsible(QWidget):
    """``content`` under a toggle button titled ``title``; folded unless ``expanded``.

    Unfolded, the content takes the height it asks for (a squeezed box clipped its help
    text to one line); folded, only the toggle's line is left.
    """

    def __init__(
        self, title: str, content: QWidget, name: str, expanded: bool = False, parent=None
    ):
        super().__init__(parent, objectName=name)
        self.content = content
        self.toggle = QToolButton(text=title, checkable=True, autoRaise=True)
        self.toggle.setObjectName(f"{name}Toggle")
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toggle)
        layout.addWidget(content)
        content.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.toggle.toggled.connect(self.set_expanded)
        self.toggle.setChecked(expanded)
        self.set_expanded(expanded)

    @property
    def expanded(self) -> bool:
        return self.toggle.isChecked()

    def set_expanded(self, expanded: bool) -> None:
        self.toggle.setChecked(expanded)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.content.setVisible(expanded)
