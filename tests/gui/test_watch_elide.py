"""Watch-word neighbour lists end in an ellipsis where they do not fit, never cut off
mid-word; the tooltip has them all with their cosines (issue 14 Friction)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QSplitter

from tests.gui.conftest import load


def test_a_long_neighbour_list_is_elided_with_the_full_list_in_the_tooltip(
    qtbot, window, corpus_file
):
    window.watch.set_words(["king"])
    load(qtbot, window, [corpus_file])
    with qtbot.waitSignal(window.training_finished, timeout=30_000):
        window.training.train_action.trigger()
    label = window.watch.table.cellWidget(0, 1)
    qtbot.waitUntil(lambda: bool(window.watch.neighbours("king")), timeout=10_000)
    split = window.findChild(QSplitter, "trainingSplitter")
    total = sum(split.sizes())
    split.setSizes([total - 230, 230])  # a narrow watch column
    QApplication.processEvents()
    shown = label.shown_words()
    assert shown.endswith("…"), shown
    assert label.fontMetrics().horizontalAdvance(shown) <= label.contentsRect().width()
    words = [w for w, _ in window.watch.neighbours("king")]
    assert len(words) == 5 and all(w in label.toolTip() for w in words)
    assert all(w in words for w in shown.rstrip(", …").split(", "))
    split.setSizes([1, 10_000])  # wide again: the whole list
    QApplication.processEvents()
    assert label.shown_words() == ", ".join(words)
