"""Upbit KRW market tick sizes (호가 단위) and rounding prices onto them.

The table is Upbit's KRW-market policy in force since 2025-07-31 (docs.upbit.com, "원화(KRW) 마켓 주문 가격
단위"). A few markets have exceptions (USDT/KRW and USDC/KRW use 0.5 between 1,000 and 10,000); the
exchange publishes per-market tick sizes at ``GET /v1/orderbook/instruments``, which wins over this table
when known. An order price that is not a multiple of its tick is refused (``invalid_price_bid/ask``).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import Enum

from upbit_auto_trading.domain.errors import DomainError

# (lower bound inclusive, tick), highest band first.
KRW_TICK_TABLE: tuple[tuple[Decimal, Decimal], ...] = (
    (Decimal("1000000"), Decimal("1000")),
    (Decimal("500000"), Decimal("500")),
    (Decimal("100000"), Decimal("100")),
    (Decimal("50000"), Decimal("50")),
    (Decimal("10000"), Decimal("10")),
    (Decimal("5000"), Decimal("5")),
    (Decimal("100"), Decimal("1")),
    (Decimal("10"), Decimal("0.1")),
    (Decimal("1"), Decimal("0.01")),
    (Decimal("0.1"), Decimal("0.001")),
    (Decimal("0.01"), Decimal("0.0001")),
    (Decimal("0.001"), Decimal("0.00001")),
    (Decimal("0.0001"), Decimal("0.000001")),
    (Decimal("0.00001"), Decimal("0.0000001")),
)
_SMALLEST_TICK = Decimal("0.00000001")

KRW_MIN_ORDER_TOTAL = Decimal("5000")
"""Smallest order total (price x volume) Upbit accepts in the KRW market."""


class TickRounding(Enum):
    """How to bring a price onto the tick grid.

    DOWN suits a buy limit (never pay more than intended), UP a sell limit (never sell for less), NEAREST
    a neutral display value.
    """

    DOWN = "down"
    UP = "up"
    NEAREST = "nearest"


class InvalidPriceError(DomainError):
    """A price is not positive (or not a number); an order cannot carry it."""


def krw_tick_size(price: Decimal) -> Decimal:
    """The KRW-market tick for ``price`` (e.g. 1,000 at 150,000,000 KRW; 5 at 7,500 KRW)."""
    if not isinstance(price, Decimal) or not price.is_finite() or price <= 0:
        raise InvalidPriceError(f"price must be a positive Decimal, got {price!r}")
    for lower, tick in KRW_TICK_TABLE:
        if price >= lower:
            return tick
    return _SMALLEST_TICK


def round_to_tick(price: Decimal, mode: TickRounding | str = TickRounding.NEAREST) -> Decimal:
    """``price`` moved onto the KRW tick grid; the tick is chosen for the rounded price's band.

    Rounding can cross a band boundary (9,999.7 UP is 10,000 whose tick is 10): the result is always a
    valid price for its own band.
    """
    mode = TickRounding(mode)
    tick = krw_tick_size(price)
    rounding = {TickRounding.DOWN: ROUND_FLOOR, TickRounding.UP: ROUND_CEILING}.get(mode, ROUND_HALF_UP)
    rounded = (price / tick).to_integral_value(rounding=rounding) * tick
    if rounded <= 0:
        rounded = tick
    final_tick = krw_tick_size(rounded)
    if final_tick != tick and not is_on_tick(rounded):
        rounded = (rounded / final_tick).to_integral_value(rounding=rounding) * final_tick
    return rounded.quantize(final_tick if final_tick < 1 else Decimal(1))


def is_on_tick(price: Decimal) -> bool:
    """True when ``price`` is an exact multiple of its KRW tick (what Upbit accepts)."""
    tick = krw_tick_size(price)
    return price % tick == 0
