"""A read-only table of columns held as arrays: 100k rows cost nothing until shown.

A ``QTableWidget`` makes an item per cell up front (seconds for a 100k-word ranking);
this model answers for the visible cells only. Rows can be re-ordered by an index array
(another ranking of the same words) without copying the columns, and the rows in their
shown order come out as tab-separated text for a spreadsheet.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class ArrayTableModel(QAbstractTableModel):
    """Columns (a tuple of str, or numeric arrays) shown in the order of ``order``.

    Parameters
    ----------
    headers : column titles.
    formats : one format per column for numbers (e.g. ``"{:.4f}"``); None for text.
    """

    def __init__(self, headers: Sequence[str], formats: Sequence[str | None], parent=None):
        super().__init__(parent)
        self._headers = list(headers)
        self._formats = list(formats)
        self._columns: list[Sequence] = [() for _ in headers]
        self._order = np.zeros(0, dtype=np.int64)
        self._bold: set[int] = set()
        self._bold_font = QFont()
        self._bold_font.setBold(True)

    def set_columns(
        self, columns: Sequence[Sequence], order: np.ndarray | None = None, bold: set[int] = ()
    ) -> None:
        """New data: ``columns`` of equal length, shown in ``order`` (default: as given);
        rows whose data index is in ``bold`` are drawn bold."""
        self.beginResetModel()
        self._columns = list(columns)
        n = len(columns[0]) if columns else 0
        self._order = np.arange(n) if order is None else np.asarray(order, dtype=np.int64)
        self._bold = set(bold)
        self.endResetModel()

    def set_order(self, order: np.ndarray) -> None:
        self.beginResetModel()
        self._order = np.asarray(order, dtype=np.int64)
        self.endResetModel()

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._headers)

    def cell(self, row: int, column: int) -> str:
        """The text shown at (``row``, ``column``)."""
        value = self._columns[column][int(self._order[row])]
        fmt = self._formats[column]
        if fmt is None:
            return str(value)
        if isinstance(value, float | np.floating) and not np.isfinite(value):
            return "–"
        return fmt.format(value)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(index.row(), index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and self._formats[index.column()]:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and int(self._order[index.row()]) in self._bold:
            return self._bold_font
        return None

    def headerData(  # noqa: N802 - Qt override
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None

    def to_tsv(self, rows: Sequence[int] | None = None) -> str:
        """The header and ``rows`` (default: all, in the shown order) as tab-separated text."""
        rows = range(self.rowCount()) if rows is None else rows
        lines = ["\t".join(self._headers)]
        lines += ["\t".join(self.cell(r, c) for c in range(len(self._headers))) for r in rows]
        return "\n".join(lines) + "\n"
