"""A position as the journal's fills make it: quantity, average buy price (Upbit's way), realised P&L."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from upbit_auto_trading.domain.trading.journal import OrderFill
from upbit_auto_trading.domain.trading.order import OrderSide

ZERO = Decimal(0)


@dataclass(frozen=True)
class Position:
    market: str
    quantity: Decimal = ZERO
    average_price: Decimal = ZERO  # quantity-weighted buy price, fees excluded (as Upbit shows it)
    invested: Decimal = ZERO  # KRW paid for the quantity held, fees included
    realized: Decimal = ZERO  # closed P&L in KRW, fees included
    fees: Decimal = ZERO
    spent: Decimal = ZERO  # KRW out (buys + their fees) minus KRW in (sells - their fees), over the session

    @property
    def is_open(self) -> bool:
        return self.quantity > 0

    def unrealized(self, price: Decimal) -> Decimal:
        return self.quantity * price - self.invested if self.quantity > 0 else ZERO

    def apply(self, fill: OrderFill) -> Position:
        funds = fill.price * fill.volume
        if fill.side is OrderSide.BID:
            qty = self.quantity + fill.volume
            avg = (self.average_price * self.quantity + funds) / qty if qty else ZERO
            return Position(
                self.market, qty, avg, self.invested + funds + fill.fee, self.realized, self.fees + fill.fee,
                self.spent + funds + fill.fee,
            )  # fmt: skip
        sold = min(fill.volume, self.quantity)
        share = sold / self.quantity if self.quantity else ZERO
        cost = self.invested * share
        qty = self.quantity - sold
        proceeds = funds - fill.fee
        return Position(
            self.market,
            qty,
            self.average_price if qty > 0 else ZERO,
            self.invested - cost if qty > 0 else ZERO,
            self.realized + proceeds - cost,
            self.fees + fill.fee,
            self.spent - proceeds,
        )


def position_from(market: str, fills: Iterable[OrderFill]) -> Position:
    pos = Position(market)
    for fill in sorted((f for f in fills if f.market == market), key=lambda f: (f.at, f.trade_id)):
        pos = pos.apply(fill)
    return pos
