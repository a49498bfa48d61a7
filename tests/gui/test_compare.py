"""The real window compares two models it trained, and places words on axes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.core.test_compare import FAMILIES, planted_lines, swapped
from tests.gui.conftest import SMALL, load


def _train(qtbot, window, path):
    load(qtbot, window, [path], SMALL.replace(window=4, epochs=6))
    with qtbot.waitSignal(window.training_finished, timeout=60_000):
        window.training.train_action.trigger()


@pytest.fixture
def two_trained(qtbot, window, tmp_path):
    lines = planted_lines(3000)
    a, b = tmp_path / "before.txt", tmp_path / "after.txt"
    a.write_text("\n".join(lines) + "\n", encoding="utf-8")
    b.write_text("\n".join(swapped(lines, "dog", "drill")) + "\n", encoding="utf-8")
    _train(qtbot, window, a)
    _train(qtbot, window, b)  # the first model stays open
    window.session.dirty = False
    return window


@pytest.mark.slow
def test_two_trained_models_compared_list_the_swapped_words(qtbot, two_trained, tmp_path):
    window = two_trained
    view = window.compare
    assert len(window.models) == 2
    assert window.models.labels() == [
        "1: before.txt, seed 1 (trained)",
        "2: after.txt, seed 1 (trained)",
    ]
    # The newest model is B, the one before it A; the view says what it compares.
    assert (view.model_a.currentIndex(), view.model_b.currentIndex()) == (0, 1)
    about = view.about.text()
    assert "before.txt" in about and "after.txt" in about and "different corpora" in about
    window.tabs.setCurrentWidget(window.models_tabs)
    with qtbot.waitSignal(view.compared, timeout=30_000):
        qtbot.mouseClick(view.compare_button, Qt.MouseButton.LeftButton)
    assert set(view.ranked_words(2)) == {"dog", "drill"}
    view.by.setCurrentIndex(1)  # neighbours not in common
    assert set(view.ranked_words(2)) == {"dog", "drill"}
    assert "Rare words are noisy" in view.note.text()

    # The top word is chosen: its neighbours in A and B side by side.
    in_a, in_b = view.detail.shown()
    assert view.word.text() in ("dog", "drill") and len(in_a) == len(in_b) == 10
    view.show_word("dog")
    in_a, in_b = view.detail.shown()
    assert set(in_a[:3]) <= set(FAMILIES["animal"][0] + FAMILIES["animal"][1])
    assert set(in_b[:3]) <= set(FAMILIES["tool"][0] + FAMILIES["tool"][1])
    assert len(view.detail._labels) == 2 + 2 * 6  # the trajectory map is drawn

    out = tmp_path / "changes.tsv"
    view.export(str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "Word\tCosine distance\tNot in common\tCount A\tCount B"
    assert {ln.split("\t")[0] for ln in lines[1:3]} == {"dog", "drill"}
    assert len(lines) == 1 + view.table_model.rowCount()
    view.table.selectRow(0)
    view.copy()
    from PySide6.QtWidgets import QApplication

    copied = QApplication.clipboard().text().splitlines()
    assert copied[0] == lines[0] and len(copied) == 2

    # Axes on the newest model: animals against tools.
    axes = window.axes
    window.models_tabs.setCurrentWidget(axes)
    assert "after.txt" in axes.about.text()
    axes.x_pairs.setText("cat hammer, cow saw")
    axes.y_pairs.setText("")
    with qtbot.waitSignal(axes.placed, timeout=30_000):
        axes.place_button.click()
    pos, neg = axes.ends()
    animal = set(FAMILIES["animal"][0] + FAMILIES["animal"][1])
    tool = set(FAMILIES["tool"][0] + FAMILIES["tool"][1])
    assert set(pos[:5]) <= animal | {"drill"} and set(neg[:5]) <= tool | {"dog"}
    axes._set_hovered(0)
    assert axes.hover_text.startswith("<b>")
    axes.x_pairs.setText("cat")
    axes.place_button.click()
    assert "not a pair" in axes.message.text()


def test_opened_runs_of_one_corpus_measure_stability(qtbot, window, tmp_path):
    from tests.core.test_compare import NOISE, train
    from w2v_gui.core.config import TrainingConfig
    from w2v_gui.core.formats import native

    lines = planted_lines(3000, seed=4, noise=True)
    paths = []
    for seed in (11, 12):
        path = tmp_path / f"seed{seed}.npz"
        config = TrainingConfig(seed=seed, min_count=1)
        state = {"corpus": {"paths": ["/data/one.txt"], "raw_words": 18000}}
        native.save(path, train(lines, seed=seed), config=config, state=state)
        paths.append(path)
    for path in paths:  # opening a second model keeps the first
        with qtbot.waitSignal(window.session.embeddings_changed, timeout=10_000):
            window.open_model(str(path))
    assert window.models.labels() == ["1: seed11.npz", "2: seed12.npz"]
    view = window.stability
    assert [m.label for m in view.chosen()] == window.models.labels()
    with qtbot.waitSignal(view.measured, timeout=30_000) as blocker:
        view.measure_button.click()
    report = blocker.args[0]
    assert report.per_model.shape == (2,) and 0.3 < report.mean < 0.95
    assert view.summary.rowCount() == 2
    assert "Between runs of one text" in view.message.text()
    view.word.setText("cat")
    view.word.returnPressed.emit()
    marks = view.recurring_shown()
    assert len(marks) == 10 and sum(marks.values()) >= 7
    view.word.setText(NOISE[0])
    view.word.returnPressed.emit()
    assert sum(view.recurring_shown().values()) <= 5
    compare = window.compare.about.text()
    assert "same corpus; settings differ: seed 11 vs 12" in compare


@pytest.mark.slow
def test_runs_with_other_seeds_train_in_the_background_and_are_measured(qtbot, window, tmp_path):
    from tests.core.test_compare import NOISE

    path = tmp_path / "one.txt"
    path.write_text("\n".join(planted_lines(3000, seed=4, noise=True)) + "\n", encoding="utf-8")
    load(qtbot, window, [path], SMALL.replace(window=4, epochs=6, workers=1))
    view = window.stability
    view.runs_count.setValue(2)
    with qtbot.waitSignal(view.measured, timeout=90_000) as blocker:
        view.train_button.click()
    assert window.models.labels() == [
        "1: one.txt, seed 2 (stability run)",
        "2: one.txt, seed 3 (stability run)",
    ]
    assert window.session.model is None  # the session's own model is not touched
    report = blocker.args[0]
    assert report.per_model.shape == (2,) and 0.3 < report.mean < 0.95
    view.word.setText("cat")
    view.word.returnPressed.emit()
    assert sum(view.recurring_shown().values()) >= 7
    view.word.setText(NOISE[0])
    view.word.returnPressed.emit()
    assert sum(view.recurring_shown().values()) <= 5
