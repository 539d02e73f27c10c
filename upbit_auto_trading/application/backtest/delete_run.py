"""Delete a stored backtest run (its trades, fills, curves and metrics go with it)."""

from __future__ import annotations

from upbit_auto_trading.application.backtest.ports import BacktestRepository
from upbit_auto_trading.application.errors import NotFoundError


class DeleteRun:
    def __init__(self, runs: BacktestRepository) -> None:
        self._runs = runs

    def execute(self, run_id: int) -> None:
        if not self._runs.delete(int(run_id)):
            raise NotFoundError(f"No stored backtest run {run_id}; `backtest list` shows them")
