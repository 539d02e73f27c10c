"""Where Upbit's candles start: minutes and hours on the UTC epoch grid, days at 00:00 UTC (09:00 KST),
weeks on Monday 00:00 UTC, months on the first day of the month 00:00 UTC."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from upbit_auto_trading.domain.market.timeframe import Timeframe


def floor_start(tf: Timeframe, moment: datetime) -> datetime:
    """The start of the candle that contains ``moment``."""
    m = moment.astimezone(UTC)
    if tf is Timeframe.MONTH1:
        return datetime(m.year, m.month, 1, tzinfo=UTC)
    if tf is Timeframe.W1:
        monday = m.date() - timedelta(days=m.weekday())
        return datetime(monday.year, monday.month, monday.day, tzinfo=UTC)
    seconds = tf.seconds or 86400
    epoch = int(m.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, UTC)


def next_start(tf: Timeframe, start: datetime) -> datetime:
    """The start of the candle after the one starting at ``start``."""
    if tf is Timeframe.MONTH1:
        year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
        return start.replace(year=year, month=month, day=1)
    return start + timedelta(seconds=tf.seconds or 86400)


def slots_between(tf: Timeframe, lo: datetime, hi: datetime) -> int:
    """How many candle starts fit in [lo, hi) (at least 1): the ``count`` to ask REST for."""
    if hi <= lo:
        return 1
    if tf is Timeframe.MONTH1:
        return max(1, (hi.year - lo.year) * 12 + hi.month - lo.month + 1)
    return max(1, math.ceil((hi - lo).total_seconds() / (tf.seconds or 86400)))
