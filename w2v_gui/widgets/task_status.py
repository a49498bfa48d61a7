"""Progress and Cancel in the status bar for model files (opening or saving can take
seconds: a million words × 300 dimensions is 1.2 GB of text). Corpus reading has its own
row in the corpus panel; training has the training panel."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from w2v_gui.core.units import format_bytes


class TaskStatus(QWidget):
    """What a file operation is doing, how far it is, and a Cancel button if it can stop."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.label = QLabel(objectName="taskLabel")
        self.progress = QProgressBar(objectName="taskProgress", textVisible=True)
        self.progress.setMaximumWidth(220)
        self.cancel_button = QPushButton("Cancel", objectName="taskCancel")
        self.cancel_button.clicked.connect(self.cancel_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.progress)
        layout.addWidget(self.cancel_button)
        self._in_bytes = True
        self.setVisible(False)

    def start(self, text: str, tip: str = "", in_bytes: bool = True) -> None:
        """Show ``text`` and a busy bar; ``in_bytes``: progress counts bytes (else only the
        percentage is shown: savers count vectors)."""
        self.label.setText(text)
        self.progress.setRange(0, 0)  # busy until the first progress report
        self.cancel_button.setToolTip(tip)
        self._in_bytes = in_bytes
        self.setVisible(True)

    def set_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, 1000)
        self.progress.setValue(int(1000 * done / total) if total else 0)
        self.progress.setFormat(
            f"{format_bytes(done)} of {format_bytes(total)}" if self._in_bytes else "%p%"
        )

    def finish(self) -> None:
        self.setVisible(False)
