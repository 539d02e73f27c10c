"""The strategy's sweepable parameters as an editable table: tick a row to sweep it, then give a range (from,
to, step) or a list of values (which wins). Text cells, not spin boxes: nothing here turns on the wheel."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.qt_checked import horizontal_header, vertical_header
from upbit_auto_trading.presentation.desktop.robustness.form import ParameterRow

SWEEP, NAME, CURRENT, START, STOP, STEP, VALUES = range(7)
EDITABLE = (START, STOP, STEP, VALUES)


class ParametersTable(QTableWidget):
    def __init__(self, on_change: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(0, 7, parent)
        self._rows: list[ParameterRow] = []
        self._filling = False
        self.setHorizontalHeaderLabels(
            [
                tr("스윕", "Sweep"),
                tr("파라미터", "Parameter"),
                tr("현재", "Now"),
                tr("시작", "From"),
                tr("끝", "To"),
                tr("간격", "Step"),
                tr("또는 값 목록", "or values"),
            ]
        )
        tip = tr(
            "값 목록(예: 10,20,30)을 쓰면 범위 대신 그 값들을 스윕합니다",
            "A list (e.g. 10,20,30) is swept instead of the range",
        )
        head = self.horizontalHeaderItem(VALUES)
        if head is not None:
            head.setToolTip(tip)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.setWordWrap(False)
        vertical_header(self).setVisible(False)
        vertical_header(self).setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = horizontal_header(self)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for column in (SWEEP, CURRENT, START, STOP, STEP, VALUES):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.itemChanged.connect(lambda *_: None if self._filling else on_change())

    def show_rows(self, rows: Sequence[ParameterRow]) -> None:
        self._filling = True
        try:
            self._rows = list(rows)
            self.setRowCount(len(rows))
            for r, row in enumerate(rows):
                tick = QTableWidgetItem()
                tick.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
                tick.setCheckState(Qt.CheckState.Checked if row.swept else Qt.CheckState.Unchecked)
                self.setItem(r, SWEEP, tick)
                for column, text in ((NAME, row.label), (CURRENT, row.current or "-")):
                    item = QTableWidgetItem(text)
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                    item.setToolTip(
                        f"{row.label}\n{row.path}"
                        + (tr("\n정수만", "\nwhole numbers") if row.integer else "")
                    )
                    self.setItem(r, column, item)
                for column, text in (
                    (START, row.start),
                    (STOP, row.stop),
                    (STEP, row.step),
                    (VALUES, row.values),
                ):
                    item = QTableWidgetItem(text)
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    self.setItem(r, column, item)
        finally:
            self._filling = False

    def _text(self, r: int, column: int) -> str:
        item = self.item(r, column)
        return item.text().strip() if item is not None else ""

    def rows(self) -> tuple[ParameterRow, ...]:
        out = []
        for r, row in enumerate(self._rows):
            tick = self.item(r, SWEEP)
            swept = tick is not None and tick.checkState() == Qt.CheckState.Checked
            out.append(
                replace(
                    row,
                    swept=swept,
                    start=self._text(r, START),
                    stop=self._text(r, STOP),
                    step=self._text(r, STEP),
                    values=self._text(r, VALUES),
                )
            )
        return tuple(out)

    def set_swept(self, path: str, start: str = "", stop: str = "", step: str = "", values: str = "") -> None:
        """Tick ``path`` and type its range or values (as a user would; tests and screenshots)."""
        r = next(i for i, row in enumerate(self._rows) if row.path == path)
        for column, text in ((START, start), (STOP, stop), (STEP, step), (VALUES, values)):
            if text or column == VALUES:
                item = self.item(r, column)
                if item is not None:
                    item.setText(text)
        tick = self.item(r, SWEEP)
        if tick is not None:
            tick.setCheckState(Qt.CheckState.Checked)
            self.scrollToItem(tick)  # where the user's pointer would be
