"""A trained, unsaved model is never thrown away without asking (issue 14 item 2).

Train and Quit ask the same question, Save / Discard / Cancel; Save saves and then does
what was asked; the question says what is at stake (paused, running, not saved).
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox

from tests.gui.conftest import SMALL, load
from w2v_gui.core.formats import native
from w2v_gui.session import IDLE, PAUSED

Button = QMessageBox.StandardButton


def _trained(qtbot, window, corpus_file):
    load(qtbot, window, [corpus_file])
    with qtbot.waitSignal(window.training_finished, timeout=30_000):
        window.training.train_action.trigger()
    assert window.session.dirty and window.session.state == IDLE


def _offers_save_discard_cancel(buttons) -> bool:
    return all(buttons & b == b for b in (Button.Save, Button.Discard, Button.Cancel))


def test_train_asks_before_replacing_an_unsaved_model_and_cancel_keeps_it(
    qtbot, window, corpus_file, asked
):
    _trained(qtbot, window, corpus_file)
    model = window.session.model
    asked.answers = [Button.Cancel]
    window.training.train_action.trigger()
    [(title, text, buttons)] = asked.questions
    assert "not saved" in text and _offers_save_discard_cancel(buttons)
    qtbot.wait(100)
    assert window.session.state == IDLE and window.session.model is model
    assert window.session.dirty


def test_train_discard_trains_again(qtbot, window, corpus_file, asked):
    _trained(qtbot, window, corpus_file)
    asked.answers = [Button.Discard]
    with qtbot.waitSignal(window.training_finished, timeout=30_000):
        window.training.train_action.trigger()
    assert len(asked.questions) == 1


def test_train_save_saves_then_trains(qtbot, window, corpus_file, asked, tmp_path, monkeypatch):
    _trained(qtbot, window, corpus_file)
    target = tmp_path / "first.npz"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "w2v-gui model (*.npz)")
    )
    first = window.session.model
    asked.answers = [Button.Save]
    with qtbot.waitSignal(window.training_finished, timeout=60_000):
        window.training.train_action.trigger()
    saved = native.load(target)
    assert saved.embeddings.words == first.embeddings.words
    assert window.session.model is not first


def test_train_asks_also_after_a_new_corpus(qtbot, window, corpus_file, asked, tmp_path):
    _trained(qtbot, window, corpus_file)
    other = tmp_path / "other.txt"
    other.write_text(corpus_file.read_text(encoding="utf-8")[:20_000], encoding="utf-8")
    load(qtbot, window, [other])
    asked.answers = [Button.Cancel]
    window.training.train_action.trigger()
    assert len(asked.questions) == 1 and window.session.state == IDLE


def test_quit_while_paused_says_paused_and_offers_save(qtbot, window, corpus_file, asked):
    load(qtbot, window, [corpus_file], SMALL.replace(epochs=1000))
    with qtbot.waitSignal(window.session.embeddings_changed, timeout=20_000):
        window.training.train_action.trigger()
    window.session.toggle_pause()
    assert window.session.state == PAUSED
    asked.answers = [Button.Cancel]
    assert not window.close()
    [(title, text, buttons)] = asked.questions
    assert "paused" in text.lower() and "running" not in text.lower()
    assert _offers_save_discard_cancel(buttons)
    asked.answers = [Button.Discard]
    assert window.close()


def test_quit_save_saves_and_then_quits(qtbot, window, corpus_file, asked, tmp_path, monkeypatch):
    _trained(qtbot, window, corpus_file)
    target = tmp_path / "kept.npz"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "w2v-gui model (*.npz)")
    )
    asked.answers = [Button.Save]
    window.close()  # refused for now: the save runs first
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
    assert native.load(target).embeddings.words == window.session.model.embeddings.words
    assert not window.session.dirty


def test_quit_save_with_the_file_dialog_cancelled_stays_open(
    qtbot, window, corpus_file, asked, monkeypatch
):
    _trained(qtbot, window, corpus_file)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    asked.answers = [Button.Save]
    assert not window.close()
    qtbot.wait(200)
    assert window.isVisible() and window.session.dirty


def test_quit_save_while_paused_stops_saves_and_quits(
    qtbot, window, corpus_file, asked, tmp_path, monkeypatch
):
    load(qtbot, window, [corpus_file], SMALL.replace(epochs=1000))
    with qtbot.waitSignal(window.session.embeddings_changed, timeout=20_000):
        window.training.train_action.trigger()
    window.session.toggle_pause()
    target = tmp_path / "paused.npz"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "w2v-gui model (*.npz)")
    )
    asked.answers = [Button.Save]
    assert not window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
    model = native.load(target)
    assert 0 < model.state["next_job"]  # the stopped run, resumable
    assert window.session.state == IDLE
