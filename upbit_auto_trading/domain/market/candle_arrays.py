"""A candle series as parallel numpy arrays: the fast path for indicators and backtests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from upbit_auto_trading.domain.market.candle import Candle


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

    @classmethod
    def from_candles(cls, market: str, timeframe: str, candles: Sequence[Candle]) -> CandleArrays:
        """Exact candles (ascending) as arrays, e.g. ones resampled in memory."""
        if not candles:
            return cls.empty(market, timeframe)

        def column(name: str) -> np.ndarray:
            return np.fromiter((float(getattr(c, name)) for c in candles), dtype=np.float64, count=len(candles))

        return cls(
            market=market,
            timeframe=timeframe,
            start=np.fromiter((c.start_epoch for c in candles), dtype=np.int64, count=len(candles)),
            open=column("open"),
            high=column("high"),
            low=column("low"),
            close=column("close"),
            volume=column("volume"),
            quote_volume=column("quote_volume"),
        )
