"""Run settings: capital, costs and the exchange's order rules."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from upbit_auto_trading.domain.backtest.errors import BacktestInputError
from upbit_auto_trading.domain.market.tick_size import KRW_MIN_ORDER_TOTAL

UPBIT_KRW_FEE = Decimal("0.0005")
"""Upbit's KRW-market fee per side (0.05 %)."""

MAX_INITIAL_CAPITAL = Decimal(10**15)
"""The largest starting capital (10^15, a thousand trillion KRW). The engine computes in float64 and turns
results back into 8-decimal Decimals: from about 10^19 its order sizes overflowed (silently no trades) and
10^20 ended in InvalidOperation; 10^15 still keeps cents exact in a float."""
CAPITAL_RANGE = f"above 0 and at most {MAX_INITIAL_CAPITAL:,}"
"""The allowed starting capital as the front ends word it ("--capital takes an amount {CAPITAL_RANGE}")."""


class IntrabarOrder(StrEnum):
    """Which level fills first when a stop level and a profit level (take-profit or partial take-profit) are
    both inside one candle's high-low range: a candle does not say whether its high or its low came first."""

    STOP_FIRST = "stop_first"
    """The conservative reading (the default, and every stored run's)."""
    TAKE_PROFIT_FIRST = "take_profit_first"
    """The optimistic reading: the profit levels fill, then the stop takes what is left."""


def capital_in_range(value: Decimal) -> bool:
    """True for a finite starting capital within ``CAPITAL_RANGE`` (NaN and Infinity are not)."""
    return value.is_finite() and Decimal(0) < value <= MAX_INITIAL_CAPITAL


@dataclass(frozen=True)
class BacktestSettings:
    """``fee_rate`` and ``slippage_rate`` are fractions per fill (0.0005 = 0.05 %).

    ``tick_rounding`` rounds fill prices onto Upbit's KRW tick table; ``min_order_total`` refuses orders whose
    total is below it (None = off); ``quantity_step`` floors order quantities (None = any quantity). Turn the
    first two off for non-KRW data (``for_non_krw``). ``intrabar_order`` decides a candle that holds both a
    stop and a profit level (docs/backtest-model.md, rule 4); the fill-sensitivity analysis varies it.
    """

    initial_capital: Decimal = Decimal("10000000")
    fee_rate: Decimal = UPBIT_KRW_FEE
    slippage_rate: Decimal = Decimal("0")
    tick_rounding: bool = True
    min_order_total: Decimal | None = KRW_MIN_ORDER_TOTAL
    quantity_step: Decimal | None = Decimal("0.00000001")
    intrabar_order: IntrabarOrder = IntrabarOrder.STOP_FIRST

    def __post_init__(self) -> None:
        problems: list[str] = []
        if not capital_in_range(self.initial_capital):
            problems.append(f"the starting capital must be {CAPITAL_RANGE} (got {self.initial_capital})")
        if not self.fee_rate.is_finite() or not Decimal(0) <= self.fee_rate < Decimal("0.1"):
            problems.append(
                "the fee must be at least 0 % and below 10 % per fill (Upbit's KRW fee is 0.05 %)"
            )
        if not self.slippage_rate.is_finite() or not Decimal(0) <= self.slippage_rate < Decimal("0.1"):
            problems.append("the slippage must be at least 0 % and below 10 % per fill")
        if self.min_order_total is not None and self.min_order_total < 0:
            problems.append("the minimum order total cannot be negative")
        if self.quantity_step is not None and self.quantity_step <= 0:
            problems.append("the quantity step must be above 0 (or None)")
        if not isinstance(self.intrabar_order, IntrabarOrder):
            problems.append(f"the intrabar order must be one of {', '.join(IntrabarOrder)}")
        if problems:
            raise BacktestInputError("Invalid backtest settings: " + "; ".join(problems))

    @classmethod
    def for_non_krw(cls, **kwargs: Any) -> BacktestSettings:
        """Settings without the KRW tick table and minimum order (e.g. the Bitstamp USD candles)."""
        kwargs.setdefault("tick_rounding", False)
        kwargs.setdefault("min_order_total", None)
        return cls(**kwargs)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "initial_capital": str(self.initial_capital),
            "fee_rate": str(self.fee_rate),
            "slippage_rate": str(self.slippage_rate),
            "tick_rounding": self.tick_rounding,
            "min_order_total": None if self.min_order_total is None else str(self.min_order_total),
            "quantity_step": None if self.quantity_step is None else str(self.quantity_step),
        }
        if self.intrabar_order is not IntrabarOrder.STOP_FIRST:  # stored runs' documents stay as they were
            data["intrabar_order"] = self.intrabar_order.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BacktestSettings:
        def dec(key: str, default: Decimal | None) -> Decimal | None:
            if key not in data:
                return default
            if data[key] is None:
                return None
            try:
                return Decimal(str(data[key]))
            except InvalidOperation:
                raise BacktestInputError(
                    f"Backtest setting {key!r} must be a number, got {data[key]!r}"
                ) from None

        base = cls()
        return cls(
            initial_capital=dec("initial_capital", base.initial_capital) or base.initial_capital,
            fee_rate=dec("fee_rate", base.fee_rate) or Decimal(0),
            slippage_rate=dec("slippage_rate", base.slippage_rate) or Decimal(0),
            tick_rounding=bool(data.get("tick_rounding", base.tick_rounding)),
            min_order_total=dec("min_order_total", base.min_order_total),
            quantity_step=dec("quantity_step", base.quantity_step),
            intrabar_order=_intrabar_order(data.get("intrabar_order", base.intrabar_order)),
        )


def _intrabar_order(value: object) -> IntrabarOrder:
    try:
        return IntrabarOrder(str(value))
    except ValueError:
        raise BacktestInputError(
            f"Backtest setting 'intrabar_order' must be one of {', '.join(IntrabarOrder)}, got {value!r}"
        ) from None
