"""The event monitor presenter against a fake view (no Qt)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from upbit_auto_trading.application.event_bus import EventPriority, RetryPolicy
from upbit_auto_trading.application.event_bus.gate import ConfigChangeGate, ConfigChangeRequest
from upbit_auto_trading.application.event_bus.memory_stores import InMemoryHeldRequestStore
from upbit_auto_trading.domain.trading.events import TradingStarted
from upbit_auto_trading.presentation.desktop.event_monitor.model import (
    ChainRow,
    DeadLetterRow,
    EventRow,
    FailureRow,
    HeldRow,
    StatsSummary,
)
from upbit_auto_trading.presentation.desktop.event_monitor.presenter import EventMonitorPresenter

from .bus_fakes import Other, Ping, make_bus


class FakeView:
    def __init__(self) -> None:
        self.events: list[EventRow] = []
        self.types: list[str] = []
        self.stats: StatsSummary | None = None
        self.failures: list[FailureRow] = []
        self.dead: list[DeadLetterRow] = []
        self.held: list[HeldRow] = []
        self.chain: list[ChainRow] = []
        self.pending_alert = 0
        self.errors: list[str] = []
        self.infos: list[str] = []

    def show_events(self, rows: Sequence[EventRow]) -> None:
        self.events = list(rows)

    def set_event_types(self, types: Sequence[str]) -> None:
        self.types = list(types)

    def show_stats(self, stats: StatsSummary) -> None:
        self.stats = stats

    def show_failures(self, rows: Sequence[FailureRow]) -> None:
        self.failures = list(rows)

    def show_dead_letters(self, rows: Sequence[DeadLetterRow]) -> None:
        self.dead = list(rows)

    def show_held(self, rows: Sequence[HeldRow]) -> None:
        self.held = list(rows)

    def show_chain(self, correlation_id: str, rows: Sequence[ChainRow]) -> None:
        self.chain = list(rows)

    def alert_pending_decisions(self, count: int) -> None:
        self.pending_alert = count

    def show_error(self, message: str) -> None:
        self.errors.append(message)

    def show_info(self, message: str) -> None:
        self.infos.append(message)


async def test_live_events_filters_stats_and_chain() -> None:
    bus, _, _ = make_bus()
    view = FakeView()
    presenter = EventMonitorPresenter(view, bus)
    await bus.start()
    root = Ping(source="candle", n=1)
    child = root.caused(Other(source="signal"))
    grandchild = child.caused(Ping(source="order", n=3))
    await bus.publish(root, EventPriority.HIGH_SAFETY)
    await bus.publish(child, EventPriority.MEDIUM_CONFIG)
    await bus.publish(grandchild, EventPriority.CRITICAL_TRADING)
    await bus.publish(Ping(source="log"), EventPriority.LOW_LOGGING)
    await bus.join()
    assert view.events == []  # nothing reaches the view until the GUI timer ticks
    presenter.tick()
    assert [r.source for r in view.events] == ["log", "signal", "candle", "order"]  # newest first
    assert view.types == ["Other", "Ping"]
    assert view.stats is not None and view.stats.queues[0].dispatched == 1

    presenter.set_priority_filter(EventPriority.HIGH_SAFETY)
    assert [r.source for r in view.events] == ["candle"]
    presenter.set_priority_filter(None)
    presenter.set_type_filter("oth")
    assert [r.source for r in view.events] == ["signal"]

    rows = presenter.follow_event(grandchild.event_id)
    assert [(r.depth, r.source) for r in rows] == [(0, "candle"), (1, "signal"), (2, "order")]
    assert view.chain == rows
    presenter.close()
    await bus.stop()


async def test_failures_dead_letters_retry_and_discard() -> None:
    bus, _, _ = make_bus(retry=RetryPolicy(max_retries=0))
    calls: list[int] = []

    def flaky(event: Ping) -> None:
        calls.append(event.n)
        if len(calls) <= 2:
            raise RuntimeError("exchange down")

    bus.subscribe(Ping, flaky, name="tests.flaky")
    view = FakeView()
    presenter = EventMonitorPresenter(view, bus)
    await bus.start()
    await bus.publish(Ping(n=1))
    await bus.publish(Ping(n=2))
    await bus.join()
    presenter.tick()
    await asyncio.sleep(0.05)  # the dead-letter refresh the tick scheduled
    assert len(view.failures) == 2 and view.failures[0].final
    assert len(view.dead) == 2
    await presenter.retry_dead_letter(view.dead[0].letter_id)
    await presenter.discard_dead_letter(view.dead[0].letter_id)
    assert view.dead == []
    assert view.infos and view.errors == []
    await presenter.retry_dead_letter("no-such-id")
    assert view.errors  # shown, not raised into Qt
    await bus.stop()


async def test_held_changes_listed_cancelled_and_pending_alerted() -> None:
    store = InMemoryHeldRequestStore()
    bus, _, _ = make_bus()
    gate = ConfigChangeGate(bus, store)
    gate.register_applier("profile.switch", lambda p: None)
    view = FakeView()
    presenter = EventMonitorPresenter(view, bus, gate)
    await bus.start()
    await bus.publish(TradingStarted(strategy_id="s", market="KRW-BTC"), EventPriority.CRITICAL_TRADING)
    a = await gate.submit(ConfigChangeRequest(kind="profile.switch", payload={}, description="to test"))
    b = await gate.submit(ConfigChangeRequest(kind="profile.switch", payload={}, description="to prod"))
    await bus.join()
    presenter.tick()
    assert [(r.request_id, r.state) for r in view.held] == [(a.request_id, "held"), (b.request_id, "held")]
    await presenter.cancel_held(a.request_id)
    assert [r.request_id for r in view.held] == [b.request_id]
    await bus.stop()

    bus2, _, _ = make_bus()  # restart with b still held
    gate2 = ConfigChangeGate(bus2, store)
    gate2.register_applier("profile.switch", lambda p: None)
    view2 = FakeView()
    presenter2 = EventMonitorPresenter(view2, bus2, gate2)
    await bus2.start()
    presenter2.start()
    assert view2.pending_alert == 1
    assert [(r.request_id, r.state) for r in view2.held] == [(b.request_id, "decision")]
    await presenter2.apply_pending(b.request_id)
    assert view2.held == [] and view2.infos
    await asyncio.sleep(0.01)
    await bus2.stop()
