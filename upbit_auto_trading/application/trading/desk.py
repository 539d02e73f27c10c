"""The trading desk: what the desktop's Trading tab does with this process's engine.

One desk per process, as there is one engine per process. It takes the profile's engine lock when it opens
(so a ``trade run`` in a terminal and the app never drive the same journal at once) and resumes the paper and
live sessions left running, reconciled, as ``trade resume`` does. When another process holds the lock, the
desk only *asks* that process to stop (the session store carries the request, as ``trade stop`` does there).

The coroutines run on the engine's event loop (the desktop's qasync loop); ``live()`` reads the engine's
memory only (no database) so the GUI thread may call it; the database side of the screen is
``desk_view.ReadTradingDesk``, run off the GUI thread.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.domain.backtest import codes as C
from upbit_auto_trading.domain.backtest.codes import FillReason
from upbit_auto_trading.domain.trading.session import SessionState, TradingMode, TradingSession

if TYPE_CHECKING:  # the engine's imports are paid when the desk builds it
    from upbit_auto_trading.application.trading.engine import (
        ReplayWindow,
        RunningSession,
        StartRequest,
        TradingEngine,
    )
    from upbit_auto_trading.application.trading.market_trader import MarketTrader

log = logging.getLogger(__name__)


class EngineLockPort(Protocol):
    """One process runs a profile's engine at a time (``infrastructure/trading/engine_lock.py``)."""

    def acquire(self) -> None: ...

    def release(self) -> None: ...

    def held_elsewhere(self) -> bool: ...


@dataclass(frozen=True)
class ArmedRules:
    """The management rules armed on an open position, as prices (None: off or not armed yet)."""

    stop_loss: Decimal | None = None
    trailing_stop: Decimal | None = None  # the trailing stop's level once it is active
    trailing_from: Decimal | None = None  # the price that activates it, while it is not
    take_profit: Decimal | None = None
    partial_take_profit: Decimal | None = None
    next_pyramid: Decimal | None = None  # the close at or under which the next add is decided


@dataclass(frozen=True)
class LiveMarket:
    market: str
    last_price: Decimal | None
    armed: ArmedRules


@dataclass(frozen=True)
class LiveSession:
    """A session this process follows, as the engine holds it in memory."""

    session_id: str
    mode: TradingMode
    risk_state: str
    risk_reason: str
    markets: dict[str, LiveMarket] = field(default_factory=dict)
    error: str = ""  # the session's task failed


@dataclass(frozen=True)
class Resumed:
    """A session resumed when the desk opened, with what its reconciliation found."""

    session_id: str
    looked_up: int
    not_placed: int
    review_items: int
    seconds: float


@dataclass(frozen=True)
class DeskOpened:
    resumed: tuple[Resumed, ...] = ()
    elsewhere: str = ""  # why this process cannot run the engine (another one holds the lock)
    generation: int = 0  # which opening this is: only the latest may close the desk


def _price(value: float | None) -> Decimal | None:
    if value is None or not math.isfinite(value) or value <= 0:
        return None
    return Decimal(f"{value:.10g}")  # the float arithmetic's last digits are noise, not a price


def armed_rules(trader: MarketTrader) -> ArmedRules:
    """What the engine watches on the trader's position: the model's levels (the kernel's own arithmetic) and
    the pyramid rule's next target from the model's state. Empty when the model holds nothing."""
    model = trader.model
    levels = model.levels()
    state = model.state
    if state[C.S_QTY] <= 0:
        return ArmedRules()
    rules = trader.rules
    stop_loss = levels.stop if levels.stop_reason is FillReason.STOP_LOSS else None
    if stop_loss is None and not math.isnan(rules.stop_loss):
        stop_loss = float(state[C.S_AVG]) * (1.0 - rules.stop_loss)  # the trailing stop is above it now
    trailing = levels.stop if levels.stop_reason is FillReason.TRAILING_STOP else None
    trailing_from = None
    if not levels.trailing_active and not math.isnan(rules.trailing_activate):
        trailing_from = float(state[C.S_AVG]) * (1.0 + rules.trailing_activate)
    pyramid = None
    if rules.pyramid_max > 0 and state[C.S_NPYR] < rules.pyramid_max:
        pyramid = float(state[C.S_AVG]) * (1.0 - rules.pyramid_drop)
    return ArmedRules(
        stop_loss=_price(stop_loss), trailing_stop=_price(trailing), trailing_from=_price(trailing_from),
        take_profit=_price(levels.take_profit), partial_take_profit=_price(levels.partial),
        next_pyramid=_price(pyramid),
    )  # fmt: skip


