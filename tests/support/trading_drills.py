"""Fault drills for the trading engine: real SQLite, the real loopback Upbit server over HTTP, no mocks.

- ``Drill``: one seeded home per test (a copy of a home seeded once per run), containers and engines on it
  (a "crash" is ``engine.detach`` and a NEW container on the same home), the strategies the drills trade
  with, and clean-up of every engine, bus and database connection.
- ``FeedHooks``: rules run by the replay feed between two events, i.e. while the engine is idle waiting for
  the next price (as it is live, between two messages of the market stream). A rule can look at the
  session, change the loopback server (faults, outside orders) or pause the feed until the test acts.
- Helpers to read what the loopback server holds (orders by identifier, coin balances).
"""

from __future__ import annotations

import asyncio
import inspect
import json
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from upbit_auto_trading.application.trading.engine import ReplayWindow, RunningSession, StartRequest
from upbit_auto_trading.application.trading.ports import FeedEvent
from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.startup import startup
from upbit_auto_trading.domain.strategy.serialization import strategy_from_json
from upbit_auto_trading.domain.trading.journal import JournalOrder, JournalState
from upbit_auto_trading.domain.trading.position import Position, position_from
from upbit_auto_trading.domain.trading.session import TradingMode
from upbit_auto_trading.domain.trigger.condition import TradingCondition
from upbit_auto_trading.infrastructure.trading.replay_feed import ReplayFeed
from upbit_auto_trading.infrastructure.upbit_sim.factory import DEMO_ACCESS_KEY
from upbit_auto_trading.infrastructure.upbit_sim.orders import SimOrder

MARKET = "KRW-BTC"
ACCESS_KEY = DEMO_ACCESS_KEY  # the replay account of every replay session
ALWAYS = "Drill: price above 1 KRW"
RISK_OFF = {"caution_loss_pct": None, "defense_loss_pct": None, "halt_loss_pct": None}
PLACED = (JournalState.OPEN, JournalState.DONE, JournalState.CANCELLED)  # the exchange took these


def seed_home(home: Path) -> Path:
    """A home with the bundled KRW-BTC candles, the sample strategy and its triggers (slow: once per run)."""
    home.mkdir(parents=True, exist_ok=True)
    container = build_container(home=home)
    startup(container)
    container.core.database_session().close_all()
    return home


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def window(start: str, end: str, speed_ms: float = 0.0) -> ReplayWindow:
    return ReplayWindow(utc(start), utc(end), speed_ms)


def replay_request(strategy: str, start: str, end: str, *, speed_ms: float = 0.0,
                   budget: Decimal = Decimal("1000000")) -> StartRequest:  # fmt: skip
    return StartRequest(strategy=strategy, markets=(MARKET,), timeframe="1h", mode=TradingMode.REPLAY,
                        budget=budget, replay=window(start, end, speed_ms))  # fmt: skip


def drill_strategy(container: Any, *, hold: int = 2, cooldown: int = 3, cash_pct: int = 50) -> str:
    """A strategy that enters on every candle it may (a trigger that always holds), leaves after ``hold``
    candles (time exit) and waits ``cooldown`` candles: a trade every few candles, in any window."""
    triggers = container.triggers.trigger_repository()
    if triggers.get(ALWAYS) is None:
        catalogue = container.triggers.catalogue_repository().load()
        triggers.add(TradingCondition.create(catalogue, name=ALWAYS, variable_id="CURRENT_PRICE",
                                             operator="gt", value=1))  # fmt: skip
    name = f"Drill: in for {hold}, out for {cooldown}"
    repo = container.strategies.strategy_repository()
    if repo.get(name) is None:
        doc = {
            "schema_version": 1, "name": name, "description": "fault drills of the trading engine",
            "entry": {"groups": [{"triggers": [{"name": ALWAYS, "id": None}]}]},
            "management": [{"type": "time_exit", "candles": hold}],
            "sizing": {"mode": "cash_percent", "value": cash_pct},
            "cooldown_candles": cooldown, "same_candle_policy": "conservative",
        }  # fmt: skip
        repo.add(strategy_from_json(json.dumps(doc)))
    return name


