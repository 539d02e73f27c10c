"""Delete a stored backtest run (its trades, fills, curves and metrics go with it)."""

from __future__ import annotations

import logging

from upbit_auto_trading.application.backtest.ports import BacktestRepository
from upbit_auto_trading.application.errors import NotFoundError
from upbit_auto_trading.application.ports.event_publisher import EventPublisher, NoPublisher
from upbit_auto_trading.domain.backtest.events import BacktestRunDeleted

log = logging.getLogger(__name__)


class DeleteRun:
    def __init__(self, runs: BacktestRepository, publisher: EventPublisher | None = None) -> None:
        self._runs = runs
        self._publisher = publisher or NoPublisher()

    def execute(self, run_id: int) -> None:
        if not self._runs.delete(int(run_id)):
            raise NotFoundError(f"No stored backtest run {run_id}; `backtest list` shows them")
        log.info("backtest run %s deleted", run_id)
        self._publisher.publish(BacktestRunDeleted(source="backtest", run_id=int(run_id)))
