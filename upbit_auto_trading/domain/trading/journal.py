"""The order journal's records: an order from the intent we commit before sending it to its final state.

An intent is written (and committed) before its request leaves; every later fact about the order (the
exchange's reply, each fill, a cancel) is appended with its source. The journal, not the exchange reply,
is what a restart starts from, so an order is never forgotten and never sent twice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import Enum

from upbit_auto_trading.domain.errors import DomainError
from upbit_auto_trading.domain.trading.order import OrderRequest, OrderSide, OrderState, OrderType

ZERO = Decimal(0)


class JournalState(Enum):
    """Where an order stands from our side. ``INTENT`` and ``SENT`` are the two states whose fate at the
    exchange is unknown; reconciliation resolves them by looking the order up by its identifier."""

    INTENT = "intent"  # committed, request not yet sent
    SENT = "sent"  # request left; no reply yet (or the reply was lost)
    OPEN = "open"  # the exchange holds it (wait / watch)
    DONE = "done"  # final: fully filled, or a market buy ended in cancel with fills
    CANCELLED = "cancelled"  # final: cancelled (possibly partly filled)
    REJECTED = "rejected"  # final: the exchange refused it; nothing was placed
    NOT_PLACED = "not_placed"  # final: never reached the exchange (looked up: not found)

    @property
    def is_final(self) -> bool:
        return self in _FINAL

    @property
    def fate_unknown(self) -> bool:
        return self in (JournalState.INTENT, JournalState.SENT)


_FINAL = frozenset(
    {JournalState.DONE, JournalState.CANCELLED, JournalState.REJECTED, JournalState.NOT_PLACED}
)


class FillSource(Enum):
    REST = "rest"  # the reply to the request, or a look-up
    WEBSOCKET = "websocket"  # private myOrder stream
    RECONCILIATION = "reconciliation"  # found at start-up
    WATCHDOG = "watchdog"  # the dead-man watchdog, after the engine stopped beating (it cancelled the order)


class JournalTransitionError(DomainError):
    """A journal entry was asked to move backwards (e.g. from done to open); the newer fact is kept."""


def state_from_exchange(state: OrderState, executed: Decimal) -> JournalState:
    """The journal state for an exchange state (a cancel with fills counts as done for a market buy:
    Upbit refunds the unspent KRW of a ``price`` order and reports ``cancel``)."""
    if state in (OrderState.WAIT, OrderState.WATCH):
        return JournalState.OPEN
    if state is OrderState.DONE:
        return JournalState.DONE
    return JournalState.DONE if executed > 0 else JournalState.CANCELLED


@dataclass(frozen=True)
class JournalOrder:
    """One order as the journal knows it. ``reason`` is the decision that caused it (``entry``,
    ``stop_loss``...); ``kind`` is entry | add | partial_exit | exit | emergency."""

    identifier: str
    session_id: str
    market: str
    side: OrderSide
    ord_type: OrderType
    price: Decimal | None
    volume: Decimal | None
    reason: str
    kind: str
    state: JournalState
    created_at: datetime
    updated_at: datetime
    decided_bar: str = ""  # ISO start of the candle whose close decided it ("" for intrabar/manual)
    uuid: str | None = None
    executed_volume: Decimal = ZERO
    paid_fee: Decimal = ZERO
    error: str = ""
    correlation_id: str = ""
    source: str = ""  # where the latest fact came from (FillSource value, or "intent")

    @property
    def is_final(self) -> bool:
        return self.state.is_final

    def request(self) -> OrderRequest:
        return OrderRequest(
            market=self.market,
            side=self.side,
            ord_type=self.ord_type,
            volume=self.volume,
            price=self.price,
            identifier=self.identifier,
        )

    def moved_to(self, state: JournalState, at: datetime, **changes: object) -> JournalOrder:
        """The entry in ``state``; refuses to leave a final state for another one (newer facts win only
        forward: a late 'open' reply after a 'done' fill is ignored by the caller)."""
        if self.state.is_final and state is not self.state:
            raise JournalTransitionError(
                f"order {self.identifier} is {self.state.value}; it cannot become {state.value}"
            )
        return replace(self, state=state, updated_at=at, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class OrderFill:
    """One execution of an order. ``trade_id`` is the exchange's trade uuid: the key that makes a fill
    reported twice (REST reply and WebSocket, or after a restart) count once."""

    trade_id: str
    identifier: str
    market: str
    side: OrderSide
    price: Decimal
    volume: Decimal
    fee: Decimal
    at: datetime
    source: FillSource

    @property
    def funds(self) -> Decimal:
        return self.price * self.volume
