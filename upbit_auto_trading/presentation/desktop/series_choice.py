"""The market / timeframe pair of a form (backtest, robustness): the timeframes stored for the chosen market,
and the stored range of the chosen series as a hint and as the period fields' placeholders."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from PyQt6.QtWidgets import QComboBox, QLabel, QLineEdit

from upbit_auto_trading.presentation.desktop.i18n import tr


class StoredSeries(Protocol):
    @property
    def market(self) -> str: ...
    @property
    def timeframe(self) -> str: ...
    @property
    def first(self) -> str: ...
    @property
    def last(self) -> str: ...
    @property
    def count(self) -> int: ...


def refill_timeframes(timeframe: QComboBox, series: Sequence[StoredSeries], market: str) -> None:
    """The timeframes stored for ``market``, keeping the chosen one when it is among them (no signal)."""
    current = timeframe.currentText()
    timeframe.blockSignals(True)
    timeframe.clear()
    timeframe.addItems([s.timeframe for s in series if s.market == market])
    if current:
        timeframe.setCurrentText(current)
    timeframe.blockSignals(False)


def show_stored_range(
    series: Sequence[StoredSeries], market: str, timeframe: str, hint: QLabel, start: QLineEdit, end: QLineEdit
) -> None:
    for s in series:
        if s.market == market and s.timeframe == timeframe:
            hint.setText(tr(f"저장됨: {s.first} ~ {s.last} ({s.count:,}개)", f"stored: {s.first} ~ {s.last} ({s.count:,})"))
            start.setPlaceholderText(s.first)
            end.setPlaceholderText(s.last)
            return
    hint.setText("")
    start.setPlaceholderText("YYYY-MM-DD")
    end.setPlaceholderText("YYYY-MM-DD")
