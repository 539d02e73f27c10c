"""What the backtest screen works with: strategies and stored series to choose from, the run queue, the
stored runs, and what hands the queue's callbacks to the GUI thread. Filled in by ``container/screens.py``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PyQt6.QtCore import QObject

from upbit_auto_trading.application.backtest.delete_run import DeleteRun
from upbit_auto_trading.application.backtest.list_runs import ListRuns
from upbit_auto_trading.application.backtest.open_run import OpenRun
from upbit_auto_trading.application.backtest.queue import BacktestQueue
from upbit_auto_trading.application.market_data.list_series import ListSeries
from upbit_auto_trading.application.strategy.list_strategies import ListStrategies
from upbit_auto_trading.presentation.desktop.background import BackgroundWork
from upbit_auto_trading.presentation.desktop.background.qt import QtBackgroundWork


@dataclass(frozen=True)
class BacktestServices:
    list_strategies: ListStrategies
    list_series: ListSeries
    queue: BacktestQueue  # the application's one queue; the screen cancels its runs when it is closed
    list_runs: ListRuns
    open_run: OpenRun
    delete_run: DeleteRun
    # made with the screen's widget as its owner: queue callbacks reach the GUI thread while the screen lives
    work: Callable[[QObject], BackgroundWork] = QtBackgroundWork
