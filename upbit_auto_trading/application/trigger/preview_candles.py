"""The candles a trigger preview shows: any period of the history, in the trigger's timeframe (stored or
resampled in memory), with warm-up history before the first shown candle so indicators are settled there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from upbit_auto_trading.application.trigger.candle_source import (
    CandleSource,
    ResamplingCandleStore,
    SourcedCandles,
    span,
)
from upbit_auto_trading.application.trigger.evaluate_trigger import check_period
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.market.timeframe import Timeframe

PREVIEW_CANDLES = 2000  # shown when no start is chosen: the newest ones (up to the chosen end)
WARMUP_CANDLES = 600


@dataclass(frozen=True)
class PreviewPeriod:
    """UTC bounds on candle starts. No start: the last PREVIEW_CANDLES up to ``end`` (or the newest)."""

    start: datetime | None = None
    end: datetime | None = None

    @property
    def latest(self) -> bool:
        return self.start is None and self.end is None


@dataclass(frozen=True)
class PreviewCandles:
    candles: CandleArrays  # warm-up history, then the shown candles
    first_shown: int  # index in ``candles`` of the first shown candle
    source: str  # the stored timeframe read (another than candles.timeframe: resampled)

    @property
    def resampled(self) -> bool:
        return self.source != self.candles.timeframe

    @property
    def shown(self) -> int:
        return len(self.candles) - self.first_shown


class LoadPreviewCandles:
    def __init__(self, store: ResamplingCandleStore) -> None:
        self.source = CandleSource(store)  # also feeds variables that run on another timeframe

    def execute(self, market: str, timeframe: str, period: PreviewPeriod | None = None) -> PreviewCandles:
        period = period or PreviewPeriod()
        check_period(period.start, period.end)  # before any read
        code = Timeframe.from_code(timeframe).code
        if period.start is None:
            sourced = self.source.load_last(market, code, PREVIEW_CANDLES + WARMUP_CANDLES, period.end)
            return _preview(sourced, max(0, len(sourced.candles) - PREVIEW_CANDLES))
        sourced = self.source.load(
            market, code, period.start - span(code, WARMUP_CANDLES), period.end, needed_from=period.start
        )
        first = int(np.searchsorted(sourced.candles.start, _epoch(period.start), side="left"))
        return _preview(sourced, first)


def _preview(sourced: SourcedCandles, first_shown: int) -> PreviewCandles:
    return PreviewCandles(sourced.candles, first_shown, sourced.source)


def _epoch(moment: datetime) -> int:
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())
