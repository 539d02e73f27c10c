"""Turn a strategy's saved triggers into boolean arrays with the trigger engine (TriggerEvaluator).

Adapter between the strategy context (``TriggerRef`` keys) and the trigger context (``TradingCondition``):
resolve each reference, snapshot the definitions (a stored run re-runs from its snapshot even after the
trigger was edited), evaluate every trigger on one candle window sharing one evaluator cache.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Protocol

import numpy as np

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.strategy.references import MissingTriggersError
from upbit_auto_trading.application.trigger.dto import trigger_to_dict
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.strategy import Strategy, TriggerRef
from upbit_auto_trading.domain.trigger.compatibility import Usage
from upbit_auto_trading.domain.trigger.condition import FixedValue, TradingCondition, VariableRef
from upbit_auto_trading.domain.trigger.errors import TriggerError
from upbit_auto_trading.domain.trigger.evaluation import TriggerEvaluator
from upbit_auto_trading.domain.trigger.operators import Operator


class TriggerSource(Protocol):
    def get(self, name: str) -> TradingCondition | None: ...

    def get_by_id(self, condition_id: int) -> TradingCondition | None: ...


def _lookup(triggers: TriggerSource, ref: TriggerRef) -> TradingCondition | None:
    if ref.trigger_id:
        try:
            found = triggers.get_by_id(int(ref.trigger_id))
        except ValueError:
            found = None
        if found is not None:
            return found
    return triggers.get(ref.name)


def resolve_triggers(triggers: TriggerSource, strategy: Strategy) -> dict[str, TradingCondition]:
    """``TriggerRef.key`` -> saved trigger, for every trigger the strategy uses."""
    found: dict[str, TradingCondition] = {}
    missing: list[str] = []
    for ref in strategy.trigger_refs():
        condition = _lookup(triggers, ref)
        if condition is None:
            missing.append(ref.name)
        else:
            found[ref.key] = condition
    if missing:
        raise MissingTriggersError(missing)
    return found


def trigger_snapshot(conditions: Mapping[str, TradingCondition]) -> dict[str, Any]:
    return {key: trigger_to_dict(c) for key, c in conditions.items()}


def conditions_from_snapshot(snapshot: Mapping[str, Any]) -> dict[str, TradingCondition]:
    out: dict[str, TradingCondition] = {}
    for key, d in snapshot.items():
        target_raw = d.get("target") or {}
        target: VariableRef | FixedValue | None = None
        if target_raw.get("kind") == "variable":
            target = VariableRef(target_raw["id"], dict(target_raw.get("params", {})))
        elif target_raw.get("kind") == "value":
            target = FixedValue(Decimal(str(target_raw["value"])))
        out[key] = TradingCondition(
            name=d["name"],
            variable=VariableRef(d["variable"]["id"], dict(d["variable"].get("params", {}))),
            operator=Operator.parse(d["operator"]),
            target=target,
            timeframe=d.get("timeframe", "1h"),
            description=d.get("description", ""),
            usage=Usage(d.get("usage", "signal")),
            operator_params=dict(d.get("operator_params", {})),
            condition_id=d.get("id"),
        )
    return out


def evaluate_signals(
    conditions: Mapping[str, TradingCondition],
    candles: CandleArrays,
    other_timeframes: Callable[[str], CandleArrays] | None = None,
) -> dict[str, np.ndarray]:
    """One boolean array per trigger key, over ``candles`` (the backtest timeframe, not the trigger's)."""
    evaluator = TriggerEvaluator(candles, other_timeframes=other_timeframes)
    out: dict[str, np.ndarray] = {}
    for key, condition in conditions.items():
        try:
            out[key] = np.asarray(evaluator.evaluate(condition), dtype=bool)
        except (TriggerError, ValueError) as exc:
            raise ApplicationError(
                f"Trigger {condition.name!r} cannot be evaluated in a backtest: {exc}. Entry and exit "
                "triggers must read candles (price, indicators), not the position or account"
            ) from exc
    return out
