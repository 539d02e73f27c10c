"""What a run's numbers do not say on their own: orders the exchange's rules refused.

A run whose every order was refused (capital under Upbit's 5,000 KRW minimum order, a size that rounds to
nothing) ends with 0 trades, which reads as "the strategy never fired". The kernel counts refused orders
(``BacktestResult.refused_orders``); this module says why, from the run's settings and sizing, so the
screen, the CLI's text and its JSON can say it prominently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from upbit_auto_trading.domain.backtest.settings import BacktestSettings

ORDERS_REFUSED = "orders_refused"

# Why orders were refused (``RunWarning.reason``).
CAPITAL_BELOW_MINIMUM = "capital_below_minimum"
"""The starting capital is below the minimum order total: no order can ever be placed."""
SIZE_BELOW_MINIMUM = "size_below_minimum"
"""The entry's order total (a fixed amount, or the share of the starting capital) is below the minimum."""
BELOW_MINIMUM_OR_NOTHING = "below_minimum_or_rounds_to_nothing"
"""Some orders (adds, partial sells, entries after losses) fell below the minimum or rounded to nothing."""
ROUNDS_TO_NOTHING = "rounds_to_nothing"
"""No minimum order: the quantities rounded down to nothing at the quantity step."""


@dataclass(frozen=True)
class RunWarning:
    """``count`` orders refused for ``reason``; ``message`` is the English sentence (count and reason),
    ``detail`` the numbers in it (for texts in other languages)."""

    code: str
    count: int
    reason: str
    message: str
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "count": self.count, "reason": self.reason, "message": self.message,
                **self.detail}  # fmt: skip


def _amount(value: Decimal) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value.normalize():,f}"


def _orders(count: int) -> str:
    return f"{count:,} order{'s' if count != 1 else ''} refused"


def refused_order_warnings(
    refused: int,
    settings: BacktestSettings,
    *,
    sizing_mode: str | None = None,
    sizing_value: Decimal | None = None,
    quote: str = "KRW",
) -> list[RunWarning]:
    """The warnings of a run with ``refused`` refused orders (none when 0). ``sizing_mode``/``sizing_value``
    are the strategy's position sizing ("fixed_amount" | "cash_percent"), ``quote`` the market's currency."""
    if refused <= 0:
        return []
    capital = settings.initial_capital
    minimum = settings.min_order_total
    detail: dict[str, Any] = {"capital": str(capital), "currency": quote,
                              "minimum_order": None if minimum is None else str(minimum)}  # fmt: skip
    if minimum is not None and minimum > 0:
        least = f"the exchange's minimum order of {_amount(minimum)} {quote}"
        entry: Decimal | None = None
        if sizing_mode == "fixed_amount" and sizing_value is not None:
            entry = min(sizing_value, capital)
        elif sizing_mode == "cash_percent" and sizing_value is not None:
            entry = capital * sizing_value / 100
        if capital < minimum:
            reason = CAPITAL_BELOW_MINIMUM
            why = f"the starting capital ({_amount(capital)} {quote}) is below {least}"
        elif entry is not None and entry < minimum:
            reason = SIZE_BELOW_MINIMUM
            detail["order_size"] = str(entry.quantize(Decimal(1)) if entry >= 100 else entry)
            why = f"the entry's order total ({_amount(entry)} {quote}) is below {least}"
        else:
            reason = BELOW_MINIMUM_OR_NOTHING
            why = f"their totals were below {least} or their quantities rounded to nothing"
    else:
        reason = ROUNDS_TO_NOTHING
        step = settings.quantity_step
        detail["quantity_step"] = None if step is None else format(step, "f")
        why = "their quantities rounded to nothing" + (f" at the quantity step {step:f}" if step else "")
    return [RunWarning(ORDERS_REFUSED, refused, reason, f"{_orders(refused)}: {why}", detail)]
