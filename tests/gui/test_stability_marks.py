"""The Neighbours and Analogy tables mark the entries that depend on the seed (issue 16
item 3): when the shown model is one of the measured stability runs, an entry the other
runs do not also find is dimmed and italic, says "in n of K runs", and a legend says what
the mark means. Without stability runs nothing is marked and no other model is asked."""

from __future__ import annotations

import functools

import pytest
from PySide6.QtWidgets import QApplication

from tests.core.test_compare import NOISE, planted_lines, train
from w2v_gui import queries
from w2v_gui.core.config import TrainingConfig
from w2v_gui.core.formats import native


@functools.cache
def _run(seed: int):
    """One seed's vectors, trained once per test session (they never change)."""
    return train(planted_lines(3000, seed=4, noise=True), seed=seed)


@pytest.fixture
def three_runs(qtbot, window, tmp_path):
    """Three seeds of one planted corpus (with noise words), opened in the window; the
    last one opened is the shown model."""
    for seed in (11, 12, 13):
        path = tmp_path / f"seed{seed}.npz"
        state = {"corpus": {"paths": ["/data/one.txt"], "raw_words": 18000}}
        native.save(path, _run(seed), config=TrainingConfig(seed=seed), state=state)
        with qtbot.waitSignal(window.session.embeddings_changed, timeout=10_000):
            window.open_model(str(path))
    return window


def _measure(qtbot, window):
    with qtbot.waitSignal(window.stability.runs_measured, timeout=30_000):
        window.stability.measure_button.click()


def _found_by(window, text):
    """Slow reference: for each shown neighbour, how many runs list it for ``text``."""
    runs = [m.embeddings for m in window.models.models]
    lists = [{w for w, _ in queries.neighbours(r, text).rows} for r in runs]
    return {w: sum(w in found for found in lists) for w, _ in window.neighbours.results()}


def _marked_rows(table, column=0):
    return {
        table.item(r, column).text(): table.item(r, column).toolTip()
        for r in range(table.rowCount())
        if table.item(r, column).font().italic()
    }


def test_no_stability_runs_no_marks_and_no_other_model_asked(qtbot, three_runs, monkeypatch):
    window = three_runs
    shown = window.session.embeddings
    asked = []
    real = queries.neighbours

    def spy(emb, text, *args, **kwargs):
        asked.append(emb)
        return real(emb, text, *args, **kwargs)

    monkeypatch.setattr(queries, "neighbours", spy)
    window.neighbours.set_query(NOISE[0])
    qtbot.waitUntil(lambda: window.neighbours.table.rowCount() > 0, timeout=5000)
    assert all(emb is shown for emb in asked)
    assert _marked_rows(window.neighbours.table) == {}
    assert not window.neighbours.legend.isVisible()
    window.analogy.set_words("cat", "fur", "hammer")
    assert _marked_rows(window.analogy.table) == {}
    assert not window.analogy.legend.isVisible()


def test_entries_missing_from_some_runs_are_marked_with_how_many(qtbot, three_runs):
    window = three_runs
    _measure(qtbot, window)
    panel = window.neighbours
    # A noise word's neighbours come and go with the seed.
    panel.set_query(NOISE[0])
    qtbot.waitUntil(lambda: bool(_marked_rows(panel.table)), timeout=10_000)
    expected = _found_by(window, NOISE[0])
    marked = _marked_rows(panel.table)
    assert marked == {w: f"in {n} of 3 runs" for w, n in expected.items() if n < 3}
    assert len(marked) < len(expected)  # the ones every run finds stay plain
    assert panel.legend.isVisible() and "not in all 3 runs" in panel.legend.text()
    assert "stability runs" in panel.legend.toolTip()
    # At 1024 × 600 the legend takes the message's line: the list keeps its 8 rows.
    window.resize(1024, 600)
    qtbot.waitUntil(lambda: window.height() == 600, timeout=5000)
    QApplication.processEvents()
    assert panel.legend.isVisible() and not panel.message.isVisible()
    assert panel.table.viewport().height() // panel.table.verticalHeader().defaultSectionSize() >= 8
    # A planted word's family recurs: few marks, and never on its first neighbour.
    panel.set_query("cat")
    qtbot.waitUntil(lambda: _marked_rows(panel.table) != marked, timeout=10_000)
    first = panel.table.item(0, 0).text()
    assert first not in _marked_rows(panel.table)
    assert _found_by(window, "cat")[first] == 3


def test_analogy_answers_missing_from_some_runs_are_marked(qtbot, three_runs):
    window = three_runs
    _measure(qtbot, window)
    words = ("cat", "fur", NOISE[1])
    window.analogy.set_words(*words)
    table = window.analogy.table
    runs = [m.embeddings for m in window.models.models]
    answers = [queries.analogy(r, words) for r in runs]
    for col, of in ((0, "add"), (2, "mul")):
        lists = [{w for w, _ in getattr(a, of)} for a in answers]
        shown = [table.item(r, col).text() for r in range(table.rowCount())]
        qtbot.waitUntil(lambda col=col: col in window.analogy.marker.counts, timeout=10_000)
        counts = {w: sum(w in found for found in lists) for w in shown}
        assert _marked_rows(table, col) == {
            w: f"in {n} of 3 runs" for w, n in counts.items() if n < 3
        }
    assert any(n < 3 for n in counts.values())  # the noise word makes some answers unstable
    assert window.analogy.legend.isVisible()


def test_a_model_that_is_not_one_of_the_runs_is_not_marked(qtbot, three_runs, tmp_path):
    window = three_runs
    window.stability.runs.item(2).setCheckState(
        window.stability.runs.item(2).checkState().Unchecked
    )
    _measure(qtbot, window)  # runs 1 and 2; the shown model is run 3
    window.neighbours.set_query(NOISE[0])
    qtbot.wait(100)
    assert _marked_rows(window.neighbours.table) == {}
    assert not window.neighbours.legend.isVisible()


def test_marks_for_big_models_are_found_in_the_background(qtbot, three_runs, monkeypatch):
    from w2v_gui.explore import run_marks

    monkeypatch.setattr(run_marks, "inline", lambda size: False)  # as for a large model
    window = three_runs
    _measure(qtbot, window)
    panel = window.neighbours
    panel.set_query(NOISE[0])
    qtbot.waitUntil(lambda: bool(_marked_rows(panel.table)), timeout=10_000)
    expected = _found_by(window, NOISE[0])
    assert _marked_rows(panel.table) == {
        w: f"in {n} of 3 runs" for w, n in expected.items() if n < 3
    }
