"""Reading the strategy's JSON form (schema version 1, see docs/strategy-schema.md) into a ``Strategy``.

Writing it, and the content hash, are in ``writing``."""

from __future__ import annotations

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
from upbit_auto_trading.domain.strategy.writing import SCHEMA_VERSION

_HUGE = 18
"""Decimal exponent from which a count is refused before ``int()``: every count field's range ends far
below 10^18, and ``int(Decimal("1e999999999"))`` would build a gigantic integer first."""


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

    def text(self, raw: Any, key: str) -> str:
        if isinstance(raw, str):
            return raw
        self.fail(key, f"{key}.invalid", "must be text")
        return ""

    def rules(self, raw_rules: Any) -> tuple[ManagementRule, ...]:
        """The readable rules in order (an unreadable one is a problem and left out)."""
        if not isinstance(raw_rules, list):
            self.fail("management", "management.invalid", "must be a list of rules")
            return ()
        rules = (self.rule(raw, i) for i, raw in enumerate(raw_rules))
        return tuple(rule for rule in rules if rule is not None)

    def sizing(self, raw: Any) -> PositionSizing:
        """The position sizing; 100 % of cash stands in for what cannot be read (its problem is noted)."""
        if not isinstance(raw, dict):
            wanted = '{"mode": "fixed_amount" | "cash_percent", "value": N}'
            self.fail("sizing", "field.missing", f"is required: {wanted}")
            return PositionSizing(SizingMode.CASH_PERCENT, Decimal(100))
        try:
            mode = SizingMode(raw.get("mode"))
        except ValueError:
            self.fail("sizing.mode", "sizing.mode", 'must be "fixed_amount" or "cash_percent"')
            mode = SizingMode.CASH_PERCENT
        value = self.dec(raw, "value", "sizing")
        return PositionSizing(mode, value if value is not None else Decimal(100))

    def policy(self, raw: Any) -> SameCandlePolicy:
        try:
            return SameCandlePolicy(raw)
        except ValueError:
            self.fail("same_candle_policy", "policy.unknown", 'must be "conservative" or "priority"')
            return SameCandlePolicy.CONSERVATIVE

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
    # name: a missing one is "" (the Strategy then asks for a name); description: null reads as ""
    name = r.text(data.get("name", ""), "name")
    description = r.text(data.get("description") or "", "description")
    entry = r.groups(data.get("entry"), "entry")
    rules = r.rules(data.get("management", []))
    sizing = r.sizing(data.get("sizing"))
    cooldown = r.integer(data, "cooldown_candles", "", low=0, high=MAX_COOLDOWN_CANDLES, default=0)
    policy = r.policy(data.get("same_candle_policy", SameCandlePolicy.CONSERVATIVE.value))
    try:
        strategy = Strategy(
            name=name,
            entry=entry,
            management=rules,
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
