"""What a path can change, and changing it: the sweepable parameters of a strategy and the strategy and
triggers a cell of a sweep runs with.

A changed trigger is rebuilt with ``TradingCondition.create`` against the catalogue, exactly as the trigger
builder or ``triggers add`` would build a trigger with that parameter typed in: same validation, same
coercion (a whole-number parameter becomes an ``int``), same name and id. So a cell runs the same
condition a user would get by saving the trigger with that value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from upbit_auto_trading.domain.robustness.errors import InvalidCell, ParameterPathError
from upbit_auto_trading.domain.robustness.paths import (
    RULE_FIELDS,
    STRATEGY_FIELDS,
    ParameterPath,
    RuleField,
    StrategyField,
    TriggerField,
    path_text,
    trigger_refs,
)
from upbit_auto_trading.domain.strategy import (
    ManagementRule,
    PositionSizing,
    Strategy,
    StrategyValidationError,
)
from upbit_auto_trading.domain.strategy.validation import MAX_COOLDOWN_CANDLES
from upbit_auto_trading.domain.trigger.condition import FixedValue, TradingCondition, VariableRef
from upbit_auto_trading.domain.trigger.errors import TriggerError
from upbit_auto_trading.domain.trigger.operators import Operator
from upbit_auto_trading.domain.trigger.variables import Catalogue, ParameterType, VariableDefinition

Conditions = Mapping[str, TradingCondition]


@dataclass(frozen=True)
class SweepableParameter:
    """One numeric parameter a sweep may vary: its path, current value (None: not set, e.g. an absent
    stop-loss), whether it takes whole numbers only, its bounds when known, and a label for people."""

    path: str
    current: Decimal | None
    integer: bool
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    label: str = ""

    def problem(self, value: Decimal) -> str | None:
        """Why ``value`` cannot be given to this parameter, or None."""
        if self.integer and value != value.to_integral_value():
            return f"{self.path} takes whole numbers; {value} is not one"
        if self.minimum is not None and value < self.minimum:
            return f"{self.path} must be at least {self.minimum:f}; got {value}"
        if self.maximum is not None and value > self.maximum:
            return f"{self.path} must be at most {self.maximum:f}; got {value}"
        return None


def _bound(number: float | None) -> Decimal | None:
    return _decimal_or_none(number)


def _numeric(definition: VariableDefinition) -> list[tuple[str, bool, Decimal | None, Decimal | None]]:
    """(name, integer, minimum, maximum) of a variable's numeric parameters (choices and timeframes are not
    swept: they are not numbers)."""
    return [
        (p.name, p.type is ParameterType.INT, _bound(p.minimum), _bound(p.maximum))
        for p in definition.parameters
        if p.type in (ParameterType.INT, ParameterType.FLOAT)
    ]


def _trigger_parameters(head: str, condition: TradingCondition, catalogue: Catalogue) -> list[SweepableParameter]:
    out: list[SweepableParameter] = []
    variable = catalogue.get(condition.variable.variable_id)
    for name, integer, low, high in _numeric(variable):
        current = condition.variable.params.get(name)
        out.append(SweepableParameter(f"{head}.params.{name}", _decimal_or_none(current), integer, low, high,
                                      f"{condition.name}: {variable.variable_id} {name}"))  # fmt: skip
    if isinstance(condition.target, VariableRef):
        target = catalogue.get(condition.target.variable_id)
        for name, integer, low, high in _numeric(target):
            current = condition.target.params.get(name)
            out.append(SweepableParameter(f"{head}.target.{name}", _decimal_or_none(current), integer, low,
                                          high, f"{condition.name}: target {target.variable_id} {name}"))  # fmt: skip
    elif isinstance(condition.target, FixedValue):
        vr = variable.value_range
        out.append(SweepableParameter(f"{head}.value", condition.target.value, False, _bound(vr.minimum),
                                      _bound(vr.maximum), f"{condition.name}: value compared against"))  # fmt: skip
    if condition.operator is Operator.APPROX:
        out.append(SweepableParameter(f"{head}.percent", _decimal_or_none(condition.operator_params.get("percent")),
                                      False, Decimal("0.000001"), Decimal(100), f"{condition.name}: ~= tolerance %"))  # fmt: skip
    if condition.operator in (Operator.RISING, Operator.FALLING):
        out.append(SweepableParameter(f"{head}.candles", _decimal_or_none(condition.operator_params.get("candles")),
                                      True, Decimal(1), Decimal(100), f"{condition.name}: candles"))  # fmt: skip
    return out


def _decimal_or_none(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    number = Decimal(str(value))
    return number.to_integral_value() if number == number.to_integral_value() else number.normalize()


def _strategy_parameters(strategy: Strategy) -> list[SweepableParameter]:
    out = [
        SweepableParameter("cooldown_candles", Decimal(strategy.cooldown_candles), True, Decimal(0),
                           Decimal(MAX_COOLDOWN_CANDLES), "cooldown (candles)"),
        SweepableParameter("sizing.value", strategy.sizing.value, False, None, None,
                           f"position size ({strategy.sizing.mode.value})"),
    ]  # fmt: skip
    for rule in strategy.management:
        for name, integer in RULE_FIELDS.get(rule.type, {}).items():
            current = getattr(rule, name)
            out.append(SweepableParameter(f"rules.{rule.type}.{name}", _decimal_or_none(current), integer,
                                          None, None, f"{rule.type} {name}"))  # fmt: skip
    return out


def sweepable_parameters(strategy: Strategy, conditions: Conditions, catalogue: Catalogue) -> list[SweepableParameter]:
    """Every numeric parameter of the strategy and of the triggers it uses, as paths (entry triggers as
    ``entry.<n>``, exit triggers as ``exit.<n>``; a trigger used by both is listed under both)."""
    out = _strategy_parameters(strategy)
    for role in ("entry", "exit"):
        for index, ref in enumerate(trigger_refs(strategy, role)):
            condition = conditions.get(ref.key)
            if condition is not None:
                out.extend(_trigger_parameters(f"{role}.{index}", condition, catalogue))
    return out


def describe_parameter(
    path: ParameterPath, strategy: Strategy, conditions: Conditions, catalogue: Catalogue
) -> SweepableParameter:
    """The sweepable parameter ``path`` addresses (ParameterPathError when the strategy has no such one)."""
    text = path_text(path)
    if isinstance(path, RuleField) and strategy.rule(path.rule_type) is None:
        raise ParameterPathError(f"{text}: strategy {strategy.name!r} has no {path.rule_type} rule")
    if isinstance(path, TriggerField):
        ref = path.ref(strategy)
        condition = _condition(conditions, ref.key, ref.name)
        head = text[: len(text) - len(_tail(path)) - 1]  # without the dot before the part
        listed = _trigger_parameters(head, condition, catalogue)
    else:
        listed = _strategy_parameters(strategy)
    found = next((p for p in listed if p.path == text), None)
    if found is None:
        known = ", ".join(p.path for p in listed) or "none"
        raise ParameterPathError(f"{text}: no such numeric parameter here; these exist: {known}")
    return found


def _tail(path: TriggerField) -> str:
    if path.part == "value":
        return "value"
    if path.part == "option":
        return path.name
    return f"{path.part}.{path.name}"


def _condition(conditions: Conditions, key: str, name: str) -> TradingCondition:
    condition = conditions.get(key)
    if condition is None:
        raise ParameterPathError(f"Trigger {name!r} was not loaded for this strategy")
    return condition


# ----------------------------------------------------------------------------- changing them
@dataclass
class _TriggerEdit:
    params: dict[str, Any]
    target_params: dict[str, Any]
    value: Any
    operator_params: dict[str, Any]

    @classmethod
    def of(cls, condition: TradingCondition) -> _TriggerEdit:
        target = condition.target
        return cls(
            params=dict(condition.variable.params),
            target_params=dict(target.params) if isinstance(target, VariableRef) else {},
            value=format(target.value, "f") if isinstance(target, FixedValue) else None,
            operator_params=dict(condition.operator_params),
        )

    def set(self, path: TriggerField, value: Decimal) -> None:
        text = format(value, "f")  # as typed into a form: the catalogue's coercion makes ints of INT params
        if path.part == "params":
            self.params[path.name] = text
        elif path.part == "target":
            self.target_params[path.name] = text
        elif path.part == "value":
            self.value = text
        else:
            self.operator_params[path.name] = text

    def build(self, condition: TradingCondition, catalogue: Catalogue) -> TradingCondition:
        target = condition.target
        rebuilt = TradingCondition.create(
            catalogue,
            name=condition.name,
            variable_id=condition.variable.variable_id,
            params=self.params,
            operator=condition.operator,
            value=self.value,
            target_variable_id=target.variable_id if isinstance(target, VariableRef) else None,
            target_params=self.target_params,
            timeframe=condition.timeframe,
            description=condition.description,
            usage=condition.usage,
            operator_params=self.operator_params,
            condition_id=condition.condition_id,
            created_at=condition.created_at,
            now=condition.updated_at,
        )
        return rebuilt


def _changed_rule(rule: ManagementRule, name: str, value: Decimal) -> ManagementRule:
    integer = RULE_FIELDS[rule.type][name]
    return replace(rule, **{name: int(value) if integer else value})  # type: ignore[arg-type]


def _changed_strategy(strategy: Strategy, changes: Sequence[tuple[StrategyField | RuleField, Decimal]]) -> Strategy:
    management = list(strategy.management)
    fields: dict[str, Any] = {}
    for path, value in changes:
        if isinstance(path, RuleField):
            index = next((i for i, r in enumerate(management) if r.type == path.rule_type), None)
            if index is None:
                raise ParameterPathError(f"Strategy {strategy.name!r} has no {path.rule_type} rule")
            management[index] = _changed_rule(management[index], path.name, value)
        elif path.name == "cooldown_candles":
            fields["cooldown_candles"] = int(value)
        else:
            fields["sizing"] = PositionSizing(strategy.sizing.mode, value)
    try:
        return replace(strategy, management=tuple(management), **fields)
    except StrategyValidationError as exc:
        raise InvalidCell(str(exc)) from None


def apply_values(
    strategy: Strategy,
    conditions: Conditions,
    catalogue: Catalogue,
    values: Sequence[tuple[ParameterPath, Decimal]],
) -> tuple[Strategy, dict[str, TradingCondition]]:
    """The strategy and triggers with every ``(path, value)`` applied; the rest unchanged (same objects).

    Raises InvalidCell when the values make an invalid strategy or trigger, ParameterPathError when a
    path names nothing in this strategy."""
    strategy_changes: list[tuple[StrategyField | RuleField, Decimal]] = []
    edits: dict[str, _TriggerEdit] = {}
    for path, value in values:
        if isinstance(path, TriggerField):
            ref = path.ref(strategy)
            condition = _condition(conditions, ref.key, ref.name)
            edits.setdefault(ref.key, _TriggerEdit.of(condition)).set(path, value)
        else:
            if path.name not in STRATEGY_FIELDS and not isinstance(path, RuleField):
                raise ParameterPathError(f"{path_text(path)} is not a strategy field")
            strategy_changes.append((path, value))
    changed = _changed_strategy(strategy, strategy_changes) if strategy_changes else strategy
    out = dict(conditions)
    for key, edit in edits.items():
        try:
            out[key] = edit.build(conditions[key], catalogue)
        except TriggerError as exc:
            raise InvalidCell(f"trigger {conditions[key].name!r}: {exc}") from None
    return changed, out
