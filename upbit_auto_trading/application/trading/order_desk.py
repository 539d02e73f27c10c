"""Orders under the journal's rule: the intent is committed before the request leaves, every later fact
is appended with its source, a lost reply is looked up by identifier and never resent.

The desk also knows which (session, market) pairs hold a trade, and announces ``TradingStarted`` when the
first intent of a flat market is journaled and ``TradingCompleted`` when the market is flat again with no
order open, so the config-change gate holds profile switches and restores exactly while money is at stake.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from upbit_auto_trading.application.event_bus.priority import EventPriority
from upbit_auto_trading.application.trading.ports import (
    ExchangeError,
    ExchangeOrder,
    ExchangePort,
    OrderFateUnknown,
    OrderJournal,
    OrderRejected,
)
from upbit_auto_trading.application.trading.publisher import Publish, bus_publisher
from upbit_auto_trading.domain.trading.events import (
    OrderFateUnknownEvent,
    OrderFilled,
    OrderFinished,
    OrderIntentRecorded,
    OrderPlaced,
    TradingCompleted,
    TradingStarted,
)
from upbit_auto_trading.domain.trading.journal import (
    FillSource,
    JournalOrder,
    JournalState,
    OrderFill,
    state_from_exchange,
)
from upbit_auto_trading.domain.trading.order import OrderRequest
from upbit_auto_trading.domain.trading.position import Position, position_from

log = logging.getLogger(__name__)
ZERO = Decimal(0)
DEFAULT_FEE = Decimal("0.0005")


def utc_now() -> datetime:
    return datetime.now(UTC)


class OrderDesk:
    def __init__(
        self,
        journal: OrderJournal,
        exchange: ExchangePort,
        *,
        publish: Publish | None = None,
        clock: Callable[[], datetime] = utc_now,
        fee_rate: Decimal = DEFAULT_FEE,
        strategy_of: Callable[[str], str] | None = None,
    ) -> None:
        self.journal = journal
        self.exchange = exchange
        self._publish = publish or bus_publisher(None)
        self._clock = clock
        self.fee_rate = fee_rate
        self._strategy_of = strategy_of or (lambda session_id: session_id)
        self._live: set[tuple[str, str]] = set()
        self._by_uuid: dict[str, str] = {}
        # positions per (session, market), built from the journal once and then kept by the fills this desk
        # adds: the engine is the journal's only writer (one engine process per profile, by its lock)
        self._positions: dict[tuple[str, str], Position] = {}

    # --- the gate's view ----------------------------------------------------------------------------------

    @property
    def live_trades(self) -> frozenset[tuple[str, str]]:
        return frozenset(self._live)

    async def announce_open(self, session_id: str, market: str) -> None:
        """After a restart: a market that still holds a position or an order is a live trade again."""
        await self._started(session_id, market, "")

    async def _started(self, session_id: str, market: str, correlation: str) -> None:
        key = (session_id, market)
        if key in self._live:
            return
        self._live.add(key)
        event = TradingStarted(
            strategy_id=self._strategy_of(session_id), market=market, source="trading", correlation_id=correlation
        )
        await self._publish(event, EventPriority.CRITICAL_TRADING)

    async def _maybe_completed(self, session_id: str, market: str, outcome: str = "closed") -> None:
        key = (session_id, market)
        if key not in self._live:
            return
        if self.position(session_id, market).is_open or self.unfinished(session_id, market):
            return
        self._live.discard(key)
        event = TradingCompleted(
            strategy_id=self._strategy_of(session_id), market=market, outcome=outcome, source="trading"
        )
        await self._publish(event, EventPriority.CRITICAL_TRADING)

    async def release(self, session_id: str, market: str, outcome: str = "stopped") -> None:
        """A session stopped while holding: the gate is told the trade is over for this process
        (positions stay on the exchange and in the journal; the next start announces them again)."""
        key = (session_id, market)
        if key in self._live:
            self._live.discard(key)
            event = TradingCompleted(
                strategy_id=self._strategy_of(session_id), market=market, outcome=outcome, source="trading"
            )
            await self._publish(event, EventPriority.CRITICAL_TRADING)

    # --- queries ------------------------------------------------------------------------------------------

    def position(self, session_id: str, market: str) -> Position:
        key = (session_id, market)
        pos = self._positions.get(key)
        if pos is None:
            pos = position_from(market, self.journal.fills(session_id))
            self._positions[key] = pos
        return pos

    def _count_fill(self, session_id: str, fill: OrderFill) -> None:
        key = (session_id, fill.market)
        if key in self._positions:
            self._positions[key] = self._positions[key].apply(fill)

    def unfinished(self, session_id: str, market: str | None = None) -> list[JournalOrder]:
        return self.journal.orders(session_id, unfinished_only=True, market=market)

    # --- placing ------------------------------------------------------------------------------------------

    async def submit(
        self,
        session_id: str,
        request: OrderRequest,
        *,
        reason: str,
        kind: str,
        decided_bar: str = "",
    ) -> JournalOrder:
        """Journal the intent (committed), then send once. Returns the entry as it stands afterwards."""
        entry, intent_event = self._intent(
            session_id, request, reason=reason, kind=kind, decided_bar=decided_bar
        )
        self.journal.record_intent(entry)
        await self._started(session_id, request.market, intent_event.correlation_id)
        await self._publish(intent_event, EventPriority.CRITICAL_TRADING)
        entry = entry.moved_to(JournalState.SENT, self._clock(), source="intent")
        self.journal.update(entry)
        try:
            reply = await self.exchange.place(request)
        except OrderRejected as exc:
            return await self._finish(entry, JournalState.REJECTED, f"{exc.name}: {exc}")
        except OrderFateUnknown as exc:
            log.warning("order %s: fate unknown (%s); it stays 'sent' until looked up", entry.identifier, exc)
            await self._publish(
                OrderFateUnknownEvent(session_id=session_id, identifier=entry.identifier, market=entry.market,
                                      detail=str(exc), source="trading", correlation_id=entry.correlation_id),
                EventPriority.HIGH_SAFETY,
            )  # fmt: skip
            return entry
        except ExchangeError as exc:
            return await self._not_sent(entry, exc)
        await self._publish(
            OrderPlaced(session_id=session_id, identifier=entry.identifier, uuid=reply.uuid, market=entry.market,
                        state=reply.state.value, source="trading", correlation_id=entry.correlation_id),
            EventPriority.CRITICAL_TRADING,
        )  # fmt: skip
        return await self.apply(reply, FillSource.REST) or entry

    def _intent(
        self, session_id: str, request: OrderRequest, *, reason: str, kind: str, decided_bar: str
    ) -> tuple[JournalOrder, OrderIntentRecorded]:
        """The journal entry of an order about to be sent, and the event announcing it (the entry carries
        the event's correlation id, so every later event of the order chains to it)."""
        now = self._clock()
        intent_event = OrderIntentRecorded(
            session_id=session_id, identifier=request.identifier, market=request.market,
            side=request.side.value, ord_type=request.ord_type.value, reason=reason,
            price=str(request.price or ""), volume=str(request.volume or ""), source="trading",
        )  # fmt: skip
        entry = JournalOrder(
            identifier=request.identifier,
            session_id=session_id,
            market=request.market,
            side=request.side,
            ord_type=request.ord_type,
            price=request.price,
            volume=request.volume,
            reason=reason,
            kind=kind,
            state=JournalState.INTENT,
            created_at=now,
            updated_at=now,
            decided_bar=decided_bar,
            source="intent",
            correlation_id=intent_event.correlation_id,
        )
        return entry, intent_event

    async def _not_sent(self, entry: JournalOrder, exc: ExchangeError) -> JournalOrder:
        """Not sent (the connection was never made): nothing can be at the exchange. Confirmed by look-up
        anyway before calling it not placed, since the identifier is what decides."""
        found = await self._lookup_quietly(entry.identifier)
        if found is not None:
            return await self.apply(found, FillSource.REST) or entry
        return await self._finish(entry, JournalState.NOT_PLACED, str(exc))

    async def _lookup_quietly(self, identifier: str) -> ExchangeOrder | None:
        try:
            return await self.exchange.lookup(identifier)
        except ExchangeError:
            return None

    async def _finish(self, entry: JournalOrder, state: JournalState, detail: str) -> JournalOrder:
        entry = entry.moved_to(state, self._clock(), error=detail[:500])
        self.journal.update(entry)
        await self._publish(
            OrderFinished(session_id=entry.session_id, identifier=entry.identifier, market=entry.market,
                          state=state.value, detail=detail, source="trading", correlation_id=entry.correlation_id),
            EventPriority.CRITICAL_TRADING,
        )  # fmt: skip
        await self._maybe_completed(entry.session_id, entry.market)
        return entry

    async def mark_not_placed(self, entry: JournalOrder, detail: str) -> JournalOrder:
        return await self._finish(entry, JournalState.NOT_PLACED, detail)

    # --- facts from the exchange --------------------------------------------------------------------------

    def identifier_of(self, order: ExchangeOrder) -> str | None:
        if order.identifier:
            return order.identifier
        if order.uuid in self._by_uuid:
            return self._by_uuid[order.uuid]
        for entry in self.journal.orders(unfinished_only=True):
            if entry.uuid == order.uuid:
                self._by_uuid[order.uuid] = entry.identifier
                return entry.identifier
        return None

    async def apply(self, order: ExchangeOrder, source: FillSource) -> JournalOrder | None:
        """Append what the exchange says about one of our orders: its uuid, its fills (each trade once),
        its state. Returns the updated entry, or None when the order is not in the journal."""
        identifier = self.identifier_of(order)
        entry = self.journal.get(identifier) if identifier else None
        if entry is None:
            return None
        self._by_uuid[order.uuid] = entry.identifier
        recorded = sum((f.volume for f in self.journal.fills(identifier=entry.identifier)), ZERO)
        trades = order.trades
        if order.executed_volume > recorded and sum((t.volume for t in trades), ZERO) < order.executed_volume:
            # A reply without its trades (the REST reply to a POST, a WebSocket state change): ask for them.
            looked = await self._lookup_quietly(entry.identifier)
            if looked is not None and looked.trades:
                trades = looked.trades
        added = ZERO
        for trade in trades:
            fee = (trade.funds or trade.price * trade.volume) * self.fee_rate
            fill = OrderFill(
                trade_id=trade.trade_id, identifier=entry.identifier, market=entry.market, side=entry.side,
                price=trade.price, volume=trade.volume, fee=fee, at=trade.at or self._clock(), source=source,
            )  # fmt: skip
            if order.executed_volume > 0 and recorded + added + fill.volume > order.executed_volume:
                continue  # already counted (the same trade seen before) or more than the order executed
            if self.journal.add_fill(fill):
                self._count_fill(entry.session_id, fill)
                added += fill.volume
                await self._publish(
                    OrderFilled(
                        session_id=entry.session_id, identifier=entry.identifier, market=entry.market,
                        side=entry.side.value, trade_id=fill.trade_id, price=str(fill.price),
                        volume=str(fill.volume), fee=str(fill.fee), source=source.value,
                        correlation_id=entry.correlation_id,
                    ),
                    EventPriority.CRITICAL_TRADING,
                )  # fmt: skip
        state = state_from_exchange(order.state, order.executed_volume)
        if entry.is_final:
            return entry
        changes = {"uuid": order.uuid, "executed_volume": order.executed_volume, "paid_fee": order.paid_fee,
                   "source": source.value}  # fmt: skip
        if state is entry.state and all(getattr(entry, k) == v for k, v in changes.items()):
            return entry
        entry = entry.moved_to(state, self._clock(), **changes)
        self.journal.update(entry)
        if state.is_final:
            await self._publish(
                OrderFinished(session_id=entry.session_id, identifier=entry.identifier, market=entry.market,
                              state=state.value, source="trading", correlation_id=entry.correlation_id),
                EventPriority.CRITICAL_TRADING,
            )  # fmt: skip
            await self._maybe_completed(entry.session_id, entry.market)
        return entry

    async def refresh(self, entry: JournalOrder) -> JournalOrder:
        """Look an unfinished order up by identifier and apply what the exchange says; a missing order
        stays as it is (the caller decides when 'not found' means 'not placed')."""
        found = await self.exchange.lookup(entry.identifier)
        if found is None:
            return entry
        return await self.apply(found, FillSource.RECONCILIATION) or entry

    async def cancel(self, entry: JournalOrder) -> JournalOrder:
        try:
            reply = await self.exchange.cancel(entry.identifier)
        except OrderRejected:
            return await self.refresh(entry)  # already final at the exchange: learn how it ended
        return await self.apply(reply, FillSource.REST) or entry

