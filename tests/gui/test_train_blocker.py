"""An invalid value says why Train is off next to Train, not only below the form's fold
(issue 14 Friction)."""

from __future__ import annotations

from tests.gui.conftest import load


def test_the_reason_train_is_off_shows_next_to_train(qtbot, window, corpus_file):
    load(qtbot, window, [corpus_file])
    t = window.training
    assert t.train_button.isEnabled() and not t.blocker.isVisible()
    window.parameters.editor("alpha").setValue(0.001)
    window.parameters.editor("min_alpha").setValue(0.01)  # above alpha: invalid together
    assert not t.train_button.isEnabled()
    assert t.blocker.isVisible() and "min_alpha" in t.blocker.text()
    assert t.blocker.parentWidget() is t.train_button.parentWidget()  # beside the button
    window.parameters.editor("min_alpha").setValue(0.0001)
    assert t.train_button.isEnabled() and not t.blocker.isVisible()
