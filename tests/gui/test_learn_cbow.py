"""The Learn tab under CBOW settings: the steps that differ say how, in the real window."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from tests.gui.test_window import find


def _set(qtbot, window, name, value):
    with qtbot.waitSignal(window.parameters.config_changed, timeout=2000):
        window.parameters.editor(name).setValue(value)


def test_learn_says_what_cbow_does_differently(qtbot, window):
    learn = window.learn
    window.tabs.setCurrentWidget(learn)
    notes = {type(p).__name__: find(window, QLabel, f"{type(p).__name__}Mode") for p in learn.steps}
    assert window.parameters.config().sg == 1
    assert not any(n.isVisible() for n in notes.values())  # skip-gram: the steps as they are

    _set(qtbot, window, "sg", 0)
    cbow = {"WindowStep", "NegativesStep", "TrainingStep", "HyperStep"}
    for step, page in enumerate(learn.steps):
        learn.go_to(step)
        name = type(page).__name__
        assert notes[name].isVisible() == (name in cbow), name
    assert "one per centre word" in notes["WindowStep"].text()
    assert "per centre word rather than per pair" in notes["NegativesStep"].text()
    training = notes["TrainingStep"].text()
    assert "shows skip-gram; your settings train CBOW" in training
    assert "<b>averaged</b> (cbow_mean = 1)" in training and "whole error" in training

    _set(qtbot, window, "cbow_mean", 0)
    training = notes["TrainingStep"].text()
    assert "<b>summed</b> (cbow_mean = 0)" in training and "equal share" in training
    assert "summed" in notes["HyperStep"].text()

    _set(qtbot, window, "sg", 1)
    learn.go_to(4)
    assert not notes["TrainingStep"].isVisible() and notes["TrainingStep"].text() == ""


def test_the_cbow_notes_keep_the_window_at_1024_by_600(qtbot, window):
    window.tabs.setCurrentWidget(window.learn)
    _set(qtbot, window, "sg", 0)
    for step in range(len(window.learn.steps)):
        window.learn.go_to(step)
        window.resize(1024, 600)
        qtbot.wait(50)  # the layout settles
        assert (window.width(), window.height()) == (1024, 600), step + 1
