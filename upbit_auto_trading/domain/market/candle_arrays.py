"""A candle series as parallel numpy arrays: the fast path for indicators and backtests."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class CandleArrays:
    """Closed candles in ascending time order.

    ``start`` holds each candle's start as epoch seconds (UTC, int64); prices and volumes are float64.
    Floats are fine here: these arrays only feed vectorised indicator and backtest math; the store keeps
    the exact decimal text.
    """

    market: str
    timeframe: str
    start: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray
    quote_volume: np.ndarray

    def __len__(self) -> int:
        return int(self.start.shape[0])

    def slice(self, begin: int, end: int) -> CandleArrays:
        return CandleArrays(
            market=self.market,
            timeframe=self.timeframe,
            start=self.start[begin:end],
            open=self.open[begin:end],
            high=self.high[begin:end],
            low=self.low[begin:end],
            close=self.close[begin:end],
            volume=self.volume[begin:end],
            quote_volume=self.quote_volume[begin:end],
        )

    @classmethod
    def empty(cls, market: str, timeframe: str) -> CandleArrays:
        f = np.empty(0, dtype=np.float64)
        return cls(market, timeframe, np.empty(0, dtype=np.int64), f, f, f, f, f, f)
