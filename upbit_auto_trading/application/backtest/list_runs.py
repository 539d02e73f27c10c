"""Stored backtest runs, newest first (optionally of one strategy)."""

from __future__ import annotations

from collections.abc import Sequence

from upbit_auto_trading.application.backtest.ports import BacktestRepository, RunSummary


class ListRuns:
    def __init__(self, runs: BacktestRepository) -> None:
        self._runs = runs

    def execute(self, strategy_name: str | None = None) -> Sequence[RunSummary]:
        return self._runs.list(strategy_name or None)
