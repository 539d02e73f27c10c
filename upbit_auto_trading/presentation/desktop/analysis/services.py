"""What the analysis screen works with: the stored runs. Filled in by ``container/screens.py``."""

from __future__ import annotations

from dataclasses import dataclass

from upbit_auto_trading.application.backtest.delete_run import DeleteRun
from upbit_auto_trading.application.backtest.get_run import GetRun
from upbit_auto_trading.application.backtest.list_runs import ListRuns
from upbit_auto_trading.application.backtest.open_run import OpenRun


@dataclass(frozen=True)
class AnalysisServices:
    list_runs: ListRuns
    get_run: GetRun
    open_run: OpenRun  # the equity curve of each compared run
    delete_run: DeleteRun
