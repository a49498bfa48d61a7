"""The Evaluate panel's two views of its runs: the history table and the section chart."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from w2v_gui.explore.evaluation import (
    COLUMNS,
    PAIR_COLUMNS,
    TAIL,
    UNRELIABLE_COLOUR,
    EvalRun,
    cell_text,
    run_values,
    unreliable_cells,
)
from w2v_gui.widgets.plotting import ExportButton

SEMANTIC, SYNTACTIC = "#1f4e8c", "#d9822b"
LEGEND = (
    f"Bars: right / seen per section · <span style='color:{SEMANTIC}'>■"
    f"</span> semantic &nbsp;<span style='color:{SYNTACTIC}'>■</span> "
    "syntactic (gram…)"
)


def headers(pair_names: list[str]) -> list[str]:
    """The history's column headers, with two columns per word-pair file."""
    return (
        [h for h, _ in COLUMNS]
        + [f"{Path(name).stem} {h}" for name in pair_names for h, _ in PAIR_COLUMNS]
        + [h for h, _ in TAIL]
    )


def history_table() -> QTableWidget:
    """The read-only table of runs, one row each."""
    t = QTableWidget(0, 0, objectName="evaluateHistory")
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.verticalHeader().setVisible(False)
    t.verticalHeader().setDefaultSectionSize(22)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.setToolTip(
        "Every run so far. Select one to see its sections; Copy "
        "(Ctrl+C) puts the selected runs, or all, on the clipboard "
        "as tab-separated text for a spreadsheet."
    )
    return t


def fill_history(t: QTableWidget, runs: list[EvalRun], pair_names: list[str]) -> None:
    """Show ``runs`` in ``t`` (numbers right-aligned, a tip on every header)."""
    names = headers(pair_names)
    t.setColumnCount(len(names))
    t.setHorizontalHeaderLabels(names)
    tips = (
        [tip for _, tip in COLUMNS]
        + [f"{name}: {tip}" for name in pair_names for _, tip in PAIR_COLUMNS]
        + [tip for _, tip in TAIL]
    )
    for col, tip in enumerate(tips):
        t.horizontalHeaderItem(col).setToolTip(tip)
    t.setRowCount(len(runs))
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    for row, run in enumerate(runs):
        shaky = unreliable_cells(run, pair_names)
        for col, value in enumerate(run_values(row + 1, run, pair_names)):
            item = QTableWidgetItem(cell_text(value))
            if isinstance(value, int | float):
                item.setTextAlignment(right)
            if col in shaky:
                item.setForeground(QColor(UNRELIABLE_COLOUR))
                item.setToolTip(shaky[col])
            t.setItem(row, col, item)
    t.scrollToBottom()


class SectionChart(pg.PlotWidget):
    """One run's accuracy per analogy section as horizontal bars, the file's first on top."""

    def __init__(self):
        super().__init__(background="w")
        self.setObjectName("evaluateChart")
        self.setMinimumHeight(180)
        self.hideButtons()
        self.setMouseEnabled(False, False)
        self.invertY(True)  # the file's first section on top
        for side in ("left", "bottom"):
            self.getAxis(side).setTextPen("#303030")
            self.getAxis(side).setPen("#b0b0b0")
        self.getAxis("bottom").enableAutoSIPrefix(False)  # 0.25, not 250 m
        self.showGrid(x=True, alpha=0.25)
        self.bars = pg.BarGraphItem(
            x0=np.zeros(0), y=np.zeros(0), height=0.7, width=np.zeros(0), pen=None
        )
        self.addItem(self.bars)
        self._sections: list[str] = []  # top to bottom

    def draw(self, sections) -> None:
        """Bars for ``sections``, (name, correct, seen) each."""
        n = len(sections)
        acc = np.array([c / t if t else 0.0 for _, c, t in sections])
        brushes = [
            pg.mkBrush(SYNTACTIC if name.startswith("gram") else SEMANTIC)
            for name, _, _ in sections
        ]
        self.bars.setOpts(x0=np.zeros(n), y=np.arange(n, dtype=float), width=acc, brushes=brushes)
        self._sections = [name for name, _, _ in sections]
        ticks = [(i, f"{name}  {c:,}/{t:,}") for i, (name, c, t) in enumerate(sections)]
        self.getAxis("left").setTicks([ticks, []])
        self.setXRange(0, max(0.1, float(acc.max(initial=0)) * 1.1), padding=0)
        self.setYRange(-0.6, max(n, 1) - 0.4, padding=0)

    def export_button(self) -> ExportButton:
        return ExportButton(lambda: self.plotItem, "evaluateExport", "evaluation")

    def data(self) -> list[tuple[str, float]]:
        """The (section, accuracy) bars, top to bottom."""
        return list(zip(self._sections, map(float, self.bars.opts["width"]), strict=True))
