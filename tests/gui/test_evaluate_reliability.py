"""Evaluate marks scores from too few pairs or questions as unreliable (issue 14 Friction):
not in bold, in red, with the reason, in the summary and in the history table."""

from __future__ import annotations

from tests.gui.test_evaluate import evaluate, row_texts, sets, trained  # noqa: F401 - fixtures
from w2v_gui.explore.evaluation import UNRELIABLE_COLOUR


def _colour(panel, column: str) -> str:
    t = panel.history
    col = next(c for c in range(t.columnCount()) if t.horizontalHeaderItem(c).text() == column)
    return t.item(t.rowCount() - 1, col).foreground().color().name(), t.item(
        t.rowCount() - 1, col
    ).toolTip()


def test_ten_pairs_are_marked_and_a_well_covered_accuracy_is_not(qtbot, trained):  # noqa: F811
    run = evaluate(qtbot, trained)
    panel = trained.evaluate
    [(_, pairs)] = run.pairs
    assert pairs.pairs == 10  # the planted file: 10 pairs scored, 1 out of vocabulary
    text = panel.summary.text()
    assert "unreliable: 10 pairs scored" in text
    assert "Spearman <b>" not in text
    assert f"accuracy <b>{run.analogy.accuracy:.4f}</b>" in text  # 91 % of questions seen
    colour, tip = _colour(panel, "royal-pairs ρ")
    assert colour == UNRELIABLE_COLOUR and "10 pairs" in tip
    assert _colour(panel, "accuracy")[0] != UNRELIABLE_COLOUR


def test_an_accuracy_from_few_questions_is_marked(qtbot, trained):  # noqa: F811
    trained.evaluate.restrict.setValue(4)  # the four most frequent words: few questions
    run = evaluate(qtbot, trained)
    assert run.analogy.coverage < 0.5
    assert "unreliable: only" in trained.evaluate.summary.text()
    colour, tip = _colour(trained.evaluate, "accuracy")
    assert colour == UNRELIABLE_COLOUR and "questions could be asked" in tip
