"""Plain data for the edges: the trigger draft a form or the CLI fills, and the JSON export format."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.domain.trigger.condition import FixedValue, TradingCondition, VariableRef
from upbit_auto_trading.domain.trigger.variables import Catalogue

EXPORT_FORMAT = "upbit-auto-trading/triggers"
EXPORT_VERSION = 1


@dataclass
class TriggerDraft:
    """What a user typed; validated by ``TradingCondition.create``."""

    name: str
    variable_id: str
    operator: str
    params: dict[str, Any] = field(default_factory=dict)
    value: Any = None
    target_variable_id: str | None = None
    target_params: dict[str, Any] = field(default_factory=dict)
    timeframe: str = "1h"
    description: str = ""
    usage: str = "signal"
    operator_params: dict[str, Any] = field(default_factory=dict)

    def build(self, catalogue: Catalogue, **extra: Any) -> TradingCondition:
        return TradingCondition.create(
            catalogue,
            name=self.name,
            variable_id=self.variable_id,
            params=self.params,
            operator=self.operator,
            value=self.value,
            target_variable_id=self.target_variable_id,
            target_params=self.target_params,
            timeframe=self.timeframe,
            description=self.description,
            usage=self.usage,
            operator_params=self.operator_params,
            **extra,
        )

    @classmethod
    def from_condition(cls, condition: TradingCondition) -> TriggerDraft:
        draft = cls(
            name=condition.name,
            variable_id=condition.variable.variable_id,
            operator=condition.operator.value,
            params=dict(condition.variable.params),
            timeframe=condition.timeframe,
            description=condition.description,
            usage=condition.usage.value,
            operator_params=dict(condition.operator_params),
        )
        if isinstance(condition.target, VariableRef):
            draft.target_variable_id = condition.target.variable_id
            draft.target_params = dict(condition.target.params)
        elif isinstance(condition.target, FixedValue):
            draft.value = format(condition.target.value, "f")
        if condition.operator.value in ("rising", "falling"):
            draft.value = None
        return draft


def trigger_to_dict(condition: TradingCondition) -> dict[str, Any]:
    target: dict[str, Any] | None
    if isinstance(condition.target, VariableRef):
        target = {
            "kind": "variable",
            "id": condition.target.variable_id,
            "params": dict(condition.target.params),
        }
    elif isinstance(condition.target, FixedValue):
        target = {"kind": "value", "value": format(condition.target.value, "f")}
    else:
        target = None
    return {
        "id": condition.condition_id,
        "name": condition.name,
        "description": condition.description,
        "variable": {"id": condition.variable.variable_id, "params": dict(condition.variable.params)},
        "operator": condition.operator.value,
        "operator_params": dict(condition.operator_params),
        "target": target,
        "timeframe": condition.timeframe,
        "usage": condition.usage.value,
        "summary": condition.describe(),
        "created_at": _iso(condition.created_at),
        "updated_at": _iso(condition.updated_at),
    }


def _iso(moment: Any) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def draft_from_dict(data: Mapping[str, Any]) -> TriggerDraft:
    try:
        variable = data["variable"]
        target = data.get("target") or {}
        return TriggerDraft(
            name=str(data["name"]),
            variable_id=str(variable["id"]),
            params=dict(variable.get("params", {})),
            operator=str(data["operator"]),
            value=target.get("value") if target.get("kind") == "value" else None,
            target_variable_id=target.get("id") if target.get("kind") == "variable" else None,
            target_params=dict(target.get("params", {})) if target.get("kind") == "variable" else {},
            timeframe=str(data.get("timeframe", "1h")),
            description=str(data.get("description", "")),
            usage=str(data.get("usage", "signal")),
            operator_params=dict(data.get("operator_params", {})),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ApplicationError(f"A trigger in the file is malformed (missing or wrong field {exc})") from exc
