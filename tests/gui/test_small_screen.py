"""The window fits a small laptop and stays usable there (issue 14 item 7).

1024 × 600 is the target: the minimum size allows it, every hyperparameter field shows
its whole editor (arrows included), and the loss plot's legend leaves its hint readable.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QScrollArea

SMALL_SCREEN = (1024, 600)


def _at_small_size(qtbot, window):
    window.resize(*SMALL_SCREEN)
    qtbot.waitUntil(lambda: window.width() == SMALL_SCREEN[0], timeout=5000)
    QApplication.processEvents()


def test_the_window_can_shrink_to_1024_by_600(qtbot, window):
    hint = window.minimumSizeHint()
    size = window.minimumSize().expandedTo(hint)
    assert size.width() <= SMALL_SCREEN[0] and size.height() <= SMALL_SCREEN[1], size
    _at_small_size(qtbot, window)
    assert (window.width(), window.height()) == SMALL_SCREEN


def test_every_field_shows_its_whole_editor_at_1024_by_600(qtbot, window):
    _at_small_size(qtbot, window)
    boxes = window.parameters.findChildren(QAbstractSpinBox)
    assert boxes
    for box in boxes:
        assert box.width() >= box.minimumSizeHint().width(), box.objectName()
    # and the form can be scrolled to each of them (none is cut off at the side)
    scroll = next(s for s in window.findChildren(QScrollArea) if s.widget() is window.parameters)
    assert window.parameters.width() <= scroll.viewport().width()


def test_the_legend_leaves_the_hint_readable(qtbot, window):
    _at_small_size(qtbot, window)
    plot = window.training.plot.getPlotItem()
    hint = window.training._hint
    assert hint.isVisible()
    legend = plot.legend
    assert not (
        legend.isVisible() and legend.sceneBoundingRect().intersects(hint.sceneBoundingRect())
    )
