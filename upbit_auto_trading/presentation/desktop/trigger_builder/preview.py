"""The preview computation: the last candles of a market, the trigger's series and where it fires.

Runs on the worker thread; keeps one evaluator (indicator cache) per market and timeframe until invalidated.
"""

from __future__ import annotations

import numpy as np

from upbit_auto_trading.application.ports.candle_reader import CandleReader
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.trigger.condition import FixedValue, TradingCondition, VariableRef
from upbit_auto_trading.domain.trigger.errors import NeedsPositionError
from upbit_auto_trading.domain.trigger.evaluation import TriggerEvaluator
from upbit_auto_trading.domain.trigger.variables import Catalogue, ChartPlacement
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.trigger_builder.model import PreviewData

PREVIEW_CANDLES = 2000
WARMUP_CANDLES = 600


class PreviewCache:
    """Evaluators by (market, timeframe). ``generation`` rises on :meth:`invalidate`; an evaluator loaded
    for an older generation is used once but not kept."""

    def __init__(self, reader: CandleReader) -> None:
        self._reader = reader
        self._candles: dict[tuple[str, str], CandleArrays] = {}
        self._evaluators: dict[tuple[str, str], TriggerEvaluator] = {}
        self.generation = 0

    def invalidate(self) -> None:
        self.generation += 1
        self._candles.clear()
        self._evaluators.clear()

    def _evaluator(self, market: str, timeframe: str, generation: int) -> TriggerEvaluator:
        key = (market, timeframe)
        evaluator = self._evaluators.get(key)
        if evaluator is None:
            candles = self._reader.load_arrays(market, timeframe)
            size = len(candles)
            candles = candles.slice(max(0, size - PREVIEW_CANDLES - WARMUP_CANDLES), size)
            evaluator = TriggerEvaluator(candles, other_timeframes=lambda tf: self._other(market, tf))
            if generation == self.generation:  # not invalidated while loading
                self._candles[key] = candles
                self._evaluators[key] = evaluator
        return evaluator

    def _other(self, market: str, timeframe: str) -> CandleArrays:
        return self._reader.load_arrays(market, timeframe)

    def compute(
        self, catalogue: Catalogue, condition: TradingCondition, market: str, generation: int
    ) -> PreviewData | str:
        """The preview of ``condition`` on ``market``, or a message saying why there is none."""
        evaluator = self._evaluator(market, condition.timeframe, generation)
        candles = evaluator.candles
        if len(candles) == 0:
            return tr(
                f"{market} {condition.timeframe} 캔들이 없습니다",
                f"No {condition.timeframe} candles of {market} stored",
            )
        shown = slice(max(0, len(candles) - PREVIEW_CANDLES), len(candles))
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
            target_label = condition.target.describe()
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
            variable_label=condition.variable.describe(),
            overlay=variable.chart is ChartPlacement.OVERLAY,
            target=target_series,
            target_value=target_value,
            target_label=target_label,
            fired=fired,
            note=note,
        )
