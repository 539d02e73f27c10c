"""Parameter validation against a variable's definitions: types, ranges, choices, defaults."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from upbit_auto_trading.domain.trigger.errors import InvalidParameterError
from upbit_auto_trading.domain.trigger.variables import ParameterDefinition, ParameterType, VariableDefinition


def coerce_parameter(definition: ParameterDefinition, raw: Any) -> int | float | str:
    """Convert one raw value (text from a form or the CLI, or a JSON number) and check its bounds."""
    label = f"{definition.name}"
    if definition.type is ParameterType.ENUM:
        text = str(raw).strip()
        if text not in definition.choices:
            raise InvalidParameterError(
                f"{label} must be one of {', '.join(definition.choices)}; got {text!r}"
            )
        return text
    try:
        if definition.type is ParameterType.INT:
            number: float = float(str(raw).strip()) if not isinstance(raw, int | float) else raw
            if not float(number).is_integer():
                raise ValueError
            value: int | float = int(number)
        else:
            value = float(str(raw).strip()) if not isinstance(raw, int | float) else float(raw)
            if not math.isfinite(value):
                raise ValueError
    except (TypeError, ValueError):
        kind = "a whole number" if definition.type is ParameterType.INT else "a number"
        raise InvalidParameterError(f"{label} must be {kind}; got {raw!r}") from None
    if definition.minimum is not None and value < definition.minimum:
        raise InvalidParameterError(f"{label} must be >= {definition.minimum:g}; got {value:g}")
    if definition.maximum is not None and value > definition.maximum:
        raise InvalidParameterError(f"{label} must be <= {definition.maximum:g}; got {value:g}")
    return value


def validate_parameters(variable: VariableDefinition, raw: Mapping[str, Any]) -> dict[str, int | float | str]:
    """Return the complete, typed parameters (defaults filled in); raise InvalidParameterError."""
    unknown = set(raw) - {p.name for p in variable.parameters}
    if unknown:
        known = ", ".join(p.name for p in variable.parameters) or "none"
        raise InvalidParameterError(
            f"{variable.variable_id} has no parameter {', '.join(sorted(unknown))}; its parameters: {known}"
        )
    result: dict[str, int | float | str] = {}
    for definition in variable.parameters:
        if definition.name in raw and raw[definition.name] not in (None, ""):
            result[definition.name] = coerce_parameter(definition, raw[definition.name])
        elif definition.default is not None:
            result[definition.name] = coerce_parameter(definition, definition.default)
        elif definition.required:
            raise InvalidParameterError(f"{variable.variable_id} needs the parameter {definition.name}")
    if variable.variable_id == "MACD" and int(result["fast"]) >= int(result["slow"]):
        raise InvalidParameterError(
            f"MACD fast ({result['fast']}) must be smaller than slow ({result['slow']})"
        )
    return result
