"""Orders, fills and balances of the loopback exchange, and their Upbit JSON shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from upbit_auto_trading.infrastructure.upbit_sim.market import kst_text

ZERO = Decimal(0)
VOLUME_STEP = Decimal("0.00000001")


class SimRejection(Exception):
    def __init__(self, status: int, name: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.name = name
        self.message = message


@dataclass
class Balance:
    balance: Decimal = ZERO  # available
    locked: Decimal = ZERO
    avg_buy_price: Decimal = ZERO


@dataclass
class SimTrade:
    """One fill. ``uuid`` is the exchange's trade id: clients key fills by it, so it never changes."""

    uuid: str
    price: Decimal
    volume: Decimal
    funds: Decimal
    fee: Decimal
    created_at: datetime
    trend: str  # "up" | "down": the direction of the tick this trade printed
    maker: bool

    def to_json(self, market: str, side: str) -> dict[str, Any]:
        return {
            "market": market,
            "uuid": self.uuid,
            "price": self.price,
            "volume": self.volume,
            "funds": self.funds,
            "side": side,
            "created_at": kst_text(self.created_at) + "+09:00",
            "trend": self.trend,
        }


@dataclass
class SimOrder:
    uuid: str
    access_key: str
    market: str
    side: str
    ord_type: str
    price: Decimal | None
    volume: Decimal | None
    identifier: str | None
    created_at: datetime
    time_in_force: str | None = None
    state: str = "wait"
    remaining: Decimal = ZERO
    executed: Decimal = ZERO
    paid_fee: Decimal = ZERO
    locked: Decimal = ZERO
    trades: list[SimTrade] = field(default_factory=list)
    seq: int = 0  # placement order: breaks ties between orders of the same replay instant
    external: bool = False  # placed "by someone else" (a test control), not through POST /v1/orders

    @property
    def executed_funds(self) -> Decimal:
        return sum((t.funds for t in self.trades), ZERO)

    @property
    def avg_price(self) -> Decimal | None:
        return self.executed_funds / self.executed if self.executed else None

    def to_json(self) -> dict[str, Any]:
        """The order as ``POST /v1/orders`` and the order lists show it (no trades)."""
        return {
            "uuid": self.uuid,
            "side": self.side,
            "ord_type": self.ord_type,
            "price": self.price,
            "state": self.state,
            "market": self.market,
            "created_at": kst_text(self.created_at) + "+09:00",
            "volume": self.volume,
            "remaining_volume": self.remaining if self.volume is not None else None,
            "reserved_fee": ZERO,
            "remaining_fee": ZERO,
            "paid_fee": self.paid_fee,
            "locked": self.locked,
            "executed_volume": self.executed,
            "executed_funds": self.executed_funds,
            "trades_count": len(self.trades),
            "identifier": self.identifier,
            "time_in_force": self.time_in_force,
        }

    def to_json_with_trades(self) -> dict[str, Any]:
        """The order as ``GET /v1/order`` shows it: with every fill."""
        doc = self.to_json()
        doc["trades"] = [t.to_json(self.market, self.side) for t in self.trades]
        return doc
