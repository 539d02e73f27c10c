"""The TradingCondition (trigger) entity and its validation."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.domain.trigger.compatibility import Usage, check_compatibility, check_usage
from upbit_auto_trading.domain.trigger.errors import (
    IncompatibleVariablesError,
    InvalidConditionError,
    InvalidOperatorError,
    ValueOutOfRangeError,
)
from upbit_auto_trading.domain.trigger.operators import Operator
from upbit_auto_trading.domain.trigger.parameters import validate_parameters
from upbit_auto_trading.domain.trigger.variables import Catalogue, VariableDefinition

MAX_NAME_LENGTH = 100


@dataclass(frozen=True)
class VariableRef:
    """A catalogue variable with its (validated, complete) parameters."""

    variable_id: str
    params: Mapping[str, int | float | str] = field(default_factory=dict)

    def describe(self) -> str:
        shown = ", ".join(
            f"{k}={v}" for k, v in self.params.items() if not (k == "timeframe" and v == "position")
        )
        return f"{self.variable_id}({shown})" if shown else self.variable_id

    def key(self) -> tuple[str, tuple[tuple[str, Any], ...]]:
        return self.variable_id, tuple(sorted(self.params.items()))


@dataclass(frozen=True)
class FixedValue:
    value: Decimal

    def describe(self) -> str:
        return format(self.value, "f")


Target = VariableRef | FixedValue


def _decimal(value: Any) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueOutOfRangeError(f"The target value must be a number; got {value!r}") from None
    if not number.is_finite():
        raise ValueOutOfRangeError(f"The target value must be a finite number; got {value!r}")
    return number


def _checked_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidConditionError("A trigger needs a name")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidConditionError(f"A trigger name has at most {MAX_NAME_LENGTH} characters")
    return name


def _target_variable(
    catalogue: Catalogue,
    definition: VariableDefinition,
    usage: Usage,
    target_variable_id: str,
    target_params: Mapping[str, Any],
) -> VariableRef:
    """The variable compared against, when it may be compared with ``definition`` for this usage."""
    other = catalogue.get(target_variable_id)
    verdict = check_compatibility(definition, other, usage)
    if not verdict.compatible:
        raise IncompatibleVariablesError(verdict.reason_en)
    return VariableRef(other.variable_id, validate_parameters(other, target_params))


def _fixed_value(definition: VariableDefinition, value: Any) -> FixedValue:
    """The number compared against, within the variable's range."""
    number = _decimal(value)
    if not definition.value_range.contains(float(number)):
        raise ValueOutOfRangeError(
            f"{number} is out of range for {definition.variable_id}: it must be "
            f"{definition.value_range.describe()}"
        )
    return FixedValue(number)


@dataclass(eq=False)
class TradingCondition:
    """A named trigger: ``variable <operator> target`` on a timeframe.

    Build it with :meth:`create`, which validates everything against the catalogue; the constructor only
    stores (repositories use it to rebuild saved triggers).
    """

    name: str
    variable: VariableRef
    operator: Operator
    target: Target | None
    timeframe: str = "1h"
    description: str = ""
    usage: Usage = Usage.SIGNAL
    operator_params: Mapping[str, float] = field(default_factory=dict)
    condition_id: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def create(
        cls,
        catalogue: Catalogue,
        *,
        name: str,
        variable_id: str,
        params: Mapping[str, Any] | None = None,
        operator: str | Operator,
        value: Any = None,
        target_variable_id: str | None = None,
        target_params: Mapping[str, Any] | None = None,
        timeframe: str = "1h",
        description: str = "",
        usage: Usage | str = Usage.SIGNAL,
        operator_params: Mapping[str, Any] | None = None,
        condition_id: int | None = None,
        created_at: datetime | None = None,
        now: datetime | None = None,
    ) -> TradingCondition:
        name = _checked_name(name)
        usage = Usage(usage) if not isinstance(usage, Usage) else usage
        timeframe = Timeframe.from_code(timeframe).code
        op = Operator.parse(operator)
        definition = catalogue.get(variable_id)
        usage_check = check_usage(definition, usage)
        if not usage_check.compatible:
            raise IncompatibleVariablesError(usage_check.reason_en)
        variable = VariableRef(definition.variable_id, validate_parameters(definition, params or {}))
        op_params = _operator_params(op, operator_params or {}, value)
        target: Target | None
        if not op.needs_target:
            target = None
        elif target_variable_id:
            if value not in (None, ""):
                raise InvalidConditionError("Give either a fixed value or a target variable, not both")
            target = _target_variable(catalogue, definition, usage, target_variable_id, target_params or {})
        else:
            if value in (None, ""):
                raise InvalidConditionError(f"{op.value} needs a fixed value or a target variable")
            target = _fixed_value(definition, value)
        stamp = now or datetime.now(UTC).replace(microsecond=0)
        return cls(
            name=name,
            variable=variable,
            operator=op,
            target=target,
            timeframe=timeframe,
            description=(description or "").strip(),
            usage=usage,
            operator_params=op_params,
            condition_id=condition_id,
            created_at=created_at or stamp,
            updated_at=stamp,
        )

    def describe(self) -> str:
        if self.operator in (Operator.RISING, Operator.FALLING):
            return f"{self.variable.describe()} {self.operator.value} {int(self.operator_params.get('candles', 1))}"
        target = self.target.describe() if self.target is not None else "?"
        extra = f" ±{self.operator_params.get('percent', 1.0):g}%" if self.operator is Operator.APPROX else ""
        return f"{self.variable.describe()} {self.operator.symbol} {target}{extra}"

    def renamed(self, name: str) -> TradingCondition:
        clean = name.strip()
        if not clean:
            raise InvalidConditionError("A trigger needs a name")
        return replace(self, name=clean, condition_id=None)


def _option_number(raw: Any) -> float:
    """An operator option as a float; ValueError for anything else (a bool, an empty text, NaN, ...)."""
    if isinstance(raw, bool) or raw is None:  # isinstance(True, int) holds: JSON true read as 1
        raise ValueError
    return float(str(raw).strip())


def _operator_params(op: Operator, raw: Mapping[str, Any], value: Any) -> dict[str, float]:
    if op is Operator.APPROX:
        given = raw.get("percent", 1.0)
        try:
            percent = _option_number(given)
        except ValueError:
            percent = math.nan
        if not (math.isfinite(percent) and 0 < percent <= 100):
            raise InvalidOperatorError(
                f"The ~= tolerance (percent) must be a percentage above 0 and at most 100; got {given!r}"
            )
        return {"percent": percent}
    if op in (Operator.RISING, Operator.FALLING):
        candles = raw.get("candles", value if value not in (None, "") else 1)
        try:
            number = _option_number(candles)
            if not number.is_integer():
                raise ValueError
            n = int(number)
        except (ValueError, OverflowError):
            raise InvalidOperatorError(
                f"{op.value} needs a whole number of candles from 1 to 100; got {candles!r}"
            ) from None
        if not 1 <= n <= 100:
            raise InvalidOperatorError(f"{op.value} takes 1 to 100 candles; got {n}")
        return {"candles": float(n)}
    if raw:
        raise InvalidOperatorError(f"{op.value} takes no options ({', '.join(raw)})")
    return {}
