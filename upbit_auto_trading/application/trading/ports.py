"""Ports of the trading engine. Paper, replay and live differ only in which adapters fill these.

- ``ExchangePort``: Upbit's order API (live: api.upbit.com; paper and replay: the loopback server, whose
  orders and balances are kept on disk in the profile). Both speak the same HTTP protocol.
- ``MarketFeed``: closed candles (and prices between them) per market, in order, gaps backfilled.
- ``OrderJournal``, ``SessionStore``, ``ReviewList``: the profile's database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.trading.journal import JournalOrder, OrderFill
from upbit_auto_trading.domain.trading.order import OrderRequest, OrderSide, OrderState, OrderType
from upbit_auto_trading.domain.trading.refusal import OrderRefusal
from upbit_auto_trading.domain.trading.review import ReviewItem
from upbit_auto_trading.domain.trading.session import TradingSession

# --- exchange ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExchangeTrade:
    trade_id: str  # the exchange's trade uuid
    price: Decimal
    volume: Decimal
    funds: Decimal
    at: datetime | None = None


@dataclass(frozen=True)
class ExchangeOrder:
    """An order as the exchange reports it (REST reply, look-up or WebSocket myOrder)."""

    uuid: str
    identifier: str | None
    market: str
    side: OrderSide
    ord_type: OrderType
    state: OrderState
    price: Decimal | None
    volume: Decimal | None
    executed_volume: Decimal
    paid_fee: Decimal
    created_at: datetime | None = None
    trades: tuple[ExchangeTrade, ...] = ()


@dataclass(frozen=True)
class ExchangeBalance:
    currency: str
    balance: Decimal  # available
    locked: Decimal
    avg_buy_price: Decimal = Decimal(0)

    @property
    def total(self) -> Decimal:
        return self.balance + self.locked


@dataclass(frozen=True)
class MarketRules:
    """From ``/v1/orders/chance``: the fees and minimum totals of one market."""

    market: str
    bid_fee: Decimal
    ask_fee: Decimal
    min_total: Decimal = Decimal(5000)


class ExchangeError(ApplicationError):
    """The exchange could not be asked (network, rate limit, 5xx). Retry later; never re-place an order
    on this error without looking it up by identifier first."""


class OrderRejected(ExchangeError):
    """The exchange refused the order and placed nothing (``name`` is Upbit's error name: e.g.
    ``insufficient_funds_bid``, ``under_min_total_bid``, ``market_offline``). Safe to decide again."""

    def __init__(self, message: str, name: str = "") -> None:
        super().__init__(message)
        self.name = name


class MarketOffline(OrderRejected):
    """The market cannot be traded now (maintenance, ``market_offline``): pause it, do not crash."""


class OrderFateUnknown(ExchangeError):
    """The request may or may not have reached the exchange and the look-up could not tell yet.
    Keep the journal entry in ``sent``; reconciliation will look it up again. Never resend it."""


class ExchangePort(Protocol):
    async def place(self, request: OrderRequest) -> ExchangeOrder:
        """Place once. A lost reply is looked up by identifier inside; raises OrderRejected (nothing
        placed), OrderFateUnknown (still unknown) or ExchangeError (not sent: nothing placed)."""
        ...

    async def lookup(self, identifier: str) -> ExchangeOrder | None:
        """The order with this client identifier, with its trades; None when the exchange has none."""
        ...

    async def cancel(self, identifier: str) -> ExchangeOrder: ...

    async def open_orders(self) -> list[ExchangeOrder]: ...

    async def closed_orders(self, since: datetime | None = None) -> list[ExchangeOrder]: ...

    async def balances(self) -> dict[str, ExchangeBalance]: ...

    async def rules(self, market: str) -> MarketRules: ...

    async def check(self, request: OrderRequest) -> None:
        """``/v1/orders/test``: raises OrderRejected when the order would be refused."""
        ...

    async def warned_markets(self) -> frozenset[str]:
        """Markets under ``market_event.warning`` (no new entries there)."""
        ...

    def order_updates(self) -> AsyncIterator[ExchangeOrder]:
        """The private myOrder stream (reconnecting); every change of every order of the account."""
        ...

    async def aclose(self) -> None: ...


# --- market data --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClosedCandle:
    """A candle known to be closed (a later candle started), backfilled if it came after a gap.
    ``backfilled`` True: it came from REST after a reconnect or a gap, not from the live stream."""

    candle: Candle
    backfilled: bool = False


@dataclass(frozen=True)
class PriceTick:
    market: str
    price: Decimal
    at: datetime


@dataclass(frozen=True)
class FeedEvent:
    """Exactly one of ``closed`` or ``tick`` is set; ``end`` marks the end of a replay."""

    closed: ClosedCandle | None = None
    tick: PriceTick | None = None
    end: bool = False


class MarketFeed(Protocol):
    def events(self) -> AsyncIterator[FeedEvent]:
        """Closed candles of every market in time order (per market), prices in between."""
        ...

    async def aclose(self) -> None: ...


# --- storage ------------------------------------------------------------------------------------------------


class OrderJournal(Protocol):
    """Every method is one committed transaction."""

    def record_intent(self, order: JournalOrder) -> None:
        """Commit the intent before its request leaves. Raises if the identifier exists."""
        ...

    def update(self, order: JournalOrder) -> None:
        """Store a newer state of an entry (same identifier)."""
        ...

    def add_fill(self, fill: OrderFill) -> bool:
        """Append a fill keyed by trade id; False (nothing written) when that trade is already there."""
        ...

    def get(self, identifier: str) -> JournalOrder | None: ...

    def orders(
        self, session_id: str | None = None, *, unfinished_only: bool = False, market: str | None = None
    ) -> list[JournalOrder]:
        """Entries in creation order."""
        ...

    def fills(self, session_id: str | None = None, *, identifier: str | None = None) -> list[OrderFill]:
        """Fills in time order (joined through the orders of the session)."""
        ...

    def record_refusal(self, refusal: OrderRefusal) -> None:
        """Note a decision that was not turned into an order (nothing was sent); for the drift report."""
        ...

    def refusals(self, session_id: str, *, market: str | None = None) -> list[OrderRefusal]:
        """The session's refusals in time order."""
        ...


class SessionStore(Protocol):
    def add(self, session: TradingSession) -> None: ...

    def save(self, session: TradingSession) -> None: ...

    def get(self, session_id: str) -> TradingSession | None: ...

    def all(self, *, running_only: bool = False) -> list[TradingSession]: ...


class ReviewList(Protocol):
    def add(self, item: ReviewItem) -> ReviewItem:
        """Store an open item (an identical open item is not added twice); returns it with its id."""
        ...

    def items(self, *, open_only: bool = True) -> list[ReviewItem]: ...

    def resolve(self, item_id: int, resolution: str, at: datetime) -> ReviewItem: ...

    def blocked_markets(self) -> frozenset[str]: ...
