"""The stored runs of the backtest tab: one line per run (run, market, return, MDD), the rest in the
row's tooltip (widgets only; rows come from the presenter).

Two-line list items fitted one or two runs into the room the form leaves in the default window; one-line
rows fit eight or more."""

from __future__ import annotations

from collections.abc import Sequence

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from upbit_auto_trading.presentation.desktop.backtest.model import RUN_HEADERS, RunRow
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.qt_checked import (
    horizontal_header,
    selected_rows,
    vertical_header,
)

MIN_ROWS = 6
"""Rows the list keeps however the window shrinks (the tab scrolls instead); the default window shows more."""


class RunsTable(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(RUN_HEADERS), parent)
        self.setObjectName("storedRuns")
        self.setHorizontalHeaderLabels([tr(*h) for h in RUN_HEADERS])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)  # a long strategy name ends in "…"
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        rows_header = vertical_header(self)
        rows_header.setVisible(False)
        rows_header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows_header.setDefaultSectionSize(self.fontMetrics().height() + 4)
        header = horizontal_header(self)
        header.setHighlightSections(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(RUN_HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumHeight(self.height_for_rows(MIN_ROWS))

    def row_height(self) -> int:
        return vertical_header(self).defaultSectionSize()

    def height_for_rows(self, rows: int) -> int:
        """The height that shows ``rows`` whole rows under the header."""
        return horizontal_header(self).sizeHint().height() + rows * self.row_height() + 2 * self.frameWidth()

    def show_rows(self, rows: Sequence[RunRow]) -> None:
        selected = self.selected_run_id()
        self.clearSelection()  # the selection follows the run, not the row number
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row.cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.run_id)
                item.setToolTip(row.detail)
                if c >= 2:  # numbers
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(r, c, item)
            if row.run_id == selected:
                self.selectRow(r)

    def run_id_at(self, row: int) -> int | None:
        item = self.item(row, 0)
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def selected_run_id(self) -> int | None:
        rows = selected_rows(self)
        return self.run_id_at(rows[0].row()) if rows else None
