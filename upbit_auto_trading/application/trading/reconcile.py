"""Restart reconciliation: the journal against the exchange, before any new decision.

1. Every journaled order that is not final is looked up by its identifier: its fills and state are
   applied; one that the exchange does not have was never placed (an ``intent`` is marked so at once, a
   ``sent`` one after a few look-ups, since Upbit answers a look-up as soon as an order exists).
2. Open and recent closed orders at the exchange that carry our identifier prefix but are not in the
   journal, and balances that differ from the journal's positions, go to the manual-review list, which
   blocks new entries on their market until the user resolves them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from upbit_auto_trading.application.event_bus.priority import EventPriority
from upbit_auto_trading.application.trading.order_desk import OrderDesk
from upbit_auto_trading.application.trading.ports import ExchangeError, ReviewList
from upbit_auto_trading.application.trading.publisher import Publish
from upbit_auto_trading.domain.trading.events import ReconciliationCompleted, ReviewItemAdded
from upbit_auto_trading.domain.trading.journal import FillSource, JournalOrder, JournalState
from upbit_auto_trading.domain.trading.order import OrderState
from upbit_auto_trading.domain.trading.review import ReviewItem, ReviewKind

log = logging.getLogger(__name__)
OUR_PREFIX = "uat-"
ZERO = Decimal(0)


@dataclass(frozen=True)
class ReconciliationReport:
    looked_up: int
    updated: int
    not_placed: int
    fills_added: int
    review_items: tuple[ReviewItem, ...]
    seconds: float


class Reconcile:
    def __init__(
        self,
        desk: OrderDesk,
        review: ReviewList,
        *,
        publish: Publish,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        lookup_attempts: int = 3,
        lookup_delay: float = 0.2,
        concurrency: int = 8,
    ) -> None:
        self._desk = desk
        self._review = review
        self._publish = publish
        self._clock = clock
        self._attempts = lookup_attempts
        self._delay = lookup_delay
        self._concurrency = concurrency

    async def execute(
        self, session_ids: Sequence[str], *, exclusive_account: bool, markets: Sequence[str] = ()
    ) -> ReconciliationReport:
        """``exclusive_account``: the account belongs to the engine (the paper exchange), so every coin
        balance must equal the journal's positions; on Upbit a user may hold coins outside the engine, so
        only holdings under the journal's positions are flagged."""
        t0 = time.perf_counter()
        journal = self._desk.journal
        fills_before = len(journal.fills())
        unfinished = [o for sid in session_ids for o in journal.orders(sid, unfinished_only=True)]
        updated = not_placed = 0
        sem = asyncio.Semaphore(self._concurrency)

        async def settle(entry: JournalOrder) -> None:
            nonlocal updated, not_placed
            async with sem:
                for attempt in range(self._attempts):
                    try:
                        found = await self._desk.exchange.lookup(entry.identifier)
                    except ExchangeError as exc:
                        log.warning("look-up of %s failed: %s", entry.identifier, exc)
                        return
                    if found is not None:
                        after = await self._desk.apply(found, FillSource.RECONCILIATION)
                        if after is not None and after != entry:
                            updated += 1
                        return
                    if entry.state is JournalState.INTENT:
                        break  # never sent: the crash came between the intent and the request
                    await asyncio.sleep(self._delay * (attempt + 1))
                await self._desk.mark_not_placed(entry, "not found at the exchange after a restart")
                not_placed += 1

        await asyncio.gather(*(settle(e) for e in unfinished))
        items: list[ReviewItem] = []
        items += await self._unknown_orders()
        items += await self._balances(session_ids, exclusive_account, markets)
        for item in items:
            await self._publish(
                ReviewItemAdded(market=item.market, kind=item.kind.value, detail=item.detail, source="trading"),
                EventPriority.HIGH_SAFETY,
            )
        seconds = time.perf_counter() - t0
        report = ReconciliationReport(
            looked_up=len(unfinished), updated=updated, not_placed=not_placed,
            fills_added=len(journal.fills()) - fills_before, review_items=tuple(items), seconds=seconds,
        )  # fmt: skip
        await self._publish(
            ReconciliationCompleted(looked_up=report.looked_up, updated=updated, review_items=len(items),
                                    fills_added=report.fills_added, seconds=seconds, source="trading",
                                    detail=f"{not_placed} not placed"),
            EventPriority.HIGH_SAFETY,
        )  # fmt: skip
        log.info("reconciled %d unfinished orders in %.2f s: %d updated, %d not placed, %d to review",
                 len(unfinished), seconds, updated, not_placed, len(items))  # fmt: skip
        return report

    async def _unknown_orders(self) -> list[ReviewItem]:
        journal = self._desk.journal
        out: list[ReviewItem] = []
        try:
            open_orders = await self._desk.exchange.open_orders()
            # The exchange's own recent window (Upbit: its last 7 days). Not ours: a replay's exchange stamps
            # its orders with the replay's clock, years before the wall clock.
            closed = await self._desk.exchange.closed_orders()
        except ExchangeError as exc:
            log.warning("orders could not be listed for reconciliation: %s", exc)
            return out
        for order in [*open_orders, *closed]:
            ident = order.identifier or ""
            if journal.get(ident) is not None:
                continue
            ours = ident.startswith(OUR_PREFIX)
            if not ours and order.state not in (OrderState.WAIT, OrderState.WATCH):
                continue  # someone else's finished order: history, not our business
            detail = (
                f"{'our' if ours else 'an outside'} {order.side.value} order {order.uuid} "
                f"(identifier {ident or 'none'}, state {order.state.value}) is at the exchange but not in the journal"
            )
            out.append(self._review.add(ReviewItem(None, ReviewKind.UNKNOWN_ORDER, order.market, detail,
                                                   self._clock(), identifier=ident)))  # fmt: skip
        return out

    async def _balances(
        self, session_ids: Sequence[str], exclusive: bool, markets: Sequence[str]
    ) -> list[ReviewItem]:
        journal = self._desk.journal
        try:
            balances = await self._desk.exchange.balances()
        except ExchangeError as exc:
            log.warning("balances could not be read for reconciliation: %s", exc)
            return []
        held: dict[str, Decimal] = {}
        for sid in session_ids:
            for fill in journal.fills(sid):
                sign = 1 if fill.side.value == "bid" else -1
                held[fill.market] = held.get(fill.market, ZERO) + sign * fill.volume
        check = set(held) | set(markets)
        if exclusive:
            check |= {f"KRW-{c}" for c in balances if c != "KRW"}
        out: list[ReviewItem] = []
        for market in sorted(check):
            currency = market.split("-", 1)[1]
            b = balances.get(currency)
            at_exchange = b.total if b else ZERO
            ours = held.get(market, ZERO)
            bad = at_exchange != ours if exclusive else at_exchange < ours
            if bad:
                detail = (f"{currency}: the exchange holds {at_exchange}, the journal's positions add up to {ours}")
                out.append(self._review.add(ReviewItem(None, ReviewKind.BALANCE_MISMATCH, market, detail,
                                                       self._clock())))  # fmt: skip
        return out