# --- the loopback server's side -------------------------------------------------------------------------------


def server_orders(server: Any, identifier: str | None = None) -> list[SimOrder]:
    """The orders the loopback server holds (optionally those with one identifier), in placement order."""
    with server.state.lock:
        orders = sorted(server.state.exchange.orders.values(), key=lambda o: o.seq)
    return [o for o in orders if identifier is None or o.identifier == identifier]


def coin_total(server: Any, currency: str = "BTC") -> Decimal:
    balance, locked = server.balance(ACCESS_KEY, currency)
    return balance + locked


def placed(orders: list[JournalOrder]) -> list[JournalOrder]:
    return [o for o in orders if o.state in PLACED]


def position(journal: Any, sid: str, market: str = MARKET) -> Position:
    """The session's position on ``market`` as its journal's fills add up."""
    return position_from(market, journal.fills(sid))


# --- hooks in the replay feed ------------------------------------------------------------------------------------


@dataclass
class Moment:
    """The session between two feed events (the runner has handled every earlier event)."""

    running: RunningSession
    feed: ReplayFeed
    event: FeedEvent  # the next event, about to be handed to the runner

    @property
    def sid(self) -> str:
        return self.running.runner.session.session_id

    @property
    def desk(self) -> Any:
        return self.running.runner.parts.desk

    @property
    def server(self) -> Any:
        return self.running.adapters.server  # type: ignore[attr-defined]

    @property
    def journal(self) -> Any:
        return self.desk.journal

    def holding(self) -> bool:
        """A position is open and no order is under way."""
        return self.desk.position(self.sid, MARKET).is_open and not self.desk.unfinished(self.sid, MARKET)

    def flat(self) -> bool:
        return not self.desk.position(self.sid, MARKET).is_open and not self.desk.unfinished(self.sid, MARKET)

    def orders(self) -> list[JournalOrder]:
        return self.journal.orders(self.sid)


Rule = Callable[[Moment], "Awaitable[None] | None"]


class Pause:
    """Stops the feed the first time ``predicate`` holds: the engine idles (as between two prices) until
    ``release()``, a stop or a detach. ``reached`` is set then; ``moment`` is where it stopped."""

    def __init__(self, predicate: Callable[[Moment], bool]) -> None:
        self._predicate = predicate
        self.reached = asyncio.Event()
        self._released = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None  # the engine's, where the feed waits
        self.moment: Moment | None = None

    async def __call__(self, moment: Moment) -> None:
        if self.moment is not None or not self._predicate(moment):
            return
        self._loop = asyncio.get_running_loop()
        self.moment = moment
        self.reached.set()
        await self._released.wait()

    def release(self) -> None:
        """From any thread: the desktop's engine runs on a loop of its own."""
        loop = self._loop
        try:
            here = asyncio.get_running_loop()
        except RuntimeError:
            here = None
        if loop is None or loop is here or loop.is_closed():
            self._released.set()
            return
        try:
            loop.call_soon_threadsafe(self._released.set)
        except RuntimeError:  # closed in between: nothing waits any more
            self._released.set()


class FeedHooks:
    def __init__(self) -> None:
        self.rules: list[Rule] = []
        self.engines: list[Any] = []

    def install(self, monkeypatch: Any) -> None:
        original = ReplayFeed.events
        hooks = self

        def events(feed: ReplayFeed):  # noqa: ANN202 - an async iterator
            return hooks._hooked(feed, original(feed))

        monkeypatch.setattr(ReplayFeed, "events", events)

    def every(self, rule: Rule) -> Rule:
        self.rules.append(rule)
        return rule

    def pause_when(self, predicate: Callable[[Moment], bool]) -> Pause:
        pause = Pause(predicate)
        self.rules.append(pause)
        return pause

    def _running_of(self, feed: ReplayFeed) -> RunningSession | None:
        for engine in self.engines:
            for running in engine.running.values():
                if running.adapters.feed is feed:
                    return running
        return None

    async def _hooked(self, feed: ReplayFeed, inner: Any) -> Any:
        async for event in inner:
            running = self._running_of(feed)
            if running is not None:
                for rule in list(self.rules):
                    result = rule(Moment(running, feed, event))
                    if inspect.isawaitable(result):
                        await result
            yield event


