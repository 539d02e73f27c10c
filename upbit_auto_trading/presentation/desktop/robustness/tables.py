"""Read-only tables of the Robustness section: the ranked sweep table sorts by numbers (not by their text, where
"10" would come before "9"), undefined values last."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem, QWidget

from upbit_auto_trading.presentation.desktop.qt_checked import horizontal_header, vertical_header
from upbit_auto_trading.presentation.desktop.robustness.model import SweepTable

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_ROLE = Qt.ItemDataRole.UserRole
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class SortItem(QTableWidgetItem):
    """A cell that sorts by the value in ``SORT_ROLE``: numbers as numbers, None after every number."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        a, b = self.data(SORT_ROLE), other.data(SORT_ROLE)
        if isinstance(a, int | float) and isinstance(b, int | float):
            return float(a) < float(b)
        if a is None or b is None:  # undefined: last in ascending order
            return a is not None and b is None
        return str(a) < str(b)


def read_only_table(parent: QWidget | None = None) -> QTableWidget:
    table = QTableWidget(parent)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setWordWrap(False)
    vertical_header(table).setVisible(False)
    vertical_header(table).setDefaultSectionSize(table.fontMetrics().height() + 8)
    horizontal_header(table).setStretchLastSection(True)
    return table


def fill(
    table: QTableWidget, headers: Sequence[str], rows: Sequence[Sequence[str]], right_from: int = 1
) -> None:
    """Plain rows; columns from ``right_from`` on are right-aligned (numbers)."""
    table.setSortingEnabled(False)
    table.clear()
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c >= right_from:
                item.setTextAlignment(RIGHT)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()


def fill_sweep(table: QTableWidget, data: SweepTable) -> None:
    """The ranked rows (best plateau first), sortable by any column; each row keeps its cell key."""
    table.setSortingEnabled(False)
    table.clear()
    table.setColumnCount(len(data.headers))
    table.setHorizontalHeaderLabels(list(data.headers))
    for c, tip in enumerate(data.tooltips):
        head = table.horizontalHeaderItem(c)
        if head is not None and tip:
            head.setToolTip(tip)
    table.setRowCount(len(data.rows))
    last = len(data.headers) - 1
    for r, row in enumerate(data.rows):
        for c, (text, key) in enumerate(zip(row.cells, row.sort, strict=True)):
            item = SortItem(text)
            item.setData(SORT_ROLE, None if isinstance(key, float) and math.isnan(key) else key)
            item.setData(KEY_ROLE, row.key)
            if c != last:
                item.setTextAlignment(RIGHT)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    table.setSortingEnabled(True)
    horizontal_header(table).setSortIndicator(0, Qt.SortOrder.AscendingOrder)


def column_texts(table: QTableWidget, column: int) -> list[str]:
    """What a column shows, top to bottom (tests and screenshots read the table as a user does)."""
    return [
        item.text() if (item := table.item(r, column)) is not None else "" for r in range(table.rowCount())
    ]
