"""The preview computation: the candles of a chosen period (default: the last 2,000) in the trigger's timeframe,
stored or resampled in memory (LoadPreviewCandles), the trigger's series and where it fires.

Runs on the worker thread; keeps an evaluator (indicator cache) per market, timeframe and period until
invalidated, so a parameter change recomputes only what changed.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import UTC, datetime, timedelta, timezone

import numpy as np

from upbit_auto_trading.application.trigger.candle_source import ResamplingCandleStore, span
from upbit_auto_trading.application.trigger.preview_candles import (
    PREVIEW_CANDLES,
    WARMUP_CANDLES,
    LoadPreviewCandles,
    PreviewCandles,
    PreviewPeriod,
)
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.trigger.condition import FixedValue, TradingCondition, VariableRef
from upbit_auto_trading.domain.trigger.errors import NeedsPositionError
from upbit_auto_trading.domain.trigger.evaluation import TriggerEvaluator
from upbit_auto_trading.domain.trigger.variables import Catalogue, ChartPlacement
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.trigger_builder.model import PreviewData
from upbit_auto_trading.presentation.desktop.trigger_text import variable_text

__all__ = ["PREVIEW_CANDLES", "WARMUP_CANDLES", "PreviewCache", "PreviewPeriod"]

KST = timezone(timedelta(hours=9), "KST")
KEPT = 6  # evaluators kept: a few periods and timeframes to go back to without reading them again

_Key = tuple[str, str, PreviewPeriod]


def _kst(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).astimezone(KST).strftime("%Y-%m-%d %H:%M")


def _day(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d")


class PreviewCache:
    """Evaluators by (market, timeframe, period). ``generation`` rises on :meth:`invalidate`; an evaluator
    loaded for an older generation is used once but not kept."""

    def __init__(self, reader: ResamplingCandleStore) -> None:
        self._loader = LoadPreviewCandles(reader)
        self._entries: OrderedDict[_Key, tuple[TriggerEvaluator, PreviewCandles]] = OrderedDict()
        self.generation = 0

    def invalidate(self) -> None:
        self.generation += 1
        self._entries.clear()

    def _entry(
        self, market: str, timeframe: str, period: PreviewPeriod, generation: int
    ) -> tuple[TriggerEvaluator, PreviewCandles]:
        key = (market, timeframe, period)
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
            return entry
        loaded = self._loader.execute(market, timeframe, period)
        candles = loaded.candles
        evaluator = TriggerEvaluator(candles, other_timeframes=lambda tf: self._other(market, tf, candles))
        if generation == self.generation:  # not invalidated while loading
            self._entries[key] = (evaluator, loaded)
            while len(self._entries) > KEPT:
                self._entries.popitem(last=False)
        return evaluator, loaded

    def _other(self, market: str, timeframe: str, candles: CandleArrays) -> CandleArrays:
        """A variable on another timeframe: its candles over the preview's span (stored or resampled)."""
        if len(candles) == 0:
            return CandleArrays.empty(market, timeframe)
        first = datetime.fromtimestamp(int(candles.start[0]), UTC) - span(timeframe, WARMUP_CANDLES)
        last = datetime.fromtimestamp(int(candles.start[-1]), UTC)
        return self._loader.source.load(market, timeframe, first, last).candles

    def compute(
        self,
        catalogue: Catalogue,
        condition: TradingCondition,
        market: str,
        generation: int,
        period: PreviewPeriod | None = None,
    ) -> PreviewData | str:
        """The preview of ``condition`` on ``market`` over ``period``, or a message saying why there is none."""
        period = period or PreviewPeriod()
        timeframe = condition.timeframe
        evaluator, loaded = self._entry(market, timeframe, period, generation)
        candles = evaluator.candles
        if loaded.shown == 0:
            if period.latest:
                return tr(
                    f"{market} {timeframe} 캔들이 없습니다 (리샘플할 더 짧은 캔들도 없음)",
                    f"No {timeframe} candles of {market} stored (nor shorter ones to resample)",
                )
            return tr(
                f"{market} {timeframe} 캔들이 이 기간에 없습니다 ({_day(period.start)} ~ {_day(period.end)})",
                f"No {timeframe} candles of {market} in that period ({_day(period.start)} to {_day(period.end)})",
            )
        shown = slice(loaded.first_shown, len(candles))
        variable = catalogue.get(condition.variable.variable_id)
        note = ""
        try:
            values = evaluator.series(condition.variable)[shown]
            fired = np.flatnonzero(evaluator.evaluate(condition)[shown])
        except NeedsPositionError:
            values, fired = None, np.empty(0, dtype=np.int64)
            note = tr(
                "포지션이 필요합니다 (차트만으로는 값이 없음)", "Needs a position (no value on a chart alone)"
            )
        target_series = None
        target_value = None
        target_label = ""
        if isinstance(condition.target, VariableRef):
            target_label = variable_text(catalogue, condition.target)
            try:
                target_series = evaluator.series(condition.target)[shown]
            except NeedsPositionError:
                note = note or tr("포지션이 필요합니다", "Needs a position")
        elif isinstance(condition.target, FixedValue):
            target_value = float(condition.target.value)
            target_label = condition.target.describe()
        return PreviewData(
            times=candles.start[shown],
            close=candles.close[shown],
            variable=values,
            variable_label=variable_text(catalogue, condition.variable),
            overlay=variable.chart is ChartPlacement.OVERLAY,
            target=target_series,
            target_value=target_value,
            target_label=target_label,
            fired=fired,
            note=note,
            caption=caption(market, timeframe, loaded),
            period="latest" if period.latest else "range" if period.start is not None else "until",
        )


def caption(market: str, timeframe: str, loaded: PreviewCandles) -> str:
    """Where the shown candles come from and which they are: 'KRW-BTC 4h resampled from 1h · 2023-01-01
    09:00 ~ 2023-04-30 21:00 KST · 720 candles'."""
    times = loaded.candles.start[loaded.first_shown :]
    source = (
        tr(
            f"{market} {timeframe} ({loaded.source}에서 리샘플)",
            f"{market} {timeframe} resampled from {loaded.source}",
        )
        if loaded.resampled
        else f"{market} {timeframe}"
    )
    count = tr(f"{len(times):,}개 캔들", f"{len(times):,} candles")
    return f"{source} · {_kst(int(times[0]))} ~ {_kst(int(times[-1]))} KST · {count}"
