"""Gaps in a candle series.

A candle exists only when something traded, so a gap is information (a quiet hour, exchange maintenance),
not an error. Gaps are found between the first and the last stored candle.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from upbit_auto_trading.domain.market.calendar import next_start, periods_between
from upbit_auto_trading.domain.market.timeframe import Timeframe


@dataclass(frozen=True, slots=True)
class Gap:
    """Missing candles strictly between two stored ones.

    ``first_missing`` and ``last_missing`` are the starts (epoch seconds, UTC) of the first and last missing
    candle; ``missing`` how many candles are absent.
    """

    first_missing: int
    last_missing: int
    missing: int

    @property
    def first_missing_utc(self) -> datetime:
        return datetime.fromtimestamp(self.first_missing, UTC)

    @property
    def last_missing_utc(self) -> datetime:
        return datetime.fromtimestamp(self.last_missing, UTC)


@dataclass(frozen=True, slots=True)
class GapSummary:
    gaps: int
    missing: int

    @classmethod
    def of(cls, gaps: Iterable[Gap]) -> GapSummary:
        items = list(gaps)
        return cls(gaps=len(items), missing=sum(g.missing for g in items))


def find_gaps(starts: Iterable[int], timeframe: Timeframe | str) -> list[Gap]:
    """Gaps in ascending, de-duplicated candle starts (epoch seconds). Unsorted input is sorted first."""
    tf = Timeframe.from_code(timeframe)
    ordered = sorted(set(int(s) for s in starts))
    gaps: list[Gap] = []
    seconds = tf.seconds
    for prev, cur in zip(ordered, ordered[1:], strict=False):
        expected = prev + seconds if seconds is not None else next_start(prev, tf)
        if cur <= expected:
            continue
        if seconds is not None:
            missing = (cur - expected) // seconds
            last = cur - seconds
        else:
            missing = periods_between(expected, cur, tf) - 1
            last = _previous_month(cur)
        if missing > 0:
            gaps.append(Gap(first_missing=expected, last_missing=last, missing=missing))
    return gaps


def _previous_month(epoch: int) -> int:
    d = datetime.fromtimestamp(epoch, UTC)
    year, month = (d.year - 1, 12) if d.month == 1 else (d.year, d.month - 1)
    return int(datetime(year, month, 1, tzinfo=UTC).timestamp())
