"""Order value objects: what an order asks for, under Upbit's rules (ord_type, side, tick, minimum total).

Naming follows Upbit: ``bid`` buys, ``ask`` sells; ``limit`` needs price and volume, ``price`` is a market
buy for a KRW total, ``market`` a market sell of a volume, ``best`` a best-price order with ioc/fok.
Every request carries a client ``identifier`` unique across all the account's orders: a retry after a
timeout looks the order up by identifier instead of placing it twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from upbit_auto_trading.domain.errors import DomainError
from upbit_auto_trading.domain.market.tick_size import KRW_MIN_ORDER_TOTAL, is_on_tick


class OrderSide(Enum):
    BID = "bid"  # buy
    ASK = "ask"  # sell


class OrderType(Enum):
    LIMIT = "limit"  # price and volume
    PRICE = "price"  # market buy: price is the KRW total to spend
    MARKET = "market"  # market sell: volume to sell
    BEST = "best"  # best-price order; needs time_in_force ioc or fok


class TimeInForce(Enum):
    IOC = "ioc"
    FOK = "fok"
    POST_ONLY = "post_only"


class OrderState(Enum):
    WAIT = "wait"  # resting on the book
    WATCH = "watch"  # reserved (stop) order waiting for its trigger
    DONE = "done"  # fully filled
    CANCEL = "cancel"  # cancelled (possibly partly filled)

    @property
    def is_final(self) -> bool:
        return self in (OrderState.DONE, OrderState.CANCEL)


class InvalidOrderError(DomainError):
    """The order breaks a rule (missing price/volume, off-tick price, total under 5,000 KRW...); fix it."""


def new_identifier(prefix: str = "uat") -> str:
    """A fresh client order identifier (unique; Upbit refuses a reused one even after a failed request)."""
    return f"{prefix}-{uuid.uuid4().hex}"


@dataclass(frozen=True)
class OrderRequest:
    """An order to place. Validated on construction; ``identifier`` defaults to a fresh unique value."""

    market: str
    side: OrderSide
    ord_type: OrderType
    volume: Decimal | None = None
    price: Decimal | None = None
    time_in_force: TimeInForce | None = None
    identifier: str = field(default_factory=new_identifier)

    def __post_init__(self) -> None:
        if "-" not in self.market:
            raise InvalidOrderError(f"market must look like KRW-BTC, got {self.market!r}")
        for name in ("volume", "price"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, Decimal) or not value.is_finite() or value <= 0):
                raise InvalidOrderError(f"{name} must be a positive Decimal, got {value!r}")
        kind = self.ord_type
        if kind is OrderType.LIMIT and (self.price is None or self.volume is None):
            raise InvalidOrderError("a limit order needs both price and volume")
        if kind is OrderType.PRICE and (self.side is not OrderSide.BID or self.price is None or self.volume):
            raise InvalidOrderError(
                "a market buy (ord_type=price) is a bid with a KRW total in price and no volume"
            )
        if kind is OrderType.MARKET and (self.side is not OrderSide.ASK or self.volume is None or self.price):
            raise InvalidOrderError("a market sell (ord_type=market) is an ask with a volume and no price")
        if kind is OrderType.BEST and self.time_in_force not in (TimeInForce.IOC, TimeInForce.FOK):
            raise InvalidOrderError("a best-price order needs time_in_force ioc or fok")
        if self.time_in_force is TimeInForce.POST_ONLY and kind is not OrderType.LIMIT:
            raise InvalidOrderError("post_only applies to limit orders only")
        if not self.identifier:
            raise InvalidOrderError("an order needs a client identifier")

    @property
    def quote_currency(self) -> str:
        return self.market.split("-", 1)[0]

    @property
    def total(self) -> Decimal | None:
        """The order's value in the quote currency when known up front (limit: price x volume)."""
        if self.ord_type is OrderType.LIMIT and self.price is not None and self.volume is not None:
            return self.price * self.volume
        if self.ord_type is OrderType.PRICE:
            return self.price
        return None

    def krw_rule_problem(self) -> str | None:
        """The first KRW-market rule this order breaks (off-tick price, under minimum total), or None."""
        if self.quote_currency != "KRW":
            return None
        if self.ord_type is OrderType.LIMIT and self.price is not None and not is_on_tick(self.price):
            return f"price {self.price} is not on the KRW tick grid"
        total = self.total
        if total is not None and total < KRW_MIN_ORDER_TOTAL:
            return f"order total {total} KRW is under the {KRW_MIN_ORDER_TOTAL} KRW minimum"
        return None

    def as_params(self) -> dict[str, str]:
        """Upbit request body fields, in a stable order (the query hash is computed over them)."""
        params: dict[str, str] = {"market": self.market, "side": self.side.value}
        if self.volume is not None:
            params["volume"] = _plain(self.volume)
        if self.price is not None:
            params["price"] = _plain(self.price)
        params["ord_type"] = self.ord_type.value
        if self.time_in_force is not None:
            params["time_in_force"] = self.time_in_force.value
        params["identifier"] = self.identifier
        return params


def _plain(value: Decimal) -> str:
    """Decimal as plain text without exponent (``1E+3`` -> ``1000``)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"
