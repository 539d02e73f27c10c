"""The trading engine of one process: starts, resumes, stops and emergency-stops sessions.

Everything mode-specific comes from ``TradingAdapters`` (paper: the loopback exchange kept in the profile;
replay: the same, fed with stored candles by a clock; live: Upbit). The engine itself has no ``if paper``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Protocol

from upbit_auto_trading.application.backtest.signals import TriggerSource, resolve_triggers
from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.event_bus.priority import EventPriority
from upbit_auto_trading.application.ports.candle_reader import CandleReader
from upbit_auto_trading.application.strategy.get_strategy import find_strategy
from upbit_auto_trading.application.strategy.ports import StrategyRepository
from upbit_auto_trading.application.trading.order_desk import OrderDesk
from upbit_auto_trading.application.trading.ports import (
    ExchangeError,
    ExchangePort,
    MarketFeed,
    OrderJournal,
    ReviewList,
    SessionStore,
)
from upbit_auto_trading.application.trading.publisher import PriorityBus, Publish, bus_publisher
from upbit_auto_trading.application.trading.reconcile import Reconcile, ReconciliationReport
from upbit_auto_trading.application.trading.risk_guard import RiskGuard
from upbit_auto_trading.application.trading.session_runner import RunnerParts, SessionRunner
from upbit_auto_trading.application.trading.watchdog_ports import DeadManSwitch
from upbit_auto_trading.domain.trading.events import EmergencyStopRequested
from upbit_auto_trading.domain.trading.risk import RiskLimits
from upbit_auto_trading.domain.trading.session import SessionState, TradingMode, TradingSession

log = logging.getLogger(__name__)

NOTICE_WAIT = 10.0  # seconds an emergency stop waits, at its end, for its event to be queued on the bus


@dataclass
class AdapterSet:
    exchange: ExchangePort
    feed: MarketFeed
    exclusive_account: bool  # the account belongs to the engine (the paper exchange)
    first_candle: dict[str, datetime]  # where each market's decisions start (new sessions)
    close: Callable[[], Awaitable[None]]
    fee_rate: Decimal = Decimal("0.0005")
    # the exchange keeps the session's orders when this process dies (Upbit, not the in-process loopback
    # exchange): a watchdog process guards them (docs/trading-engine.md, "Dead-man watchdog")
    outlives_process: bool = False


class TradingAdapters(Protocol):
    async def open(self, session: TradingSession, replay: ReplayWindow | None) -> AdapterSet: ...


@dataclass(frozen=True)
class ReplayWindow:
    start: datetime | None = None
    end: datetime | None = None
    speed_ms: float = 0.0


@dataclass(frozen=True)
class StartRequest:
    strategy: str
    markets: tuple[str, ...]
    timeframe: str
    mode: TradingMode = TradingMode.PAPER
    budget: Decimal = Decimal("1000000")
    fee_rate: Decimal = Decimal("0.0005")
    slippage_rate: Decimal = Decimal("0")
    replay: ReplayWindow | None = None
    api_url: str = ""
    # live: the strategy has never run on paper and the user has not accepted that (the promotion check,
    # ``application/trading/promotion.py``); the live guard then refuses the start
    paper_record_missing: bool = False


class LiveModeGuard(Protocol):
    def check(self, request: StartRequest, confirmation: str) -> None:
        """Raise ApplicationError unless live trading is allowed (production profile, stored keys,
        confirmation equal to the profile's name, no other live engine on the profile)."""
        ...


@dataclass
class RunningSession:
    runner: SessionRunner
    adapters: AdapterSet
    task: asyncio.Task[None] | None = None
    reconciliation: ReconciliationReport | None = None
    risk: RiskGuard | None = None
    error: str = ""
    done: asyncio.Event = field(default_factory=asyncio.Event)
    watchdog: str = ""  # what guards the session if this process dies ("" when nothing needs to)


class TradingEngine:
    def __init__(
        self,
        *,
        strategies: StrategyRepository,
        triggers: TriggerSource,
        candles: CandleReader,
        journal: OrderJournal,
        sessions: SessionStore,
        review: ReviewList,
        adapters: TradingAdapters,
        bus: PriorityBus | None = None,
        risk_limits: RiskLimits | None = None,
        live_guard: LiveModeGuard | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        compiled: bool = False,
        watchdog: DeadManSwitch | None = None,
        beat_interval: float = 1.0,
    ) -> None:
        self._strategies = strategies
        self._triggers = triggers
        self._candles = candles
        self.journal = journal
        self.sessions = sessions
        self.review = review
        self._adapters = adapters
        self._publish: Publish = bus_publisher(bus)
        self._risk_limits = risk_limits or RiskLimits()
        self._live_guard = live_guard
        self._clock = clock
        self._compiled = compiled
        self.running: dict[str, RunningSession] = {}
        self._watchdog = watchdog
        self._beat_interval = beat_interval
        self._armed: set[str] = set()
        self._beating: asyncio.Task[None] | None = None

    # --- starting ------------------------------------------------------------------------------------------

    async def start(self, request: StartRequest, *, confirmation: str = "") -> TradingSession:
        if request.mode is TradingMode.LIVE:
            if self._live_guard is None:
                raise ApplicationError("Live trading is not available in this process.")
            self._live_guard.check(request, confirmation)
        stored = find_strategy(self._strategies, request.strategy)
        resolve_triggers(self._triggers, stored.strategy)  # fail now, not at the first candle
        session = TradingSession(
            session_id=f"{request.mode.value}-{self._clock().strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}",
            strategy_name=stored.name, strategy_id=stored.strategy_id, strategy_version=stored.version,
            mode=request.mode, markets=request.markets, timeframe=request.timeframe, budget=request.budget,
            fee_rate=request.fee_rate, slippage_rate=request.slippage_rate, started_at=self._clock(),
            api_url=request.api_url,
            replay_end=request.replay.end.isoformat() if request.replay and request.replay.end else "",
            # a replay's period is fixed in the first write, so a crash at any later moment resumes it
            first_candle=(
                {m: request.replay.start.isoformat() for m in request.markets}
                if request.replay and request.replay.start else {}
            ),
        )  # fmt: skip
        self.sessions.add(session)
        try:
            await self._launch(session, request.replay, new=True)
        except BaseException:
            current = self.sessions.get(session.session_id)
            if current is None or current.is_running:  # not halted meanwhile (an emergency stop says why)
                self.sessions.save(session.ended(SessionState.STOPPED, self._clock(), "could not start"))
            raise
        return self.running[session.session_id].runner.session

    async def resume(
        self, session_id: str, replay: ReplayWindow | None = None, *, watch: bool = True
    ) -> TradingSession:
        """``watch=False``: no watchdog process (a stop or emergency stop that resumes only to cancel and sell)."""
        session = self.sessions.get(session_id)
        if session is None:
            raise ApplicationError(f"No trading session {session_id!r}; `trade status` lists them.")
        if not session.is_running:
            raise ApplicationError(f"Session {session_id} is {session.state.value}; start a new one instead.")
        await self._launch(session, replay, new=False, watch=watch)
        return session

    async def resume_all(self, modes: Sequence[TradingMode] = (TradingMode.PAPER, TradingMode.LIVE)) -> list[str]:
        resumed = []
        for session in self.sessions.all(running_only=True):
            if session.mode in modes and session.session_id not in self.running:
                try:
                    await self.resume(session.session_id)
                    resumed.append(session.session_id)
                except (ApplicationError, ExchangeError) as exc:
                    log.error("session %s could not resume: %s", session.session_id, exc)
        return resumed

    async def _launch(
        self, session: TradingSession, replay: ReplayWindow | None, *, new: bool, watch: bool = True
    ) -> None:
        stored = self._strategies.get_version(session.strategy_id, session.strategy_version)
        if stored is None:
            raise ApplicationError(f"Strategy {session.strategy_name!r} version {session.strategy_version} is gone.")
        conditions = resolve_triggers(self._triggers, stored.strategy)
        adapters = await self._adapters.open(session, replay)
        # where each market's decisions start is fixed once, before the first candle: a restart (even one
        # before any candle was decided) resumes the same period, not the adapters' default
        missing = [m for m in session.markets if m not in session.first_candle]
        for market in missing:
            session = session.with_first_candle(market, adapters.first_candle[market].isoformat())
        if missing:
            self.sessions.save(session)
        try:
            desk = OrderDesk(self.journal, adapters.exchange, publish=self._publish, clock=self._clock,
                             fee_rate=adapters.fee_rate, strategy_of=lambda sid: sid)  # fmt: skip
            parts = RunnerParts(session, stored.strategy, conditions, adapters.exchange, adapters.feed, desk)
            runner = SessionRunner(parts, sessions=self.sessions, candles=self._candles, publish=self._publish,
                                   blocks=ReviewBlocks(self.review), compiled=self._compiled)  # fmt: skip
            first = {m: datetime.fromisoformat(session.first_candle[m]) for m in session.first_candle}
            for market in session.markets:
                first.setdefault(market, adapters.first_candle[market])
            # the warm-up signals and the models: CPU and database reads, off the loop (an emergency stop
            # or another session's step never waits for them); nothing else sees this runner yet
            await asyncio.to_thread(runner.build, first)
            guard = RiskGuard(session, desk, self._risk_limits, publish=self._publish, clock=runner.now,
                              last_price=lambda m: runner.traders[m].status.last_price or None)  # fmt: skip
            runner.use_risk(guard)
            reconcile = Reconcile(desk, self.review, publish=self._publish, clock=self._clock)
            ids = self._sessions_on_same_account(session, adapters)
            report = await reconcile.execute(ids, exclusive_account=adapters.exclusive_account,
                                             markets=session.markets)  # fmt: skip
            await runner.resume()
            self._still_running(session.session_id)
        except BaseException:
            await adapters.close()
            raise
        running = RunningSession(runner, adapters, reconciliation=report, risk=guard)
        if watch and adapters.outlives_process and self._watchdog is not None:
            running.watchdog = await self._arm(session)  # before the first decision can place an order
        self.running[session.session_id] = running
        running.task = asyncio.create_task(self._run(running), name=f"session-{session.session_id}")
        await runner.announce(SessionState.RUNNING, "started" if new else "resumed")

    def _still_running(self, session_id: str) -> None:
        """A stop or an emergency stop that came while the session was starting (it reconciles, rebuilds its
        model) ended it in the store: it must not start deciding after all."""
        stored = self.sessions.get(session_id)
        if stored is not None and not stored.is_running:
            raise ApplicationError(
                f"Session {session_id} was {stored.state.value} while it was starting ({stored.note or '-'})."
            )

    def _sessions_on_same_account(self, session: TradingSession, adapters: AdapterSet) -> list[str]:
        if session.mode is TradingMode.REPLAY:
            return [session.session_id]  # each replay has its own loopback account
        return [s.session_id for s in self.sessions.all() if s.mode is session.mode]

    async def _run(self, running: RunningSession) -> None:
        runner = running.runner
        try:
            await runner.run()
            if runner.finished:
                await self._end(running, SessionState.FINISHED, "the replay reached the end of its candles")
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - a session's failure must not take the others down
            log.exception("session %s failed", runner.session.session_id)
            running.error = str(exc)
        finally:
            running.done.set()

    async def _end(self, running: RunningSession, state: SessionState, note: str) -> None:
        runner = running.runner
        session = runner.session.ended(state, self._clock(), note)
        runner.session = session
        self.sessions.save(session)
        self._disarm(session.session_id)
        for market in session.markets:
            await runner.parts.desk.release(session.session_id, market, outcome=state.value)
        await runner.announce(state, note)

    async def wait(self, session_id: str) -> None:
        running = self.running.get(session_id)
        if running is not None:
            await running.done.wait()

    # --- the dead-man watchdog -----------------------------------------------------------------------------

    async def _arm(self, session: TradingSession) -> str:
        assert self._watchdog is not None
        try:
            status = await self._watchdog.arm(session)
        except Exception as exc:  # noqa: BLE001 - the session trades on; the user is told nothing guards it
            log.exception("session %s: the watchdog could not be started", session.session_id)
            status = f"no watchdog: it could not be started ({exc})"
        self._armed.add(session.session_id)
        if self._beating is None or self._beating.done():
            self._beating = asyncio.create_task(self._beat(), name="watchdog-heartbeat")
        log.info("session %s: %s", session.session_id, status)
        return status

    def _disarm(self, session_id: str) -> None:
        self._armed.discard(session_id)
        if self._watchdog is not None:
            self._watchdog.disarm(session_id)

    async def _beat(self) -> None:
        """About every second, from this event loop: a loop that hangs stops the beats as a dead process
        does. A session whose task ended (it failed) is no longer followed, so it gets no beat either."""
        assert self._watchdog is not None
        while self._armed:
            alive = [sid for sid in self._armed
                     if (r := self.running.get(sid)) is not None and (r.task is None or not r.task.done())]  # fmt: skip
            self._watchdog.beat(alive)
            await asyncio.sleep(self._beat_interval)

    # --- stopping ------------------------------------------------------------------------------------------

    async def stop(self, session_id: str, *, flatten: bool = False, state: SessionState = SessionState.STOPPED,
                   note: str = "stopped by the user") -> None:  # fmt: skip
        running = self.running.get(session_id)
        if running is None:
            session = self.sessions.get(session_id)
            if session is None:
                raise ApplicationError(f"No trading session {session_id!r}.")
            if session.is_running:
                self.sessions.save(session.ended(state, self._clock(), note))
            self._disarm(session_id)  # a watchdog left by a dead engine: the user's stop decides now
            return
        runner = running.runner
        runner.stop()
        if running.task is not None:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(running.task), 10)
        if flatten:
            await self._cancel_and_flatten(running, flatten=True)
        await self._end(running, state, note)
        await running.adapters.close()
        self.running.pop(session_id, None)

    async def detach(self, session_id: str) -> None:
        """Stop following a session without ending it (the process is shutting down: SIGINT/SIGTERM).
        Open orders stay journaled and at the exchange; the next start resumes and reconciles it."""
        running = self.running.pop(session_id, None)
        if running is None:
            return
        self._disarm(session_id)  # a clean goodbye: open orders stay, as the user chose
        running.runner.stop()
        if running.task is not None:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(running.task), 10)
        for market in running.runner.session.markets:
            await running.runner.parts.desk.release(session_id, market, outcome="stopped")
        await running.adapters.close()

    async def shutdown(self) -> None:
        for sid in list(self.running):
            await self.detach(sid)

    async def _quiesce(self, running: RunningSession, timeout: float = 10.0) -> None:
        """Stop a session's decisions and let the event it is handling end (an order under way gets its
        answer and is journaled), so that cancelling and flattening see every order and nothing is placed
        after them; a task still busy after ``timeout`` is cancelled. Its adapters stay open."""
        running.runner.stop()
        task = running.task
        if task is None or task.done() or task is asyncio.current_task():
            return
        with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(asyncio.shield(task), timeout)
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _cancel_and_flatten(self, running: RunningSession, *, flatten: bool) -> list[str]:
        desk = running.runner.parts.desk
        sid = running.runner.session.session_id
        problems: list[str] = []
        for entry in desk.unfinished(sid):
            try:
                await desk.cancel(entry)
            except ExchangeError as exc:
                problems.append(f"{entry.identifier}: {exc}")
        if flatten:
            for trader in running.runner.traders.values():
                try:
                    await trader.flatten("emergency_stop")
                except ExchangeError as exc:
                    problems.append(f"{trader.market}: {exc}")
        return problems

    async def follow_requests(self, interval: float = 1.0) -> None:
        """Act on stop and emergency-stop requests other processes leave in the session store (``trade
        stop`` / ``trade emergency-stop`` while this process runs the engine): a running session whose stored
        state is no longer ``running`` is stopped here, flattened when the request says so."""
        while True:
            await asyncio.sleep(interval)
            for sid, running in list(self.running.items()):
                stored = self.sessions.get(sid)
                if stored is None or stored.is_running:
                    continue
                flatten = "flatten" in stored.note
                note = stored.note or "stopped from another process"
                if stored.state is SessionState.HALTED:
                    await self._publish(EmergencyStopRequested(reason=note, source="trading"),
                                        EventPriority.CRITICAL_TRADING)  # fmt: skip
                    await self._quiesce(running)
                    await self._cancel_and_flatten(running, flatten=flatten)
                    await self._end(running, SessionState.HALTED, note)
                    await running.adapters.close()
                    self.running.pop(sid, None)
                else:
                    await self.stop(sid, flatten=flatten, state=stored.state, note=note)

    async def emergency_stop(self, *, flatten: bool = False, reason: str = "emergency stop") -> list[str]:
        """Cancel every open order of every running session and, if asked, sell every position at market.
        Never held by the config-change gate, and it does not wait for the bus either: its event is published
        alongside (a full queue, a busy GUI loop) and waited for only at the end. Every order it places is
        journaled like any other."""

        async def announce() -> None:
            await self._publish(EmergencyStopRequested(reason=reason, source="trading"), EventPriority.CRITICAL_TRADING)

        notice = asyncio.create_task(announce(), name="emergency-stop-event")
        problems: list[str] = []
        for running in self.running.values():
            running.runner.stop()  # every session stops deciding now
        for sid, running in list(self.running.items()):
            await self._quiesce(running)
            problems += await self._cancel_and_flatten(running, flatten=flatten)
            await self._end(running, SessionState.HALTED, reason)
            await running.adapters.close()
            self.running.pop(sid, None)  # a stop asked just before may have let it go meanwhile
        await asyncio.wait({notice}, timeout=NOTICE_WAIT)  # published by the time it returns (CLI: before exit)
        return problems


class ReviewBlocks:
    """New entries are blocked on a market with an open manual-review item."""

    def __init__(self, review: ReviewList) -> None:
        self._review = review

    def blocked(self, market: str) -> str:
        if market in self._review.blocked_markets():
            return (f"new entries on {market} are blocked until its manual-review items are resolved "
                    "(`trade review`)")  # fmt: skip
        return ""
