"""One stored backtest run."""

from __future__ import annotations

from upbit_auto_trading.application.backtest.ports import BacktestRepository, StoredRun
from upbit_auto_trading.application.errors import NotFoundError


class GetRun:
    def __init__(self, runs: BacktestRepository) -> None:
        self._runs = runs

    def execute(self, run_id: int) -> StoredRun:
        stored = self._runs.get(int(run_id))
        if stored is None:
            raise NotFoundError(f"No stored backtest run {run_id}; `backtest list` shows them")
        return stored
