"""Marks on the Neighbours and Analogy tables: the entries that depend on the seed.

When the shown model is one of the stability runs last measured (Compare & axes ▸
Stability), the same query is asked of the other runs and every entry of the shown
results that is not among every run's results is dimmed and set in italics, with a
tooltip saying in how many runs it is ("in 1 of 3 runs") and a legend line under the
table. With no measured runs, or a model that is not one of them, nothing is asked and
nothing is marked.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QTableWidget

from w2v_gui.core.vectors import Embeddings
from w2v_gui.tasks import Latest, inline, raise_bug

UNSTABLE = QColor("#8a8a8a")


class RunMarks(QObject):
    """The vectors of the stability runs last measured; ``changed`` when they change."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.runs: tuple[Embeddings, ...] = ()

    def set_runs(self, runs: Sequence[Embeddings]) -> None:
        self.runs = tuple(runs)
        self.changed.emit()

    def others(self, emb: Embeddings | None) -> tuple[Embeddings, ...] | None:
        """The runs besides ``emb`` if ``emb`` is one of them, else None (no marks)."""
        if emb is None or not any(r is emb for r in self.runs):
            return None
        return tuple(r for r in self.runs if r is not emb)


def legend(runs: int) -> tuple[str, str]:
    """The legend line (one short line: it sits under the table) and its tooltip."""
    return (
        f"<i style='color:{UNSTABLE.name()}'>Grey italics</i>: not in all {runs} runs",
        f"Found by only some of the {runs} stability runs of this corpus (other seeds; "
        "Compare & axes ▸ Stability): an accident of the seed more than a property of the "
        "text. Hover an entry for how many runs found it.",
    )


class TableMarker(QObject):
    """Marks the unstable entries of one results table; ``legend_shown(bool)`` when the
    legend line appears or goes.

    Parameters
    ----------
    marks : the measured runs
    table : the table; ``columns`` maps each word column to the columns of its row to mark
    label : the legend line (hidden when nothing is marked)
    """

    legend_shown = Signal(bool)

    def __init__(
        self,
        marks: RunMarks,
        table: QTableWidget,
        columns: dict[int, tuple[int, ...]],
        label: QLabel,
    ):
        super().__init__(table)
        self._marks, self._table, self._columns, self._label = marks, table, columns, label
        self._asker = Latest("checking the stability runs", self, failed=raise_bug)
        self.counts: dict[int, list[int]] = {}  # word column -> runs finding each row's word
        label.setVisible(False)
        self._legend_on = False

    def mark(
        self,
        emb: Embeddings | None,
        results: Callable[[Embeddings], dict[int, list[str]]],
        still_shown: Callable[[], bool],
    ) -> None:
        """Mark the table, now filled from ``emb``, by ``results(run)`` of the other runs:
        each word column's words as that run answers the same query. ``still_shown()``
        says whether the table still shows that answer when the others' answers arrive."""
        self.counts = {}
        others = self._marks.others(emb)
        self._show_legend(False)
        if not others or not self._table.rowCount():
            return
        total = len(others) + 1

        def ask() -> list[dict[int, list[str]]]:
            return [results(run) for run in others]

        def answered(found: list[dict[int, list[str]]]) -> None:
            now = self._marks.others(emb) or ()
            # By identity: the runs may have been measured again meanwhile.
            same = len(now) == len(others) and all(map(operator.is_, now, others))
            if still_shown() and same:
                self._apply(found, total)

        big = not inline(sum(r.vectors.size for r in others))
        self._asker.run(ask, big, answered)

    def _apply(self, found: list[dict[int, list[str]]], total: int) -> None:
        t = self._table
        marked = False
        for col, cols in self._columns.items():
            counts = []
            for row in range(t.rowCount()):
                item = t.item(row, col)
                if item is None:
                    counts.append(total)
                    continue
                n = 1 + sum(item.text() in set(f.get(col, ())) for f in found)
                counts.append(n)
                if n < total:
                    marked = True
                    for c in cols:
                        cell = t.item(row, c)
                        if cell is None:
                            continue
                        font = cell.font()
                        font.setItalic(True)
                        cell.setFont(font)
                        cell.setForeground(QBrush(UNSTABLE))
                        cell.setToolTip(f"in {n} of {total} runs")
            self.counts[col] = counts
        text, tip = legend(total)
        self._label.setText(text)
        self._label.setToolTip(tip)
        self._show_legend(marked)

    def _show_legend(self, on: bool) -> None:
        if on != self._legend_on:
            self._legend_on = on
            self._label.setVisible(on)
            self.legend_shown.emit(on)
