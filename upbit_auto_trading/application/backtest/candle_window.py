"""Load the candles of a backtest plus warm-up history before them (for the indicators)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.ports.candle_reader import CandleReader
from upbit_auto_trading.application.trigger.evaluate_trigger import check_period
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.market.timeframe import Timeframe

WARMUP_CANDLES = 600
"""Candles evaluated before the first backtested one so indicators are warm (same as trigger evaluation)."""


def _span(timeframe: str, candles: int) -> timedelta:
    seconds = Timeframe.from_code(timeframe).seconds or 31 * 86400
    return timedelta(seconds=seconds * candles)


@dataclass(frozen=True, eq=False)
class CandleWindow:
    """``candles`` = up to WARMUP_CANDLES candles of history, then the backtested ones from ``first``."""

    candles: CandleArrays
    first: int

    @property
    def tested(self) -> CandleArrays:
        return self.candles.slice(self.first, len(self.candles))

    def other_timeframes(self, reader: CandleReader) -> Callable[[str], CandleArrays]:
        def load(timeframe: str) -> CandleArrays:
            begin = datetime.fromtimestamp(int(self.candles.start[0]), UTC) - _span(timeframe, WARMUP_CANDLES)
            end = datetime.fromtimestamp(int(self.candles.start[-1]), UTC)
            return reader.load_arrays(self.candles.market, timeframe, begin, end)

        return load


def load_window(
    reader: CandleReader, market: str, timeframe: str, start: datetime | None, end: datetime | None
) -> CandleWindow:
    check_period(start, end)
    timeframe = Timeframe.from_code(timeframe).code
    load_from = None if start is None else start - 2 * _span(timeframe, WARMUP_CANDLES)
    arrays = reader.load_arrays(market, timeframe, load_from, end)
    first = 0 if start is None else int(np.searchsorted(arrays.start, int(start.timestamp()), side="left"))
    if len(arrays) == 0 or first >= len(arrays):
        raise ApplicationError(
            f"No {timeframe} candles of {market} are stored for that period; import or download them first "
            "(market data tab or `data import` / `data fetch`)"
        )
    begin = max(0, first - WARMUP_CANDLES)
    return CandleWindow(arrays.slice(begin, len(arrays)), first - begin)
