"""Keys through the real window, sent to the widget that has focus (issue 14 item 1).

Stop is never on a key people press for other reasons: Esc closes the autocomplete list
and leaves the run alone; Space clicks the focused button, whichever it is.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.gui.conftest import SMALL, load
from w2v_gui.session import IDLE, PAUSED, TRAINING

LONG = SMALL.replace(epochs=1000)


def _paused_run(qtbot, window, corpus_file):
    """A run on the planted corpus, paused, with the vocabulary known to the completers."""
    load(qtbot, window, [corpus_file], LONG)
    session = window.session
    with qtbot.waitSignal(session.embeddings_changed, timeout=20_000):
        window.training.train_action.trigger()
    session.toggle_pause()
    assert session.state == PAUSED
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    return session


def _focus(qtbot, widget):
    window = widget.window()
    if not window.isActiveWindow():  # offscreen Qt leaves a closed popup the active window
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=5000)
    return widget


def _stop(qtbot, window):
    if window.session.state in (TRAINING, PAUSED):
        with qtbot.waitSignal(window.training_finished, timeout=20_000):
            window.session.stop()


@pytest.mark.slow
def test_esc_closes_the_autocomplete_and_never_stops_the_run(qtbot, window, corpus_file):
    session = _paused_run(qtbot, window, corpus_file)
    edit = _focus(qtbot, window.watch.input)
    QTest.keyClicks(edit, "qu")
    popup = edit.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=5000)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=5000)
    assert session.state == PAUSED
    # Esc in a text field without a list open does not stop it either.
    for field in (window.watch.input, window.neighbours.query):
        QTest.keyClick(_focus(qtbot, field), Qt.Key.Key_Escape)
        qtbot.wait(50)
        assert session.state == PAUSED
    _stop(qtbot, window)


def test_space_clicks_the_focused_button(qtbot, window, corpus_file):
    session = _paused_run(qtbot, window, corpus_file)
    QTest.keyClick(_focus(qtbot, window.training.pause_button), Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: session.state == TRAINING, timeout=5000)  # Resume
    with qtbot.waitSignal(window.training_finished, timeout=20_000) as blocker:
        QTest.keyClick(_focus(qtbot, window.training.stop_button), Qt.Key.Key_Space)
    assert blocker.args[0].progress.stopped  # Stop stopped it, rather than pausing
    assert session.state == IDLE


def test_stop_has_a_deliberate_shortcut(qtbot, window, corpus_file):
    session = _paused_run(qtbot, window, corpus_file)
    keys = {s.toString() for s in window.training.stop_action.shortcuts()}
    assert "Esc" not in keys and "Ctrl+." in keys
    assert "Space" not in {s.toString() for s in window.training.pause_action.shortcuts()}
    with qtbot.waitSignal(window.training_finished, timeout=20_000):
        QTest.keyClick(
            _focus(qtbot, window.neighbours.query),
            Qt.Key.Key_Period,
            Qt.KeyboardModifier.ControlModifier,
        )
    assert session.state == IDLE
