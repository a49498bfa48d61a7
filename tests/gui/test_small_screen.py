"""The window fits a small laptop and stays usable there (issue 14 item 7).

1024 × 600 is the target: the minimum size allows it, every hyperparameter field shows
its whole editor (arrows included), and the loss plot's legend leaves its hint readable.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QScrollArea, QSplitter, QStyle

from w2v_gui.widgets.collapsible import Collapsible

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


# -- round 2: the exploring tabs get the height, the loss plot steps aside (issue 14 item 7)
def _trained_at(qtbot, window, corpus_file, size):
    from tests.gui.conftest import load

    load(qtbot, window, [corpus_file])
    with qtbot.waitSignal(window.training_finished, timeout=30_000):
        window.training.train_action.trigger()
    window.resize(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size, timeout=5000)
    QApplication.processEvents()


def test_the_neighbours_list_shows_eight_rows_at_1024_by_600(qtbot, window, corpus_file):
    _trained_at(qtbot, window, corpus_file, SMALL_SCREEN)
    window.neighbours.set_query("king")
    table = window.neighbours.table
    assert table.rowCount() >= 8 and table.isVisible()
    rows = table.viewport().height() // table.verticalHeader().defaultSectionSize()
    assert rows >= 8, rows
    # The Compare words box is folded under the list, one line high, until it is opened.
    box = window.findChild(Collapsible, "compareWordsGroup")
    assert not box.expanded and box.height() <= 2 * box.toggle.sizeHint().height()


def test_the_compare_words_box_opens_with_its_whole_help_text(qtbot, window, corpus_file):
    _trained_at(qtbot, window, corpus_file, SMALL_SCREEN)
    box = window.findChild(Collapsible, "compareWordsGroup")
    box.toggle.click()
    QApplication.processEvents()
    result = window.compare_words.result
    assert result.isVisible() and "which one does not belong" in result.text()
    assert result.height() >= result.heightForWidth(result.width())  # no clipped line
    table = window.neighbours.table
    assert table.viewport().height() >= 3 * table.verticalHeader().defaultSectionSize()


def test_the_watch_header_is_not_cut_at_1024_by_600(qtbot, window):
    _at_small_size(qtbot, window)
    table = window.watch.table
    header = table.horizontalHeader()
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin)
    for col in (0, 1):
        text = table.horizontalHeaderItem(col).text()
        needed = header.fontMetrics().horizontalAdvance(text) + 2 * margin
        assert header.sectionSize(col) >= needed, (text, header.sectionSize(col), needed)


def _legend_covers_the_learning_rate(panel) -> bool:
    legend = panel._legend
    if not legend.isVisible():
        return False
    x, lr = panel.data()["x"], panel.data()["lr"]
    xs = np.linspace(x.min(), x.max(), 400)
    box = legend.sceneBoundingRect()
    return any(
        box.contains(panel._lr_view.mapViewToScene(QPointF(a, b)))
        for a, b in zip(xs, np.interp(xs, x, lr), strict=True)
    )


@pytest.mark.parametrize("size, top", [((1280, 800), 250), (SMALL_SCREEN, None)])
def test_the_legend_never_covers_the_learning_rate_line(qtbot, window, corpus_file, size, top):
    _trained_at(qtbot, window, corpus_file, size)
    if top is not None:  # as the README's Map picture has it: a shrunken loss plot
        window.findChild(QSplitter, "rightSplitter").setSizes([top, size[1] - top])
    QApplication.processEvents()
    panel = window.training
    assert not _legend_covers_the_learning_rate(panel)
    assert panel._legend.isVisible() or "learning rate" in panel.plot.toolTip()


def test_a_roomy_plot_keeps_its_legend(qtbot, window, corpus_file):
    _trained_at(qtbot, window, corpus_file, (1400, 900))
    panel = window.training
    assert panel._legend.isVisible() and not _legend_covers_the_learning_rate(panel)
