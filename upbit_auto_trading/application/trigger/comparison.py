"""Is an imported trigger the one already stored under its name? Compared by definition, not by text.

Everything an export carries counts (description, variable and parameters, operator and its options, target,
timeframe, usage); ids and timestamps do not. Numbers compare by value, so "30" and "30.0" are the same target.
"""

from __future__ import annotations

from collections.abc import Callable

from upbit_auto_trading.domain.trigger.condition import FixedValue, TradingCondition, VariableRef


def _target(condition: TradingCondition) -> object:
    target = condition.target
    if isinstance(target, VariableRef):
        return ("variable", target.key())
    if isinstance(target, FixedValue):
        return ("value", target.value)  # Decimal: equal by value
    return None


def _target_text(condition: TradingCondition) -> str:
    return condition.target.describe() if condition.target is not None else "-"


# (label, comparable value, shown value) per field of the definition
_FIELDS: tuple[tuple[str, Callable[[TradingCondition], object], Callable[[TradingCondition], str]], ...] = (
    ("variable", lambda c: c.variable.key(), lambda c: c.variable.describe()),
    ("operator", lambda c: c.operator, lambda c: c.operator.value),
    ("operator options", lambda c: sorted(c.operator_params.items()), lambda c: str(dict(c.operator_params))),
    ("target", _target, _target_text),
    ("timeframe", lambda c: c.timeframe, lambda c: c.timeframe),
    ("usage", lambda c: c.usage, lambda c: c.usage.value),
    ("description", lambda c: c.description, lambda c: repr(c.description)),
)


def differing_fields(stored: TradingCondition, incoming: TradingCondition) -> tuple[str, ...]:
    """The names of the fields that differ ("variable", "target", ...): a screen words them itself."""
    return tuple(label for label, value, _shown in _FIELDS if value(stored) != value(incoming))


def definition_differences(stored: TradingCondition, incoming: TradingCondition) -> tuple[str, ...]:
    """One ``"field: stored -> incoming"`` line per field that differs; empty when the definitions match."""
    return tuple(
        f"{label}: {shown(stored)} -> {shown(incoming)}"
        for label, value, shown in _FIELDS
        if value(stored) != value(incoming)
    )
