"""The full analysis of one stored run (docs/analysis.md)."""

from __future__ import annotations

from upbit_auto_trading.application.analysis.reopen import reopen_run
from upbit_auto_trading.application.backtest.ports import BacktestRepository
from upbit_auto_trading.application.ports.candle_reader import CandleReader
from upbit_auto_trading.domain.analysis.run_analysis import ROLLING_WINDOW_DAYS, RunAnalysis, analyse


class AnalyseRun:
    """Reopens a stored run (no re-run: the stored fills and curves, the stored candles) and analyses it.

    The by-entry-trigger breakdown re-evaluates the run's trigger snapshot on its candles; without the
    candles every entry is one bucket."""

    def __init__(self, runs: BacktestRepository, candles: CandleReader) -> None:
        self._runs = runs
        self._candles = candles

    def execute(self, run_id: int, *, rolling_window_days: int = ROLLING_WINDOW_DAYS) -> RunAnalysis:
        reopened = reopen_run(self._runs, self._candles, run_id, with_signals=True)
        return analyse(reopened.result, reopened.entry_groups, rolling_window_days=rolling_window_days)
