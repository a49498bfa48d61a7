"""The corpus panel: open text (buttons, recent, drag and drop), see what it holds."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from w2v_gui.core.units import format_bytes
from w2v_gui.session import CorpusInfo


class CorpusPanel(QWidget):
    """Shows the open corpus; forwards opens (dropped paths, recent entries) as signals."""

    paths_dropped = Signal(list)
    recent_chosen = Signal(list)
    cancel_requested = Signal()

    def __init__(self, open_files: QAction, open_folder: QAction, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAcceptDrops(True)
        self._info: CorpusInfo | None = None
        self._min_count = 5
        self._max_vocab: int | None = None

        files_button = QToolButton()
        files_button.setDefaultAction(open_files)
        folder_button = QToolButton()
        folder_button.setDefaultAction(open_folder)
        self.recent_menu = QMenu("Recent corpora", self)
        self.recent_menu.triggered.connect(self._on_recent_triggered)
        recent_button = QToolButton(text="Recent", objectName="recentButton")
        recent_button.setMenu(self.recent_menu)
        recent_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self._recent_button = recent_button
        buttons = QHBoxLayout()
        for b in (files_button, folder_button, recent_button):
            buttons.addWidget(b)
        buttons.addStretch(1)

        self.progress = QProgressBar(objectName="scanProgress", textVisible=True)
        self.cancel_button = QPushButton("Cancel", objectName="scanCancel")
        self.cancel_button.clicked.connect(self.cancel_requested)
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.progress, 1)
        scan_row.addWidget(self.cancel_button)
        self._scan_row = QWidget()
        self._scan_row.setLayout(scan_row)
        scan_row.setContentsMargins(0, 0, 0, 0)
        self._scan_row.setVisible(False)

        self.summary = QLabel(objectName="corpusSummary", wordWrap=True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        # Why the last open failed (the corpus before it stays open), until the next one.
        self.failure = QLabel(objectName="corpusFailure", wordWrap=True)
        self.failure.setStyleSheet("color: #b00020")
        self.failure.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.failure.setVisible(False)
        # Files of the open corpus that were not read, one "file: why" per line.
        self.skipped = QPlainTextEdit(objectName="corpusSkipped", readOnly=True)
        self.skipped.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.skipped.setMaximumHeight(90)
        self.skipped.setToolTip("Files that could not be read; training uses the others.")
        self.skipped.setVisible(False)
        self.preview = QPlainTextEdit(objectName="corpusPreview", readOnly=True)
        self.preview.setPlaceholderText("Drop text files or folders here, or open them above.")
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        font = QFont(self.preview.font())
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.preview.setFont(font)
        self.preview.setMinimumHeight(60)
        self.preview.setToolTip("The beginning of the first file, as read (UTF-8).")

        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self._scan_row)
        layout.addWidget(self.failure)
        layout.addWidget(self.summary)
        layout.addWidget(self.skipped)
        layout.addWidget(self.preview)
        self._show_summary()

    # -- what it shows ---------------------------------------------------------------
    def set_recent(self, entries: list[list[str]]) -> None:
        self.recent_menu.clear()
        for paths in entries:
            name = Path(paths[0]).name + (f" (+{len(paths) - 1})" if len(paths) > 1 else "")
            action = self.recent_menu.addAction(name)
            action.setToolTip("\n".join(paths))
            action.setData(paths)
        self._recent_button.setEnabled(bool(entries))

    def set_scanning(self, scanning: bool) -> None:
        self._scan_row.setVisible(scanning)
        if scanning:
            self.progress.setRange(0, 0)
            self.failure.setVisible(False)
            self.summary.setText("Reading the corpus…")
        else:  # finished, failed or cancelled: show what is open (a new corpus comes after)
            self._show_summary()

    def set_failure(self, message: str) -> None:
        """Say why the last open failed; the corpus open before it (if any) stays shown."""
        self.failure.setText(f"Could not open: {message}")
        self.failure.setVisible(True)

    def set_scan_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, 1000)
        self.progress.setValue(int(1000 * done / total) if total else 0)
        self.progress.setFormat(f"{format_bytes(done)} of {format_bytes(total)}")

    def set_corpus(self, info: CorpusInfo | None) -> None:
        self._info = info
        self.failure.setVisible(False)
        self.preview.setPlainText(info.preview if info is not None else "")
        skipped = info.scan.stats.skipped if info is not None else ()
        self.skipped.setPlainText("\n".join(map(str, skipped)))
        self.skipped.setVisible(bool(skipped))
        self._show_summary()

    def set_vocab_settings(self, min_count: int, max_vocab_size: int | None) -> None:
        self._min_count, self._max_vocab = min_count, max_vocab_size
        self._show_summary()

    def _show_summary(self) -> None:
        info = self._info
        if info is None:
            self.summary.setText("No corpus open.")
            return
        scan = info.scan
        vocab = scan.vocab_size(self._min_count, self._max_vocab)
        n = len(info.files)
        invalid = scan.stats.invalid_bytes
        bad = (
            f"<span style='color:#b00020'>{invalid:,} invalid bytes</span>"
            if invalid
            else "no invalid bytes"
        )
        skipped = len(scan.stats.skipped)
        not_read = (
            f", <span style='color:#b00020'>{skipped:,} skipped (listed below)</span>"
            if skipped
            else ""
        )
        self.summary.setText(
            f"<b>{escape(info.name)}</b> — {n:,} file{'s' if n != 1 else ''}, "
            f"{format_bytes(info.total_bytes)}{not_read}<br>"
            f"{scan.raw_words:,} tokens · {bad}<br>"
            f"Vocabulary: <b>{vocab:,}</b> words at min_count {self._min_count}"
        )
        self.summary.setToolTip("\n".join(info.files[:20]) + ("\n…" if n > 20 else ""))

    # -- handlers ----------------------------------------------------------------------
    def _on_recent_triggered(self, action: QAction) -> None:
        self.recent_chosen.emit(list(action.data()))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.paths_dropped.emit(paths)
