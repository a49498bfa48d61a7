"""A Learn step's page: title, prose and controls on the left, picture on the right.

The prose of each step lives in ``w2v_gui/learn/text/<step>.html`` (shipped as package
data), so the modules hold what the steps do and the text files what they say.
"""

from __future__ import annotations

import html
from importlib import resources

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from w2v_gui.core.config import TrainingConfig
from w2v_gui.learn.drawing import text_label
from w2v_gui.learn.story import Story
from w2v_gui.widgets.scrolling import scrolled

TEXT_WIDTH = 330


def prose(stem: str) -> str:
    """The rich text of ``text/<stem>.html``."""
    return (
        resources.files("w2v_gui.learn").joinpath("text", f"{stem}.html").read_text("utf-8").strip()
    )


def cbow_prose(stem: str, config: TrainingConfig) -> str:
    """``text/cbow_<stem>.html`` for ``config``: how CBOW (``sg = 0``) differs in a step.

    ``{hidden}`` in the text becomes how the context is combined (``cbow_mean``) and
    ``{share}`` what each context row's update gets of the error.
    """
    if config.cbow_mean:
        hidden, share = "<b>averaged</b> (cbow_mean = 1)", "the whole error step"
    else:
        hidden, share = "<b>summed</b> (cbow_mean = 0)", "an equal share of the error step"
    return prose(f"cbow_{stem}").replace("{hidden}", hidden).replace("{share}", share)


class Page(QWidget):
    """A step's layout: title, text and controls in a column on the left, picture right."""

    title = ""  # the heading
    short = ""  # the name in the step list
    cbow = ""  # stem of the text that says how CBOW differs in this step ("": it does not)

    def __init__(self, story: Story, parent: QWidget | None = None):
        super().__init__(parent)
        self.story = story
        self.heading = QLabel(f"<h3 style='margin:0'>{html.escape(self.title)}</h3>", wordWrap=True)
        self.text = text_label(name=f"{type(self).__name__}Text")
        # The steps teach skip-gram; with CBOW settings this says what differs here.
        self.mode_note = text_label(name=f"{type(self).__name__}Mode", selectable=True)
        self.mode_note.setStyleSheet(
            "padding:6px; background:#fff6e0; border:1px solid #e8c878; border-radius:4px"
        )
        self.mode_note.setVisible(False)
        self.controls = QVBoxLayout()
        self.controls.setSpacing(6)
        left = QWidget()
        left.setFixedWidth(TEXT_WIDTH)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 8, 0)
        column.addWidget(self.heading)
        column.addWidget(self.text)
        column.addWidget(self.mode_note)
        column.addSpacing(6)
        column.addLayout(self.controls)
        column.addStretch(1)
        self.picture = QVBoxLayout()
        # The column scrolls rather than setting the window's height: with the CBOW note
        # it needed 585–667 px, and the window would not go below 661–743 (issue 14
        # asks for 1024 × 600).
        column_scroll = scrolled(left, f"{type(self).__name__}Column")
        column_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        column_scroll.setFixedWidth(
            TEXT_WIDTH + column_scroll.verticalScrollBar().sizeHint().width()
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(column_scroll)
        layout.addLayout(self.picture, 1)

    def show_mode(self, config: TrainingConfig) -> None:
        """Say how CBOW differs in this step when ``config`` trains CBOW (``sg = 0``)."""
        cbow = bool(self.cbow) and config.sg == 0
        self.mode_note.setText(cbow_prose(self.cbow, config) if cbow else "")
        self.mode_note.setVisible(cbow)

    def refresh(self) -> None:
        """Redraw from the story (called when the step is shown or the story changed)."""

    def hidden(self) -> None:
        """The step was left: stop animations."""
