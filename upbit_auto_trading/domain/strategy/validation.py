"""The strategy's invariants, checked all at once so a user sees every problem together."""

from __future__ import annotations

from decimal import Decimal

from upbit_auto_trading.domain.strategy.content import StrategyContent
from upbit_auto_trading.domain.strategy.errors import StrategyProblem
from upbit_auto_trading.domain.strategy.management import (
    MAX_MANAGEMENT_RULES,
    ExitTriggers,
    PartialTakeProfit,
    PyramidBuying,
    ScaleIn,
    StopTakeProfit,
    TimeExit,
    TrailingStop,
)
from upbit_auto_trading.domain.strategy.sizing import SizingMode
from upbit_auto_trading.domain.strategy.triggers import TriggerGroups

MAX_NAME_LENGTH = 100
MAX_DESCRIPTION_LENGTH = 2000
MAX_ADD_TIMES = 20
MAX_COOLDOWN_CANDLES = 100_000
MAX_HOLD_CANDLES = 100_000
"""Upper bounds of the candle counts (the strategy maker's spin boxes stop there too): years of hourly
candles, far beyond any real setting, and small enough for the engine's int64 counters (10^30 overflowed
them and the backtest silently made no trades)."""
_HUNDRED = Decimal(100)


def _groups_problems(where: str, groups: TriggerGroups, what: str) -> list[StrategyProblem]:
    out: list[StrategyProblem] = []
    if not groups.groups:
        out.append(StrategyProblem(where, "groups.empty", f"the {what} needs at least one trigger group"))
    for g, group in enumerate(groups.groups):
        gpath = f"{where}.groups[{g}]"
        if not group.triggers:
            out.append(StrategyProblem(gpath, "group.empty", f"trigger group {g + 1} of the {what} is empty"))
        keys: set[str] = set()
        for t, ref in enumerate(group.triggers):
            if not ref.name.strip() and not ref.trigger_id:
                out.append(
                    StrategyProblem(f"{gpath}.triggers[{t}]", "trigger.unnamed", "a trigger needs a name")
                )
            elif ref.key in keys:
                out.append(
                    StrategyProblem(
                        f"{gpath}.triggers[{t}]",
                        "trigger.duplicate",
                        f"trigger {ref.name!r} appears twice in group {g + 1}; remove one",
                    )
                )
            keys.add(ref.key)
    return out


def _pct(
    out: list[StrategyProblem], path: str, value: Decimal | None, *, low: str, high: Decimal | None
) -> None:
    """``low`` is ``">0"`` or ``">=0"``; ``high`` an exclusive upper bound or None."""
    if value is None:
        return
    if not value.is_finite():
        out.append(StrategyProblem(path, "value.not_finite", "must be a finite number"))
        return
    if low == ">0" and value <= 0:
        out.append(StrategyProblem(path, "value.not_positive", f"must be above 0 (got {value})"))
    if low == ">=0" and value < 0:
        out.append(StrategyProblem(path, "value.negative", f"must not be negative (got {value})"))
    if high is not None and value >= high:
        out.append(StrategyProblem(path, "value.too_large", f"must be below {high} (got {value})"))


def whole_number_range(low: int, high: int) -> str:
    """How the range of a whole-number field is written in messages (one wording for reader and checks)."""
    return f"a whole number from {low:,} to {high:,}"


def _shown(value: object) -> str:
    try:
        return repr(value)
    except ValueError:  # an int beyond Python's 4,300-digit str() limit
        return "a number of thousands of digits"


def _whole(
    out: list[StrategyProblem],
    path: str,
    value: object,
    low: int,
    high: int,
    *,
    low_code: str,
    high_code: str,
) -> None:
    """A count field: an int (never a bool: ``isinstance(True, int)`` holds, so JSON ``true`` read as 1)
    within ``low..high``."""
    code = ""
    if isinstance(value, bool) or not isinstance(value, int):
        code = "field.not_integer"
    elif value < low:
        code = low_code
    elif value > high:
        code = high_code
    if code:
        out.append(
            StrategyProblem(path, code, f"must be {whole_number_range(low, high)} (got {_shown(value)})")
        )


def _times(out: list[StrategyProblem], path: str, value: int) -> None:
    _whole(out, path, value, 1, MAX_ADD_TIMES, low_code="times.range", high_code="times.range")


