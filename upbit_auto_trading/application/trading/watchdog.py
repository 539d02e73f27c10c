"""The dead-man watchdog of one session: what it does when the engine stops beating.

It runs in its own process (started by the engine for every live session) and waits. Beats that keep coming
mean the engine follows the session; "stopped" (a clean end or detach) sends it home without acting. When
no beat came for ``timeout`` seconds:

- the engine's process is gone (the profile's engine lock is free): the watchdog takes the lock, so it is the
  journal's only writer and no engine starts meanwhile, and takes over. Every order of the session that is
  not final is looked up by its identifier; an open one is cancelled; what the exchange says is applied to
  the journal with the source ``watchdog``. If configured so, the session's positions are sold at market
  through the journal like any order (intent first, reason ``watchdog``) and the session is halted, as by an
  emergency stop. The engine's next start reconciles whatever is still unsettled, with nothing to review;
- the process still lives but its loop is stuck: the open orders are cancelled at the exchange only. The
  journal is the engine's to write while it lives (its cached positions follow the fills it records itself);
  it learns the cancels from its order stream when it wakes, or at its next start, or from this watchdog
  once its process is gone. Beats that come back return the watchdog to waiting.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_DOWN, Decimal

from upbit_auto_trading.application.trading.order_desk import DEFAULT_FEE, OrderDesk
from upbit_auto_trading.application.trading.ports import (
    ExchangeError,
    ExchangeOrder,
    ExchangePort,
    OrderJournal,
    OrderRejected,
    SessionStore,
)
from upbit_auto_trading.application.trading.watchdog_ports import EngineOwnership, Heartbeat
from upbit_auto_trading.domain.trading.journal import FillSource, JournalState
from upbit_auto_trading.domain.trading.order import OrderRequest, OrderSide, OrderState, OrderType
from upbit_auto_trading.domain.trading.session import SessionState, TradingSession

log = logging.getLogger(__name__)

OPEN_STATES = (OrderState.WAIT, OrderState.WATCH)
VOLUME_STEP = Decimal("0.00000001")
WATCHDOG = "watchdog"  # the reason of its sells and the note of what it did: the actor, in the journal


@dataclass(frozen=True)
class WatchdogSettings:
    timeout: float = 30.0  # seconds without a beat before acting (``trading.watchdog.timeout_seconds``)
    flatten: bool = False  # also sell the session's positions (config ``trading.watchdog.flatten``)
    poll: float = 0.5  # how often the heartbeat is read
    rounds: int = 5  # attempts of a take-over while the exchange cannot be reached (backoff in between)
    retry_delay: float = 2.0
    cancel_checks: int = 4  # look-ups after a cancel still answered "wait" (Upbit cancels asynchronously)


@dataclass
class WatchdogReport:
    session_id: str
    outcome: str  # "stopped": let go cleanly, nothing done; "took_over": the engine was gone
    cancelled: list[str] = field(default_factory=list)  # identifiers cancelled by the watchdog
    sold: list[str] = field(default_factory=list)  # identifiers of its sells
    problems: list[str] = field(default_factory=list)
    halted: bool = False
    silent_seconds: float = 0.0

    def summary(self) -> str:
        if self.outcome == "stopped":
            return f"session {self.session_id}: the engine let it go cleanly; nothing done"
        parts = [f"{len(self.cancelled)} order(s) cancelled"]
        if self.sold:
            parts.append(f"{len(self.sold)} position(s) sold")
        if self.halted:
            parts.append("session halted")
        if self.problems:
            parts.append(f"{len(self.problems)} problem(s): " + "; ".join(self.problems))
        return (
            f"session {self.session_id}: the engine stopped beating {self.silent_seconds:.0f} s ago; "
            + ", ".join(parts)
        )


class DeadManWatchdog:
    def __init__(
        self,
        session_id: str,
        *,
        heartbeat: Heartbeat,
        engine: EngineOwnership,
        exchange: ExchangePort,
        journal: OrderJournal,
        sessions: SessionStore,
        settings: WatchdogSettings | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.session_id = session_id
        self._heartbeat = heartbeat
        self._engine = engine
        self._exchange = exchange
        self._journal = journal
        self._sessions = sessions
        self._settings = settings or WatchdogSettings()
        self._clock = clock
        self._monotonic = monotonic
        self._sleep = sleep
        self._cancelled_at_exchange: list[str] = []  # while the engine's process lived silent

    # --- waiting ------------------------------------------------------------------------------------------

    async def run(self) -> WatchdogReport:
        """Wait for beats until the engine lets the session go (nothing done) or its process is gone
        (take-over). The silence counts from this watchdog's own start: the engine beats before it spawns it."""
        s = self._settings
        last = self._heartbeat.read()
        changed = self._monotonic()
        # while the engine's process lives on silent: when to cancel at the exchange (again); None: done
        next_cancel: float | None = 0.0
        while last is not None:
            await self._sleep(s.poll)
            beat = self._heartbeat.read()
            now = self._monotonic()
            if beat is None:
                break
            if beat != last:
                last, changed, next_cancel = beat, now, 0.0
                continue
            silent = now - changed
            if silent < s.timeout:
                continue
            if self._engine.try_acquire():
                try:
                    return await self.take_over(silent)
                finally:
                    self._engine.release()
            if next_cancel is not None and now >= next_cancel:
                log.warning("session %s: no beat for %.0f s but the engine's process lives (stuck?); cancelling "
                            "its open orders at the exchange", self.session_id, silent)  # fmt: skip
                done = await self.cancel_at_exchange()
                next_cancel = None if done else self._monotonic() + s.retry_delay
        return WatchdogReport(self.session_id, "stopped")

    # --- the engine is gone -------------------------------------------------------------------------------

    async def take_over(self, silent: float = 0.0) -> WatchdogReport:
        """Cancel the session's open orders and, if configured, sell its positions, all through the journal.
        The caller holds the engine lock. A round that could not reach the exchange is tried again."""
        s = self._settings
        report = WatchdogReport(
            self.session_id, "took_over", cancelled=list(self._cancelled_at_exchange), silent_seconds=silent
        )
        session = self._sessions.get(self.session_id)
        desk = OrderDesk(
            self._journal, self._exchange, clock=self._clock, fee_rate=await self._fee_rate(session)
        )
        own: set[str] = set()  # the watchdog's own sells: looked up, never cancelled
        tried: set[str] = set()  # markets whose sell reached the exchange (sold or refused): not again
        for attempt in range(max(1, s.rounds)):
            report.problems = []
            retry = await self._settle_orders(desk, own, report)
            if s.flatten and session is not None:
                retry |= await self._sell_positions(desk, session, own, tried, report)
            if not retry:
                break
            if attempt + 1 < s.rounds:
                await self._sleep(s.retry_delay * 2**attempt)
        if report.sold and session is not None:
            stored = self._sessions.get(self.session_id) or session
            if stored.is_running:
                note = f"{WATCHDOG}: the engine stopped beating; open orders cancelled, positions sold"
                self._sessions.save(stored.ended(SessionState.HALTED, self._clock(), note))
                report.halted = True
        log.warning("%s", report.summary())
        return report

    async def _fee_rate(self, session: TradingSession | None) -> Decimal:
        if session is None:
            return DEFAULT_FEE
        try:
            return (await self._exchange.rules(session.markets[0])).bid_fee
        except ExchangeError as exc:
            log.warning("fee rate unknown (%s); fills are journaled with %s", exc, DEFAULT_FEE)
            return DEFAULT_FEE

    async def _settle_orders(self, desk: OrderDesk, own: set[str], report: WatchdogReport) -> bool:
        """Every unfinished order of the session: looked up, cancelled when open (not the watchdog's own
        sells), the answer journaled. True when the exchange could not be asked about one of them."""
        retry = False
        for entry in self._journal.orders(self.session_id, unfinished_only=True):
            try:
                if entry.identifier in own:
                    order, cancelled = await self._exchange.lookup(entry.identifier), False
                else:
                    order, cancelled = await self._cancel(entry.identifier)
            except ExchangeError as exc:
                report.problems.append(f"{entry.identifier}: {exc}")
                retry = True
                continue
            if order is None:
                continue  # not at the exchange: the engine's reconciliation marks it not placed
            if cancelled and entry.identifier not in report.cancelled:
                report.cancelled.append(entry.identifier)
            after = await desk.apply(order, FillSource.WATCHDOG)
            if after is not None and not after.is_final and entry.identifier not in own:
                report.problems.append(f"{entry.identifier}: cancel asked, still {order.state.value}")
                retry = True
        return retry

    async def _cancel(self, identifier: str) -> tuple[ExchangeOrder | None, bool]:
        """The order as the exchange has it after cancelling it if it was open; True when this call
        cancelled it."""
        found = await self._exchange.lookup(identifier)
        if found is None or found.state not in OPEN_STATES:
            return found, False
        try:
            reply = await self._exchange.cancel(identifier)
        except OrderRejected:  # finished in between (filled, or cancelled by someone): learn how
            return await self._exchange.lookup(identifier), False
        for check in range(self._settings.cancel_checks):
            if reply.state not in OPEN_STATES:
                break
            await self._sleep(0.2 * (check + 1))
            reply = await self._exchange.lookup(identifier) or reply
        return reply, reply.state is OrderState.CANCEL

    async def _sell_positions(
        self, desk: OrderDesk, session: TradingSession, own: set[str], tried: set[str], report: WatchdogReport
    ) -> bool:
        retry = False
        sid = self.session_id
        for market in session.markets:
            if market in tried or any(o.side is OrderSide.ASK for o in desk.unfinished(sid, market)):
                continue  # sold (or refused) already, or a sell is on its way
            volume = desk.position(sid, market).quantity.quantize(VOLUME_STEP, rounding=ROUND_DOWN)
            if volume <= 0:
                continue
            request = OrderRequest(market, OrderSide.ASK, OrderType.MARKET, volume=volume)
            own.add(request.identifier)
            entry = await desk.submit(sid, request, reason=WATCHDOG, kind="emergency")
            if entry.state is JournalState.NOT_PLACED:  # never reached the exchange: try again next round
                report.problems.append(f"{market}: the sell could not be sent ({entry.error})")
                retry = True
                continue
            tried.add(market)
            if entry.state is JournalState.REJECTED:
                report.problems.append(f"{market}: the exchange refused the sell ({entry.error})")
            else:
                report.sold.append(entry.identifier)
        return retry

    # --- the engine lives but does not beat ---------------------------------------------------------------

    async def cancel_at_exchange(self) -> bool:
        """Cancel the session's open orders at the exchange without writing the journal (its writer is
        alive). True when every one could be asked about."""
        ok = True
        for entry in self._journal.orders(self.session_id, unfinished_only=True):
            try:
                _, cancelled = await self._cancel(entry.identifier)
            except ExchangeError as exc:
                log.warning(
                    "session %s: %s could not be cancelled: %s", self.session_id, entry.identifier, exc
                )
                ok = False
                continue
            if cancelled:
                log.warning("session %s: %s cancelled at the exchange", self.session_id, entry.identifier)
                self._cancelled_at_exchange.append(entry.identifier)
        return ok
