"""The strategy's JSON form (schema version 1, see docs/strategy-schema.md) and its content hash."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from upbit_auto_trading.domain.strategy.errors import (
    StrategyProblem,
    StrategySchemaError,
    StrategyValidationError,
)
from upbit_auto_trading.domain.strategy.management import (
    RULE_TYPES,
    ExitTriggers,
    ManagementRule,
    PartialTakeProfit,
    PyramidBuying,
    ScaleIn,
    StopTakeProfit,
    TimeExit,
    TrailingStop,
)
from upbit_auto_trading.domain.strategy.sizing import PositionSizing, SameCandlePolicy, SizingMode
from upbit_auto_trading.domain.strategy.strategy import Strategy
from upbit_auto_trading.domain.strategy.triggers import TriggerGroup, TriggerGroups, TriggerRef
from upbit_auto_trading.domain.strategy.validation import (
    MAX_ADD_TIMES,
    MAX_COOLDOWN_CANDLES,
    MAX_HOLD_CANDLES,
    whole_number_range,
)

SCHEMA_VERSION = 1
_HUGE = 18
"""Decimal exponent from which a count is refused before ``int()``: every count field's range ends far
below 10^18, and ``int(Decimal("1e999999999"))`` would build a gigantic integer first."""
_BEHAVIOUR_KEYS = (
    "schema_version",
    "entry",
    "management",
    "sizing",
    "cooldown_candles",
    "same_candle_policy",
)


# ----------------------------------------------------------------------------- writing
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


def strategy_to_dict(strategy: Strategy) -> dict[str, Any]:
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


def strategy_to_json(strategy: Strategy, *, indent: int | None = 2) -> str:
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


def strategy_content_hash(strategy: Strategy) -> str:
    """sha256 (hex) of what the strategy does: entry, rules (in order), sizing, cooldown, policy.

    Name, description, id and version are left out, so renaming or duplicating keeps the hash; numbers are
    normalised (5 == 5.0 == "5.00") and keys sorted, so the hash is stable across writers.
    """
    doc = strategy_to_dict(strategy)
    behaviour = {k: doc[k] for k in _BEHAVIOUR_KEYS}
    text = json.dumps(_canonical(behaviour), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ----------------------------------------------------------------------------- reading
def _json_text(value: Any) -> str:
    """A value as the document wrote it (``true``, ``"5"``, ``1E+30``), for messages."""
    if isinstance(value, Decimal):  # JSON fractions are read as Decimal: show the number, not a string
        return str(value)
    try:
        return json.dumps(value, default=str, ensure_ascii=False)
    except ValueError:  # an int beyond Python's 4,300-digit str() limit
        return "a number of thousands of digits"


class _Reader:
    """Collects every structural problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[StrategyProblem] = []

    def fail(self, path: str, code: str, message: str) -> None:
        self.problems.append(StrategyProblem(path, code, message))

    def dec(self, obj: dict[str, Any], key: str, path: str, *, optional: bool = False) -> Decimal | None:
        if key not in obj or obj[key] is None:
            if not optional:
                self.fail(f"{path}.{key}", "field.missing", "is required")
            return None
        raw = obj[key]
        if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
            self.fail(f"{path}.{key}", "field.not_number", f"must be a number (got {raw!r})")
            return None
        try:
            return Decimal(str(raw))
        except InvalidOperation:
            self.fail(f"{path}.{key}", "field.not_number", f"must be a number (got {raw!r})")
            return None

    def integer(
        self, obj: dict[str, Any], key: str, path: str, *, low: int, high: int, default: int | None = None
    ) -> int | None:
        """A whole number; ``low``/``high`` only word the message here (the Strategy checks the range)."""
        if key not in obj or obj[key] is None:
            if default is None:
                self.fail(f"{path}.{key}", "field.missing", "is required")
            return default
        raw = obj[key]
        where = f"{path}.{key}".lstrip(".")
        wanted = f"must be {whole_number_range(low, high)} (got {_json_text(raw)})"
        # bool first: isinstance(True, int) holds, so JSON true would otherwise read as 1
        if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
            self.fail(where, "field.not_integer", wanted)
            return None
        try:
            value = Decimal(str(raw).strip())
        except (InvalidOperation, ValueError):
            value = Decimal("NaN")
        if not value.is_finite() or value != value.to_integral_value():
            self.fail(where, "field.not_integer", wanted)
            return None
        if value.adjusted() >= _HUGE:
            self.fail(where, "field.range", wanted)
            return None
        return int(value)

    def groups(self, obj: Any, path: str) -> TriggerGroups:
        if not isinstance(obj, dict) or not isinstance(obj.get("groups"), list):
            self.fail(path, "groups.missing", 'needs "groups": a list of {"triggers": [...]}')
            return TriggerGroups(())
        groups: list[TriggerGroup] = []
        for g, raw_group in enumerate(obj["groups"]):
            gpath = f"{path}.groups[{g}]"
            triggers = raw_group.get("triggers") if isinstance(raw_group, dict) else None
            if not isinstance(triggers, list):
                self.fail(gpath, "group.invalid", 'needs "triggers": a list of {"name": ..., "id": ...}')
                continue
            refs: list[TriggerRef] = []
            for t, raw in enumerate(triggers):
                if isinstance(raw, str):
                    refs.append(TriggerRef(raw))
                elif isinstance(raw, dict) and isinstance(raw.get("name", ""), str):
                    tid = raw.get("id")
                    refs.append(TriggerRef(raw.get("name", ""), None if tid is None else str(tid)))
                else:
                    self.fail(f"{gpath}.triggers[{t}]", "trigger.invalid", "must be a name or {name, id}")
            groups.append(TriggerGroup(tuple(refs)))
        return TriggerGroups(tuple(groups))

    def rule(self, raw: Any, i: int) -> ManagementRule | None:
        p = f"management[{i}]"
        if not isinstance(raw, dict):
            self.fail(p, "rule.invalid", "must be an object with a type")
            return None
        kind = raw.get("type")
        if kind not in RULE_TYPES:
            self.fail(
                f"{p}.type", "rule.unknown", f"unknown rule type {kind!r}; use one of {', '.join(RULE_TYPES)}"
            )
            return None
        before = len(self.problems)
        rule: ManagementRule | None = None
        if kind == "stop_take_profit":
            sl = self.dec(raw, "stop_loss_pct", p, optional=True)
            tp = self.dec(raw, "take_profit_pct", p, optional=True)
            rule = StopTakeProfit(sl, tp)
        elif kind == "trailing_stop":
            a, b = self.dec(raw, "activate_pct", p), self.dec(raw, "trail_pct", p)
            rule = TrailingStop(a, b) if a is not None and b is not None else None
        elif kind in ("pyramid", "scale_in"):
            key = "drop_pct" if kind == "pyramid" else "rise_pct"
            x = self.dec(raw, key, p)
            n = self.integer(raw, "max_times", p, low=1, high=MAX_ADD_TIMES)
            size = self.dec(raw, "size_pct_of_entry", p, optional=True) or Decimal(100)
            if x is not None and n is not None:
                rule = PyramidBuying(x, n, size) if kind == "pyramid" else ScaleIn(x, n, size)
        elif kind == "partial_take_profit":
            q, s = self.dec(raw, "profit_pct", p), self.dec(raw, "sell_pct", p)
            rule = PartialTakeProfit(q, s) if q is not None and s is not None else None
        elif kind == "time_exit":
            n = self.integer(raw, "candles", p, low=1, high=MAX_HOLD_CANDLES)
            rule = TimeExit(n) if n is not None else None
        else:
            rule = ExitTriggers(self.groups(raw, p))
        return rule if len(self.problems) == before else None


