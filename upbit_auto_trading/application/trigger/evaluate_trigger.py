"""Evaluate a trigger over stored candles: the candles where it fires.

A timeframe with no stored candles in the range is resampled in memory from the nearest finer stored one
(candle_source.py): a 4h trigger evaluates over 1h candles without a 4h series being stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.trigger.candle_source import CandleSource, ResamplingCandleStore
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.domain.trigger.condition import TradingCondition
from upbit_auto_trading.domain.trigger.evaluation import TriggerEvaluator

WARMUP_CANDLES = 600  # history loaded before --from so indicators are warmed up at the first reported candle


@dataclass(frozen=True)
class EvaluationResult:
    candles: CandleArrays  # the candles of the requested range (warm-up history removed)
    fired: np.ndarray  # bool per candle of ``candles``
    source: str = ""  # the stored timeframe read; another than candles.timeframe: resampled in memory

    @property
    def indices(self) -> np.ndarray:
        return np.flatnonzero(self.fired)

    @property
    def count(self) -> int:
        return int(self.indices.shape[0])

    def fired_times(self) -> list[datetime]:
        return [datetime.fromtimestamp(int(s), UTC) for s in self.candles.start[self.indices]]


def check_period(start: datetime | None, end: datetime | None) -> None:
    """Refuse a start after the end before anything is read: such a range selects no candle, and loading
    it still wrote the packed candle cache, only to end in a misleading "no candles stored"."""
    if start is not None and end is not None and start > end:
        raise ApplicationError(
            f"The start ({_utc_text(start)}) is after the end ({_utc_text(end)}): "
            "the start must not be after the end"
        )


def _utc_text(moment: datetime) -> str:
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def _lookback(timeframe: str, candles: int) -> timedelta:
    seconds = Timeframe.from_code(timeframe).seconds or 31 * 86400
    return timedelta(seconds=seconds * candles)


class EvaluateTrigger:
    def __init__(self, candles: ResamplingCandleStore) -> None:
        self._source = CandleSource(candles)

    def execute(
        self,
        condition: TradingCondition,
        market: str,
        timeframe: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> EvaluationResult:
        check_period(start, end)  # before any read: a reversed range must not even fill the candle cache
        timeframe = Timeframe.from_code(timeframe or condition.timeframe).code
        load_from = None if start is None else start - _lookback(timeframe, WARMUP_CANDLES)
        sourced = self._source.load(market, timeframe, load_from, end, needed_from=start)
        candles = sourced.candles
        if len(candles) == 0:
            raise ApplicationError(
                f"No {timeframe} candles of {market} are stored for that range; import or download them first"
            )

        def other(tf: str) -> CandleArrays:
            first = datetime.fromtimestamp(int(candles.start[0]), UTC) - _lookback(tf, WARMUP_CANDLES)
            return self._source.load(market, tf, first, end).candles

        fired = TriggerEvaluator(candles, other_timeframes=other).evaluate(condition)
        first = (
            0 if start is None else int(np.searchsorted(candles.start, int(start.timestamp()), side="left"))
        )
        return EvaluationResult(candles.slice(first, len(candles)), fired[first:], sourced.source)