# --- the drill: homes, containers, engines --------------------------------------------------------------------------


class Drill:
    def __init__(self, home: Path, hooks: FeedHooks) -> None:
        self.home = home
        self.hooks = hooks
        self._containers: list[Any] = []
        self._buses: list[Any] = []

    def container(self, **overrides: Any) -> Any:
        """A new container on the drill's home (a new process after a crash), risk limits off, and no watchdog
        process for live sessions (tests/integration/trading/test_watchdog.py turns it on)."""
        settings = {"trading": {"risk": RISK_OFF, "watchdog": {"enabled": False}}, **overrides}
        container = build_container(home=self.home, overrides=settings)
        startup(container)
        self._containers.append(container)
        return container

    async def bus(self, container: Any) -> Any:
        bus = container.event_bus.bus()
        await bus.start()
        self._buses.append(bus)
        return bus

    def engine(self, container: Any, bus: Any = None) -> Any:
        engine = container.trading.engine(bus=bus) if bus is not None else container.trading.engine()
        self.hooks.engines.append(engine)
        return engine

    async def reach(self, engine: Any, sid: str, pause: Pause, timeout: float = 15.0) -> Moment:
        """Wait for ``pause`` (failing if the session ends first)."""
        running = engine.running[sid]
        reached = asyncio.ensure_future(pause.reached.wait())
        ended = asyncio.ensure_future(running.done.wait())
        try:
            await asyncio.wait({reached, ended}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            reached.cancel()
            ended.cancel()
        assert pause.moment is not None, f"the replay ended (error {running.error!r}) before the pause was reached"
        return pause.moment

    async def finish(self, engine: Any, sid: str, timeout: float = 18.0) -> RunningSession:
        """Wait for the replay to end; close its adapters (the server stays readable in memory)."""
        await asyncio.wait_for(engine.wait(sid), timeout)
        running = engine.running.pop(sid)
        await running.adapters.close()
        assert not running.error, running.error
        return running

    async def close(self) -> None:
        for engine in self.hooks.engines:
            for sid in list(engine.running):
                running = engine.running.pop(sid)
                running.runner.stop()
                if running.task is not None and not running.task.done():
                    running.task.cancel()
                    await asyncio.gather(running.task, return_exceptions=True)
                await running.adapters.close()
        for bus in self._buses:
            await bus.stop()
        for container in self._containers:
            container.core.database_session().close_all()


def copy_home(template: Path, target: Path) -> Path:
    shutil.copytree(template, target)
    return target


# ----- the Trading tab's tests (tests/ui/trading)
async def until(predicate: Callable[[], bool], timeout: float = 20.0, what: str = "") -> None:
    """Let the loop (the GUI, the engine, the bus) run until ``predicate`` holds."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        assert loop.time() < end, f"timed out waiting for {what or predicate}"
        await asyncio.sleep(0.05)


def desk_container(home: Path, *, profile: str | None = None, **overrides: Any) -> Any:
    """A started container on ``home`` with the risk limits and the watchdog off (``overrides`` added)."""
    settings = {"trading": {"risk": RISK_OFF, "watchdog": {"enabled": False}}, **overrides}
    container = build_container(home=home, profile=profile, overrides=settings)
    startup(container)
    return container


def trading_tab(qtbot: Any, services: Any) -> Any:
    """The Trading tab built from ``services``, shown at a desk's size."""
    from upbit_auto_trading.presentation.desktop.trading.screen import build

    widget = build(services, None)
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    return widget