def strategy_from_dict(data: Any, *, strategy_id: str | None = None, version: int | None = None) -> Strategy:
    """Parse and validate; raises ``StrategyValidationError`` listing every problem, or
    ``StrategySchemaError`` when the document is not a strategy of a known schema version."""
    if not isinstance(data, dict):
        raise StrategySchemaError("A strategy document must be a JSON object")
    schema = data.get("schema_version")
    # a bool is refused by name: True == 1 in Python, so `"schema_version": true` passed the comparison
    if isinstance(schema, bool) or schema != SCHEMA_VERSION:
        raise StrategySchemaError(
            f"Unsupported strategy schema_version {_json_text(schema)}: it must be the whole number "
            f"{SCHEMA_VERSION}, the only version this program reads"
        )
    r = _Reader()
    name = data.get("name", "")
    if not isinstance(name, str):
        r.fail("name", "name.invalid", "must be text")
        name = ""
    description = data.get("description") or ""
    if not isinstance(description, str):
        r.fail("description", "description.invalid", "must be text")
        description = ""
    entry = r.groups(data.get("entry"), "entry")
    raw_rules = data.get("management", [])
    rules: list[ManagementRule] = []
    if not isinstance(raw_rules, list):
        r.fail("management", "management.invalid", "must be a list of rules")
        raw_rules = []
    for i, raw in enumerate(raw_rules):
        rule = r.rule(raw, i)
        if rule is not None:
            rules.append(rule)
    sizing_raw = data.get("sizing")
    sizing = PositionSizing(SizingMode.CASH_PERCENT, Decimal(100))
    if not isinstance(sizing_raw, dict):
        r.fail(
            "sizing", "field.missing", 'is required: {"mode": "fixed_amount" | "cash_percent", "value": N}'
        )
    else:
        try:
            mode = SizingMode(sizing_raw.get("mode"))
        except ValueError:
            r.fail("sizing.mode", "sizing.mode", 'must be "fixed_amount" or "cash_percent"')
            mode = SizingMode.CASH_PERCENT
        value = r.dec(sizing_raw, "value", "sizing")
        sizing = PositionSizing(mode, value if value is not None else Decimal(100))
    cooldown = r.integer(data, "cooldown_candles", "", low=0, high=MAX_COOLDOWN_CANDLES, default=0)
    try:
        policy = SameCandlePolicy(data.get("same_candle_policy", SameCandlePolicy.CONSERVATIVE.value))
    except ValueError:
        r.fail("same_candle_policy", "policy.unknown", 'must be "conservative" or "priority"')
        policy = SameCandlePolicy.CONSERVATIVE
    try:
        strategy = Strategy(
            name=name,
            entry=entry,
            management=tuple(rules),
            sizing=sizing,
            cooldown_candles=cooldown if cooldown is not None else 0,
            same_candle_policy=policy,
            description=description,
            strategy_id=strategy_id,
            version=version,
        )
    except StrategyValidationError as exc:
        raise StrategyValidationError([*r.problems, *exc.problems]) from None
    if r.problems:
        raise StrategyValidationError(r.problems)
    return strategy


def strategy_from_json(text: str, **kwargs: Any) -> Strategy:
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise StrategySchemaError(
            f"Not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except ValueError:  # an integer literal beyond Python's 4,300-digit limit: not a JSONDecodeError
        raise StrategySchemaError(
            "Not a usable strategy document: a number has more than 4,300 digits"
        ) from None
    return strategy_from_dict(data, **kwargs)


def validate_strategy_document(data: Any) -> list[StrategyProblem]:
    """Live validation for editors: every problem of a (possibly half-filled) document, [] when valid."""
    try:
        strategy_from_dict(data)
    except StrategyValidationError as exc:
        return list(exc.problems)
    except StrategySchemaError as exc:
        return [StrategyProblem("schema_version", "schema.unsupported", str(exc))]
    return []
