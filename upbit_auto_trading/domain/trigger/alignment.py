"""Put a variable computed on another timeframe onto the trigger's candles without look-ahead.

At a trigger candle that closes at time e, the value used is the one of the last other-timeframe candle
that had *closed* by e (its start + length <= e). A daily RSI therefore changes on the first hourly
candle that closes at or after midnight UTC, never before the day is over.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from upbit_auto_trading.domain.market.timeframe import Timeframe


def close_times(start: np.ndarray, timeframe: str) -> np.ndarray:
    """Epoch-second close time of each candle (start of the next period)."""
    start = np.asarray(start, dtype=np.int64)
    seconds = Timeframe.from_code(timeframe).seconds
    if seconds is not None:
        return start + seconds
    out = np.empty_like(start)
    for i, value in enumerate(start.tolist()):
        moment = datetime.fromtimestamp(value, UTC)
        year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
        out[i] = int(moment.replace(year=year, month=month, day=1).timestamp())
    return out


def align_to(
    values: np.ndarray,
    source_start: np.ndarray,
    source_timeframe: str,
    base_start: np.ndarray,
    base_timeframe: str,
) -> np.ndarray:
    """``values`` (one per source candle) as seen at each base candle's close; NaN before the first close."""
    source_close = close_times(source_start, source_timeframe)
    base_close = close_times(base_start, base_timeframe)
    index = np.searchsorted(source_close, base_close, side="right") - 1
    out = np.full(base_close.shape[0], np.nan)
    ok = index >= 0
    out[ok] = np.asarray(values, dtype=np.float64)[index[ok]]
    return out
