"""Evaluate a TradingCondition over candle arrays: a boolean array, True where the trigger fires.

This is the one entry point for backtests, the CLI and the preview::

    evaluator = TriggerEvaluator(candles, position=None, other_timeframes=None)
    fired = evaluator.evaluate(condition)          # np.ndarray[bool], len(candles)

Values are computed from closed candles only; the value at candle t never depends on a later candle.
The evaluator caches each variable's series by (variable, parameters), so re-evaluating after a change of
one parameter recomputes only the series that changed (the preview relies on it).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.trigger.alignment import align_to
from upbit_auto_trading.domain.trigger.condition import FixedValue, TradingCondition, VariableRef
from upbit_auto_trading.domain.trigger.errors import TriggerError
from upbit_auto_trading.domain.trigger.operators import Operator, compare
from upbit_auto_trading.domain.trigger.position_context import PositionContext
from upbit_auto_trading.domain.trigger.series import compute_variable
from upbit_auto_trading.domain.trigger.variables import FOLLOW_POSITION

OtherTimeframes = Callable[[str], CandleArrays]


class TriggerEvaluator:
    def __init__(
        self,
        candles: CandleArrays,
        *,
        position: PositionContext | None = None,
        other_timeframes: OtherTimeframes | None = None,
    ) -> None:
        self.candles = candles
        self.position = position
        self._other_timeframes = other_timeframes
        self._cache: dict[tuple, np.ndarray] = {}

    def series(self, ref: VariableRef) -> np.ndarray:
        """The variable's values on the trigger's candles (aligned if it runs on another timeframe)."""
        key = ref.key()
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        params = dict(ref.params)
        timeframe = str(params.pop("timeframe", FOLLOW_POSITION))
        if timeframe in (FOLLOW_POSITION, self.candles.timeframe):
            values = compute_variable(ref.variable_id, params, self.candles, self.position)
        else:
            if self._other_timeframes is None:
                raise TriggerError(
                    f"{ref.describe()} runs on {timeframe} candles; none were supplied for this evaluation"
                )
            other = self._other_timeframes(timeframe)
            raw = compute_variable(ref.variable_id, params, other, None)
            values = align_to(raw, other.start, timeframe, self.candles.start, self.candles.timeframe)
        values.setflags(write=False)
        self._cache[key] = values
        return values

    def target_series(self, condition: TradingCondition) -> np.ndarray | float | None:
        if isinstance(condition.target, VariableRef):
            return self.series(condition.target)
        if isinstance(condition.target, FixedValue):
            return float(condition.target.value)
        return None

    def evaluate(self, condition: TradingCondition) -> np.ndarray:
        left = self.series(condition.variable)
        right = self.target_series(condition)
        if condition.operator.needs_target and right is None:
            raise TriggerError(f"{condition.name}: {condition.operator.value} needs a target")
        return compare(
            condition.operator,
            left,
            0.0 if right is None else right,
            percent=condition.operator_params.get("percent"),
            candles=int(condition.operator_params.get("candles", 1)),
        )

    def clear(self) -> None:
        self._cache.clear()


def evaluate_condition(
    condition: TradingCondition,
    candles: CandleArrays,
    *,
    position: PositionContext | None = None,
    other_timeframes: OtherTimeframes | None = None,
) -> np.ndarray:
    """Boolean array over ``candles``: True at every candle where ``condition`` fires."""
    return TriggerEvaluator(candles, position=position, other_timeframes=other_timeframes).evaluate(condition)


__all__ = ["Operator", "OtherTimeframes", "TriggerEvaluator", "evaluate_condition"]
