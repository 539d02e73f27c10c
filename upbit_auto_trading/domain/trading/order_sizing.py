"""Sizing the engine's orders under Upbit's KRW-market rules: whole-KRW market buys with room for the fee,
volumes floored to 8 decimals, the 5,000 KRW minimum on sells, and limit prices on the tick grid.

Upbit states volumes to 8 decimals (its FAQ: a market buy's volume is cut below the 8th decimal), so every
volume here is floored, never rounded: rounding up could ask for more than is held. The docs do not say a
market buy's KRW total (``ord_type=price``) may carry decimals, so totals are floored to whole KRW.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal
from enum import Enum

from upbit_auto_trading.domain.market.tick_size import KRW_MIN_ORDER_TOTAL, TickRounding, round_to_tick
from upbit_auto_trading.domain.trading.order import InvalidOrderError, OrderSide

VOLUME_STEP = Decimal("0.00000001")
"""Smallest volume Upbit accepts (8 decimals)."""

KRW_STEP = Decimal(1)


def floor_volume(volume: Decimal) -> Decimal:
    """``volume`` cut to 8 decimals (never up: a rounded-up sell could exceed the balance)."""
    return volume.quantize(VOLUME_STEP, rounding=ROUND_FLOOR)


def floor_krw(amount: Decimal) -> Decimal:
    """``amount`` cut to whole KRW."""
    return amount.quantize(KRW_STEP, rounding=ROUND_FLOOR)


def market_buy_total(
    wanted_krw: Decimal,
    available_krw: Decimal,
    fee_rate: Decimal,
    min_total: Decimal = KRW_MIN_ORDER_TOTAL,
) -> Decimal | None:
    """The whole-KRW total for a market buy (``ord_type=price``); None when under ``min_total``.

    Upbit locks total + fee from the KRW balance (the fee in fractional KRW), so a buy of the whole balance
    must leave room for the fee: the total is ``min(wanted, available / (1 + fee))`` floored to 1 KRW, which
    keeps ``total * (1 + fee) <= available``.
    """
    _check_amount("wanted_krw", wanted_krw)
    _check_amount("available_krw", available_krw)
    _check_amount("fee_rate", fee_rate)
    if fee_rate >= 1:
        raise InvalidOrderError(f"fee_rate is a fraction (0.0005 = 0.05%), got {fee_rate}")
    total = floor_krw(min(wanted_krw, available_krw / (1 + fee_rate)))
    # Decimal division rounds at 28 digits and may land a hair above an integer: re-check exactly.
    while total > 0 and total * (1 + fee_rate) > available_krw:
        total -= KRW_STEP
    if total <= 0 or total < min_total:
        return None
    return total


def sell_volume(wanted: Decimal, held: Decimal) -> Decimal | None:
    """The volume to sell: ``wanted`` capped by ``held``, floored to 8 decimals; None when that is zero."""
    _check_amount("wanted", wanted)
    _check_amount("held", held)
    volume = floor_volume(min(wanted, held))
    return volume if volume > 0 else None


def partial_sell_volume(held: Decimal, percent: Decimal) -> Decimal | None:
    """``percent`` (0 < percent <= 100) of ``held``, floored to 8 decimals; None when that is zero."""
    _check_amount("held", held)
    if not isinstance(percent, Decimal) or not percent.is_finite() or not 0 < percent <= 100:
        raise InvalidOrderError(f"a partial sell takes a percent above 0 and at most 100, got {percent!r}")
    volume = floor_volume(held * percent / 100)
    return volume if volume > 0 else None


class SellCheck(Enum):
    """Whether Upbit will take a sell, and what the caller should do when it will not.

    ``OK``: send it. ``UNDER_MINIMUM``: a partial sell under the minimum total; skip it (or sell the whole
    position). ``LEAVES_DUST``: a partial sell that would leave a remainder worth less than the minimum,
    which could then never be sold; sell the whole position instead. ``STRANDED``: a full exit under the
    minimum; Upbit refuses it, so retrying loops forever: hand the position to manual review.
    """

    OK = "ok"
    UNDER_MINIMUM = "under_minimum"
    LEAVES_DUST = "leaves_dust"
    STRANDED = "stranded"

    @property
    def allowed(self) -> bool:
        return self is SellCheck.OK


def check_sell(
    volume: Decimal,
    price: Decimal,
    *,
    full_exit: bool,
    min_total: Decimal = KRW_MIN_ORDER_TOTAL,
    held: Decimal | None = None,
) -> SellCheck:
    """Judge a sell of ``volume`` at (about) ``price`` against Upbit's minimum order total.

    The engine always *wants* a full exit to go through, but Upbit refuses any sell worth under
    ``min_total``; STRANDED tells the caller to stop retrying. ``held``, when given, lets a partial sell be
    checked for the remainder it leaves behind.
    """
    _check_amount("volume", volume)
    _check_amount("price", price)
    total = volume * price
    if total < min_total:
        return SellCheck.STRANDED if full_exit else SellCheck.UNDER_MINIMUM
    if not full_exit and held is not None:
        rest = held - volume
        if 0 < rest * price < min_total:
            return SellCheck.LEAVES_DUST
    return SellCheck.OK


def is_sell_allowed(
    volume: Decimal, price: Decimal, min_total: Decimal = KRW_MIN_ORDER_TOTAL, full_exit: bool = False
) -> bool:
    """True when Upbit will take the sell; use :func:`check_sell` to learn what to do otherwise."""
    return check_sell(volume, price, full_exit=full_exit, min_total=min_total).allowed


def limit_price(price: Decimal, side: OrderSide, *, passive: bool = False) -> Decimal:
    """``price`` on the KRW tick grid for a limit order on ``side``.

    By default bids round up and asks round down: the engine prices its limit orders at the signal's price
    to get filled, and rounding toward the other side of the book keeps them marketable. ``passive=True``
    rounds the other way (bids down, asks up) for orders that must never pay more / sell for less.
    """
    bid_up = side is OrderSide.BID
    if passive:
        bid_up = not bid_up
    return round_to_tick(price, TickRounding.UP if bid_up else TickRounding.DOWN)


def _check_amount(name: str, value: Decimal) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise InvalidOrderError(f"{name} must be a Decimal of zero or more, got {value!r}")
