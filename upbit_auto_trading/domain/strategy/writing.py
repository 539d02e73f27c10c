"""The strategy's JSON form as written (schema version 1, see docs/strategy-schema.md) and its content hash.

Reading the form back (which builds ``Strategy`` objects) is ``serialization``; this half only reads the
fields of a strategy (``StrategyContent``), so ``Strategy.content_hash`` can use it without an import cycle.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from upbit_auto_trading.domain.strategy.content import StrategyContent
from upbit_auto_trading.domain.strategy.management import (
    ManagementRule,
    PartialTakeProfit,
    PyramidBuying,
    ScaleIn,
    StopTakeProfit,
    TimeExit,
    TrailingStop,
)
from upbit_auto_trading.domain.strategy.triggers import TriggerGroups

SCHEMA_VERSION = 1
_BEHAVIOUR_KEYS = (
    "schema_version",
    "entry",
    "management",
    "sizing",
    "cooldown_candles",
    "same_candle_policy",
)


def _num(value: Decimal) -> int | float:
    """A Decimal as a JSON number (ints stay ints; others use the shortest float that reads back equal)."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _groups_dict(groups: TriggerGroups) -> dict[str, Any]:
    return {
        "groups": [
            {"triggers": [{"name": r.name, "id": r.trigger_id} for r in g.triggers]} for g in groups.groups
        ]
    }


def _rule_dict(rule: ManagementRule) -> dict[str, Any]:
    if isinstance(rule, StopTakeProfit):
        return {
            "type": rule.type,
            "stop_loss_pct": None if rule.stop_loss_pct is None else _num(rule.stop_loss_pct),
            "take_profit_pct": None if rule.take_profit_pct is None else _num(rule.take_profit_pct),
        }
    if isinstance(rule, TrailingStop):
        return {"type": rule.type, "activate_pct": _num(rule.activate_pct), "trail_pct": _num(rule.trail_pct)}
    if isinstance(rule, PyramidBuying):
        return {
            "type": rule.type,
            "drop_pct": _num(rule.drop_pct),
            "max_times": rule.max_times,
            "size_pct_of_entry": _num(rule.size_pct_of_entry),
        }
    if isinstance(rule, ScaleIn):
        return {
            "type": rule.type,
            "rise_pct": _num(rule.rise_pct),
            "max_times": rule.max_times,
            "size_pct_of_entry": _num(rule.size_pct_of_entry),
        }
    if isinstance(rule, PartialTakeProfit):
        return {"type": rule.type, "profit_pct": _num(rule.profit_pct), "sell_pct": _num(rule.sell_pct)}
    if isinstance(rule, TimeExit):
        return {"type": rule.type, "candles": rule.candles}
    return {"type": rule.type, **_groups_dict(rule.condition)}


def strategy_to_dict(strategy: StrategyContent) -> dict[str, Any]:
    """The exported JSON document (without storage id/version)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "name": strategy.name,
        "description": strategy.description,
        "entry": _groups_dict(strategy.entry),
        "management": [_rule_dict(r) for r in strategy.management],
        "sizing": {"mode": strategy.sizing.mode.value, "value": _num(strategy.sizing.value)},
        "cooldown_candles": strategy.cooldown_candles,
        "same_candle_policy": strategy.same_candle_policy.value,
    }


def strategy_to_json(strategy: StrategyContent, *, indent: int | None = 2) -> str:
    return json.dumps(strategy_to_dict(strategy), ensure_ascii=False, indent=indent)


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    if isinstance(value, float | int) and not isinstance(value, bool):
        d = Decimal(str(value)).normalize()
        return format(d, "f")
    return value


def strategy_content_hash(strategy: StrategyContent) -> str:
    """sha256 (hex) of what the strategy does: entry, rules (in order), sizing, cooldown, policy.

    Name, description, id and version are left out, so renaming or duplicating keeps the hash; numbers are
    normalised (5 == 5.0 == "5.00") and keys sorted, so the hash is stable across writers.
    """
    doc = strategy_to_dict(strategy)
    behaviour = {k: doc[k] for k in _BEHAVIOUR_KEYS}
    text = json.dumps(_canonical(behaviour), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
