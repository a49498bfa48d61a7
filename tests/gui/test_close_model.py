"""Closing an open model, and what Quit and Open do with models in no file (issues 16, 14).

File ▸ Close model ▸ <model> asks Save / Discard / Cancel for a model in no file; the views
that showed it go empty or show another. Quit names stability runs still training and
open models in no file. Opening a model over an unsaved one loses nothing: the trained
model stays open (Compare, Close model ▸ Save) and Quit asks about it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox

from tests.core.test_compare import planted_lines, train
from tests.gui.conftest import SMALL, load
from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.formats import native

Button = QMessageBox.StandardButton


def _train(qtbot, window):
    with qtbot.waitSignal(window.training_finished, timeout=30_000):
        window.training.train_action.trigger()


def _close(window, entry):
    action = next(a for a in window.closer.menu.actions() if a.objectName() == f"close:{entry}")
    assert action.isEnabled()
    action.trigger()


def _opened(qtbot, window, path, seed):
    lines = planted_lines(1500, seed=4, noise=True)
    state = {"corpus": {"paths": ["/data/one.txt"], "raw_words": 9000}}
    native.save(path, train(lines, seed=seed), config=TrainingConfig(seed=seed), state=state)
    with qtbot.waitSignal(window.session.embeddings_changed, timeout=10_000):
        window.open_model(str(path))


def _all_buttons(buttons) -> bool:
    return all(buttons & b == b for b in (Button.Save, Button.Discard, Button.Cancel))


def test_closing_the_shown_unsaved_model_asks_and_the_views_go_empty(
    qtbot, window, corpus_file, asked
):
    load(qtbot, window, [corpus_file])
    _train(qtbot, window)
    [entry] = window.models.labels()
    window.neighbours.set_query("king")
    assert window.neighbours.table.rowCount() > 0
    asked.answers = [Button.Cancel]
    _close(window, entry)
    [(_, text, buttons)] = asked.questions
    assert "not saved" in text and _all_buttons(buttons)
    assert window.models.labels() == [entry] and window.session.model is not None
    asked.answers = [Button.Discard]
    _close(window, entry)
    assert window.models.labels() == [] and window.session.model is None
    assert window.neighbours.table.rowCount() == 0
    assert "No vectors yet" in window.neighbours.message.text()
    assert window.compare.model_a.count() == 0 and window.axes.model.count() == 0
    assert not window.files.save.isEnabled() and not window.isWindowModified()
    assert len(window.training.data()["x"]) == 0 and window.training._hint.isVisible()
    assert window.close() and len(asked.questions) == 2  # nothing left to ask about


def test_closing_another_unsaved_model_offers_save_to_its_own_file(
    qtbot, window, corpus_file, asked, tmp_path, monkeypatch
):
    load(qtbot, window, [corpus_file])
    _train(qtbot, window)
    window.session.dirty = False  # the second Train does not ask
    _train(qtbot, window)
    first, second = window.models.models
    assert window.session.model is second.model
    window.compare.set_models(first.label, second.label)
    target = tmp_path / "first-run.npz"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "w2v-gui model (*.npz)")
    )
    asked.answers = [Button.Save]
    _close(window, first.label)
    [(_, text, buttons)] = asked.questions
    assert "in no file" in text and _all_buttons(buttons)
    qtbot.waitUntil(lambda: first not in window.models.models, timeout=20_000)
    assert native.load(target).embeddings.words == first.embeddings.words
    assert window.compare.model_a.findText(first.label) == -1
    assert window.session.model is second.model  # the shown model is untouched


def test_an_opened_model_closes_without_asking_and_the_shown_one_stays(
    qtbot, window, tmp_path, asked
):
    _opened(qtbot, window, tmp_path / "a.npz", 11)
    _opened(qtbot, window, tmp_path / "b.npz", 12)
    first, second = window.models.labels()
    _close(window, first)
    assert asked.questions == [] and window.models.labels() == [second]
    assert window.session.embeddings is window.models.models[0].embeddings
    _close(window, second)
    assert asked.questions == [] and window.session.model is None


def test_closing_a_measured_run_clears_stability_and_the_marks(qtbot, window, tmp_path, asked):
    for seed in (11, 12, 13):
        _opened(qtbot, window, tmp_path / f"s{seed}.npz", seed)
    with qtbot.waitSignal(window.stability.runs_measured, timeout=30_000):
        window.stability.measure_button.click()
    assert len(window.run_marks.runs) == 3
    _close(window, window.models.labels()[0])
    assert window.run_marks.runs == ()
    assert window.stability.summary.rowCount() == 0
    assert "closed" in window.stability.message.text()


def test_quit_while_stability_runs_train_asks(qtbot, window, corpus_file, asked):
    load(qtbot, window, [corpus_file], SMALL.replace(epochs=1000, workers=1))
    view = window.stability
    view.runs_count.setValue(2)
    view.train_button.click()
    assert view.training
    asked.answers = [Button.Cancel]
    assert not window.close()
    [(title, text, buttons)] = asked.questions
    assert "Stability runs are still training" in text
    assert buttons & Button.Discard and not buttons & Button.Save  # nothing to save yet
    assert view.training and window.isVisible()
    asked.answers = [Button.Discard]
    assert window.close()  # and the runs are stopped (no thread is left: conftest)


def test_quit_names_finished_stability_runs_in_no_file(qtbot, window, tmp_path, asked):
    _opened(qtbot, window, tmp_path / "a.npz", 11)
    lines = planted_lines(1500, seed=4, noise=True)
    run = native.NativeModel(train(lines, seed=12), None, TrainingConfig(seed=12), {})
    window.models.add(run, "run 2", "one.txt, seed 12 (stability run)")
    asked.answers = [Button.Cancel]
    assert not window.close()
    [(_, text, _)] = asked.questions
    assert "1 other open model is in no file (2: one.txt, seed 12 (stability run))" in text


def test_opening_a_model_over_an_unsaved_one_loses_nothing(
    qtbot, window, corpus_file, asked, tmp_path
):
    load(qtbot, window, [corpus_file])
    _train(qtbot, window)
    trained = window.session.model
    _opened(qtbot, window, tmp_path / "other.npz", 11)
    assert asked.questions == []  # no question: the trained model is not thrown away
    kept = window.models.entry(trained)
    assert kept is not None and window.models.unsaved() == [kept]
    assert window.compare.model_a.findText(kept.label) >= 0
    assert window.closer.menu.actions()[0].objectName() == f"close:{kept.label}"
    asked.answers = [Button.Cancel]
    assert not window.close()
    [(_, text, _)] = asked.questions
    assert kept.label in text and "in no file" in text
