"""Parameter validation against a variable's definitions: types, ranges, choices, defaults."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from upbit_auto_trading.domain.trigger.errors import InvalidParameterError
from upbit_auto_trading.domain.trigger.variables import ParameterDefinition, ParameterType, VariableDefinition


def allowed_values(definition: ParameterDefinition) -> str:
    """The allowed values of a parameter as messages word them ("a whole number from 2 to 100")."""
    if definition.type is ParameterType.ENUM:
        return f"one of {', '.join(definition.choices)}"
    kind = "a whole number" if definition.type is ParameterType.INT else "a number"
    low, high = definition.minimum, definition.maximum
    if low is not None and high is not None:
        return f"{kind} from {low:g} to {high:g}"
    if low is not None:
        return f"{kind} of at least {low:g}"
    if high is not None:
        return f"{kind} of at most {high:g}"
    return kind


def coerce_parameter(definition: ParameterDefinition, raw: Any) -> int | float | str:
    """Convert one raw value (text from a form or the CLI, or a JSON number) and check its bounds.

    An empty text is refused like any other bad value: it used to fall back to the default silently, so
    ``--param period=`` ran a different trigger than the one typed. (Forms drop empty fields themselves.)
    """

    def refused() -> InvalidParameterError:
        return InvalidParameterError(f"{definition.name} must be {allowed_values(definition)}; got {raw!r}")

    # bool first: isinstance(True, int) holds, so a JSON true was read as period 1
    if isinstance(raw, bool) or raw is None or (isinstance(raw, str) and not raw.strip()):
        raise refused()
    if definition.type is ParameterType.ENUM:
        text = str(raw).strip()
        if text not in definition.choices:
            raise refused()
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
    except (TypeError, ValueError, OverflowError):
        raise refused() from None
    if definition.minimum is not None and value < definition.minimum:
        raise refused()
    if definition.maximum is not None and value > definition.maximum:
        raise refused()
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
        if definition.name in raw and raw[definition.name] is not None:  # "" is refused, not the default
            try:
                result[definition.name] = coerce_parameter(definition, raw[definition.name])
            except InvalidParameterError as exc:  # name the variable too: a target has parameters of its own
                raise InvalidParameterError(f"{variable.variable_id} {exc}") from None
        elif definition.default is not None:
            result[definition.name] = coerce_parameter(definition, definition.default)
        elif definition.required:
            raise InvalidParameterError(f"{variable.variable_id} needs the parameter {definition.name}")
    if variable.variable_id == "MACD" and int(result["fast"]) >= int(result["slow"]):
        raise InvalidParameterError(
            f"MACD fast ({result['fast']}) must be smaller than slow ({result['slow']})"
        )
    return result
