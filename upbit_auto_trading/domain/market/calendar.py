"""Where candles of a timeframe start: bucket boundaries in UTC epoch seconds.

Minute, hour and day candles are aligned to the UTC epoch (Upbit's daily candle starts 09:00 KST =
00:00 UTC). Weekly candles start on Monday 00:00 UTC, monthly candles on the 1st 00:00 UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime

from upbit_auto_trading.domain.market.timeframe import Timeframe

_MONDAY_OFFSET = 4 * 86400  # 1970-01-01 was a Thursday; 1970-01-05 a Monday


def bucket_start(epoch: int, timeframe: Timeframe) -> int:
    """Start of the ``timeframe`` candle containing ``epoch``."""
    if timeframe is Timeframe.MONTH1:
        d = datetime.fromtimestamp(epoch, UTC)
        return int(datetime(d.year, d.month, 1, tzinfo=UTC).timestamp())
    seconds = timeframe.seconds
    assert seconds is not None
    if timeframe is Timeframe.W1:
        return epoch - ((epoch - _MONDAY_OFFSET) % seconds)
    return epoch - (epoch % seconds)


def next_start(epoch: int, timeframe: Timeframe) -> int:
    """Start of the candle after the one starting at ``epoch`` (which must be a bucket start)."""
    if timeframe is Timeframe.MONTH1:
        d = datetime.fromtimestamp(epoch, UTC)
        year, month = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
        return int(datetime(year, month, 1, tzinfo=UTC).timestamp())
    seconds = timeframe.seconds
    assert seconds is not None
    return epoch + seconds


def is_aligned(epoch: int, timeframe: Timeframe) -> bool:
    return bucket_start(epoch, timeframe) == epoch


def periods_between(first: int, last: int, timeframe: Timeframe) -> int:
    """Number of candle periods from ``first`` to ``last`` inclusive (both bucket starts)."""
    if last < first:
        return 0
    if timeframe is Timeframe.MONTH1:
        a = datetime.fromtimestamp(first, UTC)
        b = datetime.fromtimestamp(last, UTC)
        return (b.year - a.year) * 12 + (b.month - a.month) + 1
    seconds = timeframe.seconds
    assert seconds is not None
    return (last - first) // seconds + 1
