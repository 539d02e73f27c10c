"""Parameter paths: a readable address of one numeric parameter of a strategy or of a trigger it uses.

::

    cooldown_candles                     the strategy's cooldown
    sizing.value                         the position size (amount or percent of cash)
    rules.<rule type>.<field>            a management rule's field: rules.trailing_stop.activate_pct
    entry.<n>.<part>                     the n-th trigger (0-based) of the entry condition
    exit.<n>.<part>                      the n-th trigger of the exit-triggers rule
    trigger[<name>].<part>               a trigger by its name, wherever the strategy uses it

    <part> = params.<name>               a parameter of the trigger's variable: entry.0.params.period
           | target.<name>               a parameter of the variable compared against: entry.0.target.period
           | value                       the fixed value compared against: entry.0.value
           | percent | candles           the operator's option (~= tolerance, rising/falling candles)

Triggers are numbered in first-use order (``Strategy.entry.refs()``), as the strategy maker lists them. A
strategy references stored triggers, so a trigger path changes the trigger itself: everywhere the strategy
uses it (entry and exit alike), the condition is evaluated with the new parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from upbit_auto_trading.domain.robustness.errors import ParameterPathError
from upbit_auto_trading.domain.strategy import ExitTriggers, Strategy, TriggerRef

RULE_FIELDS: dict[str, dict[str, bool]] = {
    "stop_take_profit": {"stop_loss_pct": False, "take_profit_pct": False},
    "trailing_stop": {"activate_pct": False, "trail_pct": False},
    "pyramid": {"drop_pct": False, "max_times": True, "size_pct_of_entry": False},
    "scale_in": {"rise_pct": False, "max_times": True, "size_pct_of_entry": False},
    "partial_take_profit": {"profit_pct": False, "sell_pct": False},
    "time_exit": {"candles": True},
}
"""Numeric fields of each management rule type; True for whole-number fields."""

STRATEGY_FIELDS: dict[str, bool] = {"cooldown_candles": True, "sizing.value": False}
"""Numeric fields of the strategy itself; True for whole-number fields."""

OPERATOR_OPTIONS = ("percent", "candles")

_TRIGGER = re.compile(r"^(?:(?P<role>entry|exit)\.(?P<index>\d+)|trigger\[(?P<name>[^\]]+)\])\.(?P<part>.+)$")


@dataclass(frozen=True)
class StrategyField:
    """``cooldown_candles`` or ``sizing.value``."""

    name: str

    @property
    def integer(self) -> bool:
        return STRATEGY_FIELDS[self.name]


@dataclass(frozen=True)
class RuleField:
    """A numeric field of the management rule of type ``rule_type``."""

    rule_type: str
    name: str

    @property
    def integer(self) -> bool:
        return RULE_FIELDS[self.rule_type][self.name]


@dataclass(frozen=True)
class TriggerField:
    """A part of one trigger: ``part`` is "params" (its variable's parameter ``name``), "target" (the
    compared variable's parameter ``name``), "value" (the fixed value) or "option" (``name`` is
    "percent" or "candles"). The trigger is ``role`` ("entry" or "exit") number ``index``, or the one
    named ``trigger_name``."""

    part: str
    name: str
    role: str | None = None
    index: int | None = None
    trigger_name: str | None = None

    def ref(self, strategy: Strategy) -> TriggerRef:
        """The strategy's reference to the addressed trigger (ParameterPathError when there is none)."""
        if self.trigger_name is not None:
            found = next((r for r in strategy.trigger_refs() if r.name == self.trigger_name), None)
            if found is None:
                names = ", ".join(repr(r.name) for r in strategy.trigger_refs())
                raise ParameterPathError(
                    f"Strategy {strategy.name!r} uses no trigger named {self.trigger_name!r}; it uses {names}"
                )
            return found
        refs = trigger_refs(strategy, self.role or "entry")
        if self.index is None or self.index >= len(refs):
            raise ParameterPathError(
                f"Strategy {strategy.name!r} has {len(refs)} {self.role} trigger(s) (numbered from 0); "
                f"{self.role}.{self.index} does not exist"
            )
        return refs[self.index]


ParameterPath = StrategyField | RuleField | TriggerField


def trigger_refs(strategy: Strategy, role: str) -> tuple[TriggerRef, ...]:
    """The distinct triggers of the entry condition, or of the exit-triggers rule, in first-use order."""
    if role == "entry":
        return strategy.entry.refs()
    rule = strategy.rule("exit_triggers")
    return rule.condition.refs() if isinstance(rule, ExitTriggers) else ()


def _trigger_part(part: str, text: str) -> tuple[str, str]:
    if part == "value":
        return "value", ""
    if part in OPERATOR_OPTIONS:
        return "option", part
    kind, _, name = part.partition(".")
    if kind in ("params", "target") and name and "." not in name:
        return kind, name
    raise ParameterPathError(
        f"{text!r}: after the trigger comes params.<name>, target.<name>, value, percent or candles"
    )


def parse_path(text: str) -> ParameterPath:
    """The path written ``text`` (see the module doc); ParameterPathError says what is wrong."""
    path = text.strip()
    if path in STRATEGY_FIELDS:
        return StrategyField(path)
    if path.startswith("rules."):
        _, rule_type, name = (path.split(".") + ["", ""])[:3]
        fields = RULE_FIELDS.get(rule_type)
        if fields is None or path.count(".") != 2:
            raise ParameterPathError(
                f"{text!r}: write rules.<rule type>.<field>; rule types with numbers: {', '.join(RULE_FIELDS)}"
            )
        if name not in fields:
            raise ParameterPathError(f"{text!r}: a {rule_type} rule's numeric fields are {', '.join(fields)}")
        return RuleField(rule_type, name)
    match = _TRIGGER.match(path)
    if match is None:
        raise ParameterPathError(
            f"{text!r} is not a parameter path: use cooldown_candles, sizing.value, rules.<type>.<field>, "
            "entry.<n>.<part>, exit.<n>.<part> or trigger[<name>].<part> (`sweep params` lists them)"
        )
    part, name = _trigger_part(match["part"], text)
    if match["name"] is not None:
        return TriggerField(part, name, trigger_name=match["name"])
    return TriggerField(part, name, role=match["role"], index=int(match["index"]))


def path_text(path: ParameterPath) -> str:
    """The canonical text of a parsed path (``parse_path(path_text(p)) == p``)."""
    if isinstance(path, StrategyField):
        return path.name
    if isinstance(path, RuleField):
        return f"rules.{path.rule_type}.{path.name}"
    head = f"trigger[{path.trigger_name}]" if path.trigger_name is not None else f"{path.role}.{path.index}"
    if path.part == "value":
        return f"{head}.value"
    if path.part == "option":
        return f"{head}.{path.name}"
    return f"{head}.{path.part}.{path.name}"
