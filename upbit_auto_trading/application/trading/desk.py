"""The trading desk: what the desktop's Trading tab does with this process's engine.

One desk per process, as there is one engine per process. It takes the profile's engine lock when it opens
(so a ``trade run`` in a terminal and the app never drive the same journal at once) and resumes the paper and
live sessions left running, reconciled, as ``trade resume`` does. When another process holds the lock, the
desk only *asks* that process to stop (the session store carries the request, as ``trade stop`` does there).

Threads: with an ``EngineHost`` (the desktop) the engine lives on a thread of its own with its own event
loop. The desk's commands (``open``, ``start``, ``resume``, ``stop``, ``emergency_stop``, ``close``) may be
awaited from any loop (the GUI's): each runs as a task of its own on the engine's loop and its result or
error comes back to the awaiting loop. ``live()`` and ``live_count()`` are for any thread: ``live()`` gives
what the engine computed of each session as a snapshot its loop publishes under a lock (around every command
and about every ``LIVE_REFRESH_SECONDS`` while it follows sessions), never a computation on the engine's
objects from another thread. Without a host
(tests of the desk alone) the commands run on the caller's loop. The database side of the screen is
``desk_view.ReadTradingDesk``, run off the GUI thread.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.trading.engine_host import EngineHost
from upbit_auto_trading.application.trading.live_state import (  # re-exported: the desk's public values
    ArmedRules,
    LiveMarket,
    LiveSession,
    armed_rules,
    followed,
    live_of,
)
from upbit_auto_trading.domain.trading.session import SessionState, TradingMode, TradingSession

if TYPE_CHECKING:  # the engine's imports are paid when the desk builds it
    from upbit_auto_trading.application.trading.engine import ReplayWindow, StartRequest, TradingEngine

__all__ = ["ArmedRules", "DeskOpened", "LiveMarket", "LiveSession", "Resumed", "TradingDesk", "armed_rules"]

log = logging.getLogger(__name__)

T = TypeVar("T")

LIVE_REFRESH_SECONDS = 0.25
"""How often the engine's loop publishes what ``live()`` shows while it follows sessions (the tab's tick)."""
CLOSE_WAIT_SECONDS = 15.0
"""How long closing the app waits for the engine's thread to end (a kernel warm-up still running in it)."""


class EngineLockPort(Protocol):
    """One process runs a profile's engine at a time (``infrastructure/trading/engine_lock.py``)."""

    def acquire(self) -> None: ...

    def release(self) -> None: ...

    def held_elsewhere(self) -> bool: ...


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


