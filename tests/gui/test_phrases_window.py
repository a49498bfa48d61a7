"""Phrases in the app: the form's setting reaches training, and "new york" finds new_york."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QTableWidget

from tests.core.test_phrases import _planted_lines
from tests.gui.conftest import SMALL, load
from tests.gui.test_window import find, table_column, train


def test_phrases_from_the_form_are_trained_and_queried_with_a_space(qtbot, window, tmp_path):
    path = tmp_path / "phrases.txt"
    path.write_text("\n".join(_planted_lines(n=1500)) + "\n", encoding="utf-8")
    load(qtbot, window, [path], SMALL.replace(phrases=1, epochs=2))
    outcome = train(qtbot, window)
    assert outcome.progress.done
    query = find(window, QLineEdit, "neighboursQuery")
    table = find(window, QTableWidget, "neighboursTable")
    qtbot.keyClicks(query, "New York")
    qtbot.waitUntil(lambda: table.rowCount() > 0, timeout=5000)
    assert "new_york" not in table_column(table, 0)  # the query word itself is excluded
