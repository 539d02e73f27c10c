"""Errors of the backtest context."""

from __future__ import annotations

from upbit_auto_trading.domain.errors import DomainError
from upbit_auto_trading.domain.work import OperationCancelled


class BacktestError(DomainError):
    """Base of backtest errors."""


class BacktestInputError(BacktestError):
    """The candles, signals or settings cannot be backtested (the message says which and why)."""


class BacktestCancelled(BacktestError, OperationCancelled):
    """The run was cancelled through its CancelToken; nothing was produced."""