def _rule_problems(i: int, rule: object) -> list[StrategyProblem]:
    p = f"management[{i}]"
    out: list[StrategyProblem] = []
    if isinstance(rule, StopTakeProfit):
        if rule.stop_loss_pct is None and rule.take_profit_pct is None:
            out.append(StrategyProblem(p, "stop_take_profit.empty", "set a stop-loss, a take-profit or both"))
        _pct(out, f"{p}.stop_loss_pct", rule.stop_loss_pct, low=">0", high=_HUNDRED)
        _pct(out, f"{p}.take_profit_pct", rule.take_profit_pct, low=">0", high=None)
    elif isinstance(rule, TrailingStop):
        _pct(out, f"{p}.activate_pct", rule.activate_pct, low=">=0", high=None)
        _pct(out, f"{p}.trail_pct", rule.trail_pct, low=">0", high=_HUNDRED)
    elif isinstance(rule, PyramidBuying):
        _pct(out, f"{p}.drop_pct", rule.drop_pct, low=">0", high=_HUNDRED)
        _times(out, f"{p}.max_times", rule.max_times)
        _pct(out, f"{p}.size_pct_of_entry", rule.size_pct_of_entry, low=">0", high=Decimal(1001))
    elif isinstance(rule, ScaleIn):
        _pct(out, f"{p}.rise_pct", rule.rise_pct, low=">0", high=None)
        _times(out, f"{p}.max_times", rule.max_times)
        _pct(out, f"{p}.size_pct_of_entry", rule.size_pct_of_entry, low=">0", high=Decimal(1001))
    elif isinstance(rule, PartialTakeProfit):
        _pct(out, f"{p}.profit_pct", rule.profit_pct, low=">0", high=None)
        _pct(out, f"{p}.sell_pct", rule.sell_pct, low=">0", high=_HUNDRED)
    elif isinstance(rule, TimeExit):
        _whole(out, f"{p}.candles", rule.candles, 1, MAX_HOLD_CANDLES,
               low_code="time_exit.candles", high_code="time_exit.too_large")  # fmt: skip
    elif isinstance(rule, ExitTriggers):
        out.extend(_groups_problems(p, rule.condition, "exit-trigger rule"))
    else:
        out.append(StrategyProblem(p, "rule.unknown", f"unknown management rule {type(rule).__name__}"))
    return out


def strategy_problems(strategy: StrategyContent) -> list[StrategyProblem]:
    """Every invariant the strategy breaks (empty when valid)."""
    out: list[StrategyProblem] = []
    name = strategy.name.strip()
    if not name:
        out.append(StrategyProblem("name", "name.empty", "give the strategy a name"))
    elif len(name) > MAX_NAME_LENGTH:
        out.append(StrategyProblem("name", "name.too_long", f"use at most {MAX_NAME_LENGTH} characters"))
    if len(strategy.description) > MAX_DESCRIPTION_LENGTH:
        out.append(
            StrategyProblem(
                "description", "description.too_long", f"use at most {MAX_DESCRIPTION_LENGTH} characters"
            )
        )
    out.extend(_groups_problems("entry", strategy.entry, "entry"))

    rules = strategy.management
    if len(rules) > MAX_MANAGEMENT_RULES:
        out.append(
            StrategyProblem(
                "management",
                "management.too_many",
                f"at most {MAX_MANAGEMENT_RULES} management rules (got {len(rules)}); remove some",
            )
        )
    seen: dict[str, int] = {}
    for i, rule in enumerate(rules):
        if rule.type in seen:
            out.append(
                StrategyProblem(
                    f"management[{i}]",
                    "management.duplicate",
                    f"rule type {rule.type!r} is already used at position {seen[rule.type] + 1}; merge them",
                )
            )
        seen.setdefault(rule.type, i)
        out.extend(_rule_problems(i, rule))

    stp = next((r for r in rules if isinstance(r, StopTakeProfit)), None)
    part = next((r for r in rules if isinstance(r, PartialTakeProfit)), None)
    if stp and part and stp.take_profit_pct is not None and part.profit_pct >= stp.take_profit_pct:
        out.append(
            StrategyProblem(
                f"management[{rules.index(part)}].profit_pct",
                "partial_take_profit.above_take_profit",
                f"partial take-profit at +{part.profit_pct}% never fires before the take-profit at "
                f"+{stp.take_profit_pct}%; set it lower",
            )
        )

    sizing = strategy.sizing
    if not sizing.value.is_finite() or sizing.value <= 0:
        out.append(
            StrategyProblem("sizing.value", "sizing.not_positive", "the position size must be above 0")
        )
    elif sizing.mode is SizingMode.CASH_PERCENT and sizing.value > _HUNDRED:
        out.append(StrategyProblem("sizing.value", "sizing.over_100", "a share of cash cannot exceed 100%"))
    _whole(out, "cooldown_candles", strategy.cooldown_candles, 0, MAX_COOLDOWN_CANDLES,
           low_code="cooldown.negative", high_code="cooldown.too_large")  # fmt: skip
    return out


def strategy_warnings(strategy: StrategyContent) -> list[StrategyProblem]:
    """Allowed but probably unintended settings (shown, not refused)."""
    out: list[StrategyProblem] = []
    adds = [r for r in strategy.management if isinstance(r, PyramidBuying | ScaleIn)]
    if adds and strategy.sizing.mode is SizingMode.CASH_PERCENT and strategy.sizing.value >= _HUNDRED:
        out.append(
            StrategyProblem(
                "sizing.value",
                "sizing.no_cash_for_adds",
                "the entry spends all cash, so pyramid / scale-in adds will be refused; size the entry lower",
            )
        )
    return out
