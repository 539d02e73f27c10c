"""The CLI's quick form: a strategy document from a few options (several entries are AND-ed)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.domain.strategy import SCHEMA_VERSION


def _pct(text: str, option: str) -> str:
    try:
        value = Decimal(str(text).strip().rstrip("%"))
    except InvalidOperation:
        raise ApplicationError(f"{option} needs a percentage such as 3 or 2.5 (got {text!r})") from None
    return format(value, "f")


def quick_strategy_document(
    name: str,
    entries: Sequence[str],
    exits: Sequence[str] = (),
    *,
    stop_loss: str | None = None,
    take_profit: str | None = None,
    trailing_stop: str | None = None,
    size_pct: str | None = None,
    description: str = "",
) -> dict[str, Any]:
    """``entries`` form one AND-group; ``exits`` are OR-ed single-trigger groups; ``trailing_stop`` is
    ``"ACTIVATE:TRAIL"`` in percent. The result is validated when it is turned into a Strategy."""
    if not entries:
        raise ApplicationError("A strategy needs at least one --entry trigger")
    management: list[dict[str, Any]] = []
    if exits:
        management.append({"type": "exit_triggers", "groups": [{"triggers": [{"name": e}]} for e in exits]})
    if trailing_stop:
        parts = trailing_stop.split(":")
        if len(parts) != 2:
            raise ApplicationError(
                f"--trailing-stop takes ACTIVATE_PCT:TRAIL_PCT, e.g. 5:3 (got {trailing_stop!r})"
            )
        management.append(
            {
                "type": "trailing_stop",
                "activate_pct": _pct(parts[0], "--trailing-stop"),
                "trail_pct": _pct(parts[1], "--trailing-stop"),
            }
        )
    if stop_loss is not None or take_profit is not None:
        management.append(
            {
                "type": "stop_take_profit",
                "stop_loss_pct": None if stop_loss is None else _pct(stop_loss, "--stop-loss"),
                "take_profit_pct": None if take_profit is None else _pct(take_profit, "--take-profit"),
            }
        )
    return {
        "schema_version": SCHEMA_VERSION,
        "name": name,
        "description": description,
        "entry": {"groups": [{"triggers": [{"name": e} for e in entries]}]},
        "management": management,
        "sizing": {"mode": "cash_percent", "value": _pct(size_pct, "--size-pct") if size_pct else "100"},
        "cooldown_candles": 0,
        "same_candle_policy": "conservative",
    }
