"""Everything a screen draws for a stored run: its candles, curves and fills."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from upbit_auto_trading.application.backtest.ports import BacktestRepository, StoredRun
from upbit_auto_trading.application.backtest.rerun_backtest import parse_iso
from upbit_auto_trading.application.errors import NotFoundError
from upbit_auto_trading.application.ports.candle_reader import CandleReader
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays


@dataclass(frozen=True, eq=False)
class RunCharts:
    """``candles`` is None when the stored candles of the run's range changed or were deleted (the curves
    are then drawn against the candle index only)."""

    stored: StoredRun
    start: np.ndarray  # epoch seconds per candle (from the candles, or synthesised)
    candles: CandleArrays | None
    equity: np.ndarray
    position: np.ndarray
    drawdown: np.ndarray
    buy_and_hold: np.ndarray | None


def drawdown_of(equity: np.ndarray) -> np.ndarray:
    if equity.shape[0] == 0:
        return equity.copy()
    peak = np.maximum.accumulate(equity)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(peak > 0, equity / peak - 1.0, 0.0)


class OpenRun:
    def __init__(self, runs: BacktestRepository, candles: CandleReader) -> None:
        self._runs = runs
        self._candles = candles

    def execute(self, run_id: int) -> RunCharts:
        stored = self._runs.get(int(run_id))
        curves = self._runs.curves(int(run_id))
        if stored is None or curves is None:
            raise NotFoundError(f"No stored backtest run {run_id}; `backtest list` shows them")
        rec = stored.record
        arrays: CandleArrays | None = self._candles.load_arrays(
            rec.market, rec.timeframe, parse_iso(rec.data_start), parse_iso(rec.data_end)
        )
        n = curves.equity.shape[0]
        if arrays is None or len(arrays) != n:
            arrays = None
            first = int(parse_iso(rec.data_start).timestamp())
            last = int(parse_iso(rec.data_end).timestamp())
            start = np.linspace(first, last, n).astype(np.int64) if n else np.empty(0, dtype=np.int64)
            bah = None
        else:
            start = arrays.start
            capital = float(stored.record.settings.get("initial_capital", "0"))
            bah = capital * arrays.close / arrays.close[0] if n else None
        return RunCharts(
            stored, start, arrays, curves.equity, curves.position, drawdown_of(curves.equity), bah
        )