class TradingDesk:
    def __init__(
        self,
        *,
        engine: Callable[[], TradingEngine],
        lock: Callable[[], EngineLockPort],
        warm_up: Callable[[], None] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        host: EngineHost | None = None,
    ) -> None:
        self._engine_factory = engine
        self._lock_factory = lock
        self._warm_up = warm_up
        self._clock = clock
        self._host = host
        self._engine: TradingEngine | None = None
        self._lock: EngineLockPort | None = None
        self._warm = False
        self.generation = 0
        self._live_guard = threading.Lock()
        self._live: Mapping[str, LiveSession] = {}  # replaced whole, never changed once published
        self._live_task: asyncio.Task[None] | None = None
        self._in_flight = 0  # commands running on the engine's loop (counted there only)

    # --- the engine and its lock ----------------------------------------------------------------------

    @property
    def engine(self) -> TradingEngine:
        if self._engine is None:
            self._engine = self._engine_factory()
        return self._engine

    @property
    def host(self) -> EngineHost | None:
        """The engine's thread, when it has one of its own."""
        return self._host

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

    # --- commands: awaited from any loop, run on the engine's ----------------------------------------------

    async def on_engine(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await ``coro`` on the engine's loop (what the engine's objects, e.g. a session's order desk, must
        be driven from), then publish a fresh ``live()``."""
        if self._host is None:
            return await self._command(coro)
        return await self._host.run(self._command(coro))

    async def _command(self, coro: Coroutine[Any, Any, T]) -> T:
        self._in_flight += 1
        self._follow_live()  # a long command (a resume that reconciles) starts following sessions half-way
        try:
            return await coro
        finally:
            self._in_flight -= 1
            self._follow_live()

    async def open(self) -> DeskOpened:
        """Take the engine lock and resume the paper and live sessions left running (reconciled first).

        Opened again (the tab rebuilt after a profile switch or a restore), it first lets go of what it
        followed: the sessions and the lock of the profile open before."""
        return await self.on_engine(self._open())

    async def start(self, request: StartRequest, confirmation: str = "") -> TradingSession:
        return await self.on_engine(self._start(request, confirmation))

    async def resume(self, session_id: str, replay: ReplayWindow | None = None) -> TradingSession:
        """Follow again a session stored as running that this process does not follow (a replay left by the
        last run: replays are not resumed on their own)."""
        return await self.on_engine(self._resume(session_id, replay))

    async def stop(self, session_id: str, *, flatten: bool = False) -> None:
        """Stop deciding; positions stay unless ``flatten`` (sold at market). Run elsewhere: ask that process."""
        await self.on_engine(self._stop(session_id, flatten))

    async def emergency_stop(self, *, flatten: bool = False) -> list[str]:
        """Cancel every open order of every running session now and, if asked, sell every position. Never
        waits for the config-change gate, nor for another command: it is a task of its own on the engine's
        loop. Sessions run by another process are asked to halt."""
        return await self.on_engine(self._emergency_stop(flatten))

    async def close(self, generation: int | None = None) -> None:
        """Stop following the sessions (they stay running: the next start resumes them, reconciled) and let
        go of the engine lock. With ``generation`` (a tab going away): only if no later ``open`` happened, and
        the engine's thread stays. Without (the app is closing): the engine's thread ends too."""
        if self._host is not None and not self._host.running:
            return  # never opened, or closed already with its thread: nothing is followed, nothing to start
        await self.on_engine(self._close(generation))
        if generation is None and self._host is not None and not self._host.in_engine_thread():
            ended = asyncio.wrap_future(self._host.stop())
            try:
                await asyncio.wait_for(asyncio.shield(ended), CLOSE_WAIT_SECONDS)
            except TimeoutError:
                log.warning("the trading engine's thread did not end within %.0f s", CLOSE_WAIT_SECONDS)

    # --- the commands themselves (on the engine's loop) ------------------------------------------------------

    async def _open(self) -> DeskOpened:
        self.generation += 1
        generation = self.generation
        await self._close()
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

    async def _start(self, request: StartRequest, confirmation: str) -> TradingSession:
        elsewhere = self._take_lock()
        if elsewhere:
            raise ApplicationError(elsewhere)
        await asyncio.to_thread(self.warm_up)
        return await self.engine.start(request, confirmation=confirmation)

    async def _resume(self, session_id: str, replay: ReplayWindow | None) -> TradingSession:
        elsewhere = self._take_lock()
        if elsewhere:
            raise ApplicationError(elsewhere)
        await asyncio.to_thread(self.warm_up)
        return await self.engine.resume(session_id, replay)

    async def _stop(self, session_id: str, flatten: bool) -> None:
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

    async def _emergency_stop(self, flatten: bool) -> list[str]:
        reason = "emergency stop" + (" (flatten)" if flatten else "")
        engine = self.engine
        if self._lock is None and self._lock_factory().held_elsewhere():
            targets = [s.session_id for s in engine.sessions.all(running_only=True)]
            self._request_elsewhere(targets, SessionState.HALTED, reason)
            return []
        problems = await engine.emergency_stop(flatten=flatten, reason=reason)
        # sessions stored as running that no engine follows (a replay left by the last run, a session still
        # starting: its start then refuses to go on): halted too
        for stored in engine.sessions.all(running_only=True):
            engine.sessions.save(stored.ended(SessionState.HALTED, self._clock(), reason))
        return problems

    async def _close(self, generation: int | None = None) -> None:
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

    # --- what the engine holds in memory, for any thread (no database) --------------------------------------

    def live(self) -> Mapping[str, LiveSession]:
        """The sessions this process follows, with their prices, armed rules and risk state. Read on the
        engine's loop (or without a host) it is computed now. From another thread, which sessions are followed
        is read at once (as ``live_count`` does), and what the engine knows of each comes from the snapshot
        its loop published last (at most ``LIVE_REFRESH_SECONDS`` old; a session followed since then shows its
        mode and risk state only, until the next one)."""
        if self._host is None or self._host.in_engine_thread():
            return self._publish_live()
        with self._live_guard:
            published = self._live
        if self._engine is None:
            return {}
        now = list(self._engine.running.items())  # one copy, taken at once
        return {sid: published.get(sid) or followed(sid, running) for sid, running in now}

    def live_count(self) -> int:
        """Live-mode sessions this process runs now (the status bar's LIVE). Safe from any thread: it reads
        only the sessions' mode and whether their task ended (a copy of the dict taken at once, flags)."""
        if self._engine is None:
            return 0
        return sum(
            1 for r in list(self._engine.running.values())
            if r.runner.session.mode is TradingMode.LIVE and not r.done.is_set()
        )  # fmt: skip

    def _publish_live(self) -> Mapping[str, LiveSession]:
        """On the engine's loop: compute what ``live()`` shows and publish it for the other threads."""
        live: Mapping[str, LiveSession] = {}
        if self._engine is not None:
            live = {sid: live_of(sid, running) for sid, running in list(self._engine.running.items())}
        with self._live_guard:
            self._live = live
        return live

    def _following(self) -> bool:
        return self._in_flight > 0 or (self._engine is not None and bool(self._engine.running))

    def _follow_live(self) -> None:
        """Publish now, and keep publishing while a command runs or sessions are followed."""
        self._publish_live()
        if self._host is None or not self._following():
            return
        if self._live_task is None or self._live_task.done():
            self._live_task = asyncio.get_running_loop().create_task(self._keep_live(), name="desk-live")

    async def _keep_live(self) -> None:
        while self._following():
            await asyncio.sleep(LIVE_REFRESH_SECONDS)
            self._publish_live()
