"""Candles of any timeframe for evaluating a trigger: the stored series when there is one, else a series built
in memory from the nearest finer stored one (4h from 1h) with the domain's resampling rules.

Only reads: a resampled series is never stored (``data resample`` is how a user stores one), so previewing a 4h
trigger leaves the databases as they were. The finer series is read as exact candles (``load_candles``), not
through ``load_arrays``, whose packed-array cache is written on a first read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from upbit_auto_trading.application.ports.candle_reader import CandleReader
from upbit_auto_trading.domain.market.calendar import bucket_start, next_start
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.market.errors import ResampleError
from upbit_auto_trading.domain.market.resampling import check_resample, resample
from upbit_auto_trading.domain.market.timeframe import Timeframe

_MONTH_SECONDS = 31 * 86400  # the longest month: a lookback in months never falls short


class ResamplingCandleStore(CandleReader, Protocol):
    """The candle store as the resampling source needs it (SqliteCandleStore)."""

    def load_candles(
        self, market: str, timeframe: str, start: datetime | None = None, end: datetime | None = None
    ) -> Sequence[Candle]:
        """Candles with ``start <= candle start <= end`` (UTC), ascending, exact decimals; no write."""
        ...

    def newest_start(self, market: str, timeframe: str) -> int | None: ...


@dataclass(frozen=True)
class SourcedCandles:
    candles: CandleArrays  # in the timeframe asked for
    source: str  # the stored timeframe they were read from

    @property
    def resampled(self) -> bool:
        return self.source != self.candles.timeframe


def span(timeframe: Timeframe | str, candles: int) -> timedelta:
    """At least ``candles`` candles of ``timeframe`` (months count as 31 days)."""
    return timedelta(seconds=(Timeframe.from_code(timeframe).seconds or _MONTH_SECONDS) * candles)


def finer_sources(timeframe: Timeframe | str) -> list[Timeframe]:
    """The timeframes whose candles make whole ``timeframe`` candles, nearest first (4h: 1h, 30m, 15m, 5m,
    1m). The nearest stored one is read: the same candles as from a finer one, from the fewest rows."""
    target = Timeframe.from_code(timeframe)
    found = []
    for source in Timeframe:
        try:
            check_resample(source, target)
        except ResampleError:
            continue
        found.append(source)
    return sorted(found, key=lambda tf: tf.seconds or 0, reverse=True)


def _epoch(moment: datetime) -> int:
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())


def _utc(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


class CandleSource:
    def __init__(self, store: ResamplingCandleStore) -> None:
        self._store = store

    def load(
        self,
        market: str,
        timeframe: str,
        start: datetime | None = None,
        end: datetime | None = None,
        *,
        needed_from: datetime | None = None,
    ) -> SourcedCandles:
        """Candles of ``timeframe`` starting within ``start``..``end``: the stored ones; when none are stored
        there, resampled from the nearest finer timeframe that has some; empty when neither has.

        ``needed_from``: candles before it are only history (an indicator's warm-up); a series with none from
        there on does not count as having candles in the range."""
        target = Timeframe.from_code(timeframe)
        floor = None if needed_from is None else _epoch(needed_from)

        def enough(candles: CandleArrays) -> bool:
            return len(candles) > 0 and (floor is None or int(candles.start[-1]) >= floor)

        stored = self._store.load_arrays(market, target.code, start, end)
        if enough(stored):
            return SourcedCandles(stored, target.code)
        for source in finer_sources(target):
            built = self._resampled(market, target, source, start, end)
            if enough(built):
                return SourcedCandles(built, source.code)
        return SourcedCandles(stored, target.code)

    def load_last(
        self, market: str, timeframe: str, count: int, end: datetime | None = None
    ) -> SourcedCandles:
        """The newest ``count`` candles of ``timeframe`` up to ``end`` (default: the newest stored), read or
        resampled as :meth:`load`. A resampled series with gaps may hold fewer."""
        target = Timeframe.from_code(timeframe)
        stored = self._store.load_arrays(market, target.code, None, end)
        if len(stored):
            return SourcedCandles(stored.slice(max(0, len(stored) - count), len(stored)), target.code)
        for source in finer_sources(target):
            newest = self._store.newest_start(market, source.code)
            if newest is None:
                continue
            last = newest if end is None else min(newest, _epoch(end))
            first = _utc(bucket_start(last, target)) - span(target, count - 1)
            built = self._resampled(market, target, source, first, end)
            if len(built):
                return SourcedCandles(built.slice(max(0, len(built) - count), len(built)), source.code)
        return SourcedCandles(stored, target.code)

    def _resampled(
        self, market: str, target: Timeframe, source: Timeframe, start: datetime | None, end: datetime | None
    ) -> CandleArrays:
        # whole target candles: from the start of the bucket holding ``start`` to the end of the one holding
        # ``end``; then only buckets starting within start..end, as a stored series answers
        lo = None if start is None else _utc(bucket_start(_epoch(start), target))
        hi = None
        if end is not None:
            hi = _utc(next_start(bucket_start(_epoch(end), target), target) - 1)
        candles = self._store.load_candles(market, source.code, lo, hi)
        if not candles:
            return CandleArrays.empty(market, target.code)
        built = resample(candles, target, source)
        first = -(2**62) if start is None else _epoch(start)
        last = 2**62 if end is None else _epoch(end)
        kept = [c for c in built if first <= c.start_epoch <= last]
        return CandleArrays.from_candles(market, target.code, kept)