class TradingDesk:
    def __init__(
        self,
        *,
        engine: Callable[[], TradingEngine],
        lock: Callable[[], EngineLockPort],
        warm_up: Callable[[], None] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._engine_factory = engine
        self._lock_factory = lock
        self._warm_up = warm_up
        self._clock = clock
        self._engine: TradingEngine | None = None
        self._lock: EngineLockPort | None = None
        self._warm = False
        self.generation = 0

    # --- the engine and its lock ----------------------------------------------------------------------

    @property
    def engine(self) -> TradingEngine:
        if self._engine is None:
            self._engine = self._engine_factory()
        return self._engine

    @property
    def owns_engine(self) -> bool:
        """True while this process holds the profile's engine lock (it runs the sessions)."""
        return self._lock is not None

    def _take_lock(self) -> str:
        """Take the engine lock if free; the reason it is not ("" when this process holds it)."""
        if self._lock is not None:
            return ""
        lock = self._lock_factory()
        try:
            lock.acquire()
        except Exception as exc:  # noqa: BLE001 - EngineLockedError or an unwritable folder: the user is told
            return str(exc)
        self._lock = lock
        return ""

    def warm_up(self) -> None:
        """Load the decision kernels (numba, ~1.5 s the first time) before the first decision: blocking, the
        coroutines run it in a thread."""
        if not self._warm and self._warm_up is not None:
            self._warm_up()
        self._warm = True

    # --- commands (on the engine's loop) ---------------------------------------------------------------

    async def open(self) -> DeskOpened:
        """Take the engine lock and resume the paper and live sessions left running (reconciled first).

        Opened again (the tab rebuilt after a profile switch or a restore), it first lets go of what it
        followed: the sessions and the lock of the profile open before."""
        self.generation += 1
        generation = self.generation
        await self.close()
        elsewhere = self._take_lock()
        if elsewhere:
            return DeskOpened(elsewhere=elsewhere, generation=generation)
        engine = self.engine
        if any(s.mode is not TradingMode.REPLAY for s in engine.sessions.all(running_only=True)):
            await asyncio.to_thread(self.warm_up)
        resumed = await engine.resume_all()
        out = []
        for sid in resumed:
            running = engine.running.get(sid)
            rec = running.reconciliation if running is not None else None
            if rec is not None:
                out.append(Resumed(sid, rec.looked_up, rec.not_placed, len(rec.review_items), rec.seconds))
        return DeskOpened(resumed=tuple(out), generation=generation)

    async def start(self, request: StartRequest, confirmation: str = "") -> TradingSession:
        elsewhere = self._take_lock()
        if elsewhere:
            raise ApplicationError(elsewhere)
        await asyncio.to_thread(self.warm_up)
        return await self.engine.start(request, confirmation=confirmation)

    async def resume(self, session_id: str, replay: ReplayWindow | None = None) -> TradingSession:
        """Follow again a session stored as running that this process does not follow (a replay left by the
        last run: replays are not resumed on their own)."""
        elsewhere = self._take_lock()
        if elsewhere:
            raise ApplicationError(elsewhere)
        await asyncio.to_thread(self.warm_up)
        return await self.engine.resume(session_id, replay)

    async def stop(self, session_id: str, *, flatten: bool = False) -> None:
        """Stop deciding; positions stay unless ``flatten`` (sold at market). Run elsewhere: ask that process."""
        note = "stop requested" + (" (flatten)" if flatten else "")
        if self._lock is None and self._lock_factory().held_elsewhere():
            self._request_elsewhere([session_id], SessionState.STOPPED, note)
            return
        engine = self.engine
        if flatten and session_id not in engine.running:
            stored = engine.sessions.get(session_id)
            if stored is not None and stored.is_running and not self._take_lock():
                await engine.resume(session_id, watch=False)  # reconcile, then sell what is really held
        await engine.stop(session_id, flatten=flatten, note=note)

    async def emergency_stop(self, *, flatten: bool = False) -> list[str]:
        """Cancel every open order of every running session now and, if asked, sell every position. Never
        waits for the config-change gate. Sessions run by another process are asked to halt."""
        reason = "emergency stop" + (" (flatten)" if flatten else "")
        engine = self.engine
        if self._lock is None and self._lock_factory().held_elsewhere():
            targets = [s.session_id for s in engine.sessions.all(running_only=True)]
            self._request_elsewhere(targets, SessionState.HALTED, reason)
            return []
        problems = await engine.emergency_stop(flatten=flatten, reason=reason)
        # sessions stored as running that no engine follows (a replay left by the last run): halted too
        for stored in engine.sessions.all(running_only=True):
            engine.sessions.save(stored.ended(SessionState.HALTED, self._clock(), reason))
        return problems

    async def close(self, generation: int | None = None) -> None:
        """The app is closing: stop following the sessions (they stay running: the next start resumes them,
        reconciled) and let go of the engine lock. With ``generation``: only if no later ``open`` happened."""
        if generation is not None and generation != self.generation:
            return
        try:
            if self._engine is not None:
                await self._engine.shutdown()
        finally:
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    def _request_elsewhere(self, targets: list[str], state: SessionState, note: str) -> None:
        engine = self.engine
        for sid in targets:
            s = engine.sessions.get(sid)
            if s is not None and s.is_running:
                engine.sessions.save(s.ended(state, self._clock(), note))
        log.info("%s requested from the process running the engine: %s", note, ", ".join(targets) or "-")

    # --- memory reads (any thread; no database) --------------------------------------------------------

    def live(self) -> dict[str, LiveSession]:
        if self._engine is None:
            return {}
        return {sid: _live_of(sid, running) for sid, running in list(self._engine.running.items())}

    def live_count(self) -> int:
        """Live-mode sessions this process runs now (the status bar's LIVE)."""
        if self._engine is None:
            return 0
        return sum(
            1 for r in list(self._engine.running.values())
            if r.runner.session.mode is TradingMode.LIVE and not r.done.is_set()
        )  # fmt: skip


def _live_of(session_id: str, running: RunningSession) -> LiveSession:
    runner = running.runner
    markets = {}
    for market, trader in list(runner.traders.items()):
        price = trader.status.last_price
        markets[market] = LiveMarket(market, price if price > 0 else None, armed_rules(trader))
    risk = running.risk
    return LiveSession(
        session_id=session_id, mode=runner.session.mode,
        risk_state=risk.state.value if risk is not None else "normal",
        risk_reason=risk.reason if risk is not None else "", markets=markets, error=running.error,
    )  # fmt: skip
