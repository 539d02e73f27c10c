from __future__ import annotations

import asyncio

from upbit_auto_trading.application.event_bus import Event, EventPriority
from upbit_auto_trading.application.event_bus.bus import EventBus

from .bus_fakes import ALL, Other, Ping, SubPing, make_bus


def test_public_surface_and_priority_order() -> None:
    from upbit_auto_trading.application.event_bus import Event as Reexported
    from upbit_auto_trading.domain.events import Event as DomainEvent

    assert Reexported is DomainEvent
    assert [p.name for p in EventPriority] == [
        "CRITICAL_TRADING",
        "HIGH_SAFETY",
        "MEDIUM_CONFIG",
        "LOW_LOGGING",
        "LOWEST_CLEANUP",
    ]
    assert EventBus() is not None  # buildable without the container


async def test_higher_priority_first_fifo_within() -> None:
    bus, _, _ = make_bus()
    seen: list[tuple[str, int]] = []
    bus.subscribe(Ping, lambda e: seen.append((e.source, e.n)))
    # Queue everything before the dispatcher runs, lowest priority first.
    for priority in reversed(ALL):
        for n in range(5):
            await bus.publish(Ping(source=priority.name, n=n), priority)
    await bus.start()
    await bus.join()
    await bus.stop()
    expected = [(p.name, n) for p in ALL for n in range(5)]
    assert seen == expected


async def test_queued_critical_overtakes_queued_low_while_running() -> None:
    bus, _, _ = make_bus()
    seen: list[str] = []

    async def slow(event: Ping) -> None:
        seen.append(event.source)
        await asyncio.sleep(0)

    bus.subscribe(Ping, slow)
    await bus.start()
    for n in range(50):
        await bus.publish(Ping(source=f"low{n}"), EventPriority.LOW_LOGGING)
    await asyncio.sleep(0)  # the dispatcher takes the first LOW ones
    await bus.publish(Ping(source="critical"), EventPriority.CRITICAL_TRADING)
    await bus.join()
    await bus.stop()
    assert len(seen) == 51
    # the CRITICAL event went ahead of every LOW event still queued when it was published
    assert seen.index("critical") < 10
    assert [s for s in seen if s != "critical"] == [f"low{n}" for n in range(50)]


async def test_subscription_matches_subclasses_in_subscription_order() -> None:
    bus, _, _ = make_bus()
    seen: list[str] = []
    bus.subscribe(SubPing, lambda e: seen.append("sub"))
    bus.subscribe(Event, lambda e: seen.append("any"))
    bus.subscribe(Ping, lambda e: seen.append("ping"))
    await bus.start()
    await bus.publish(SubPing(), EventPriority.MEDIUM_CONFIG)
    await bus.publish(Ping(), EventPriority.MEDIUM_CONFIG)
    await bus.publish(Other(), EventPriority.MEDIUM_CONFIG)
    await bus.join()
    await bus.stop()
    assert seen == ["sub", "any", "ping", "any", "ping", "any"]


async def test_sync_and_async_handlers_and_unsubscribe() -> None:
    bus, _, _ = make_bus()
    sync_seen: list[int] = []
    async_seen: list[int] = []

    async def on_async(event: Ping) -> None:
        await asyncio.sleep(0)
        async_seen.append(event.n)

    sub = bus.subscribe(Ping, lambda e: sync_seen.append(e.n))
    bus.subscribe(Ping, on_async)
    await bus.start()
    await bus.publish(Ping(n=1))
    await bus.join()
    bus.unsubscribe(sub)
    await bus.publish(Ping(n=2))
    await bus.join()
    await bus.stop()
    assert sync_seen == [1]
    assert async_seen == [1, 2]


async def test_correlation_chain_and_taps() -> None:
    bus, _, _ = make_bus()
    tapped: list[tuple[str, EventPriority]] = []
    bus.add_tap(lambda e, p: tapped.append((e.event_id, p)))
    candle = Ping(source="candle")
    signal = candle.caused(Ping(source="signal"))
    order = signal.caused(Ping(source="order"))
    assert order.correlation_id == candle.event_id
    assert order.causation_id == signal.event_id and signal.causation_id == candle.event_id
    await bus.start()
    for e in (candle, signal):
        await bus.publish(e, EventPriority.HIGH_SAFETY)
    await bus.publish(order, EventPriority.CRITICAL_TRADING)
    await bus.join()
    await bus.stop()
    # all three were queued before the dispatcher ran: the CRITICAL one goes first
    assert tapped == [
        (order.event_id, EventPriority.CRITICAL_TRADING),
        (candle.event_id, EventPriority.HIGH_SAFETY),
        (signal.event_id, EventPriority.HIGH_SAFETY),
    ]
    stats = bus.stats()
    assert stats.dispatched[EventPriority.HIGH_SAFETY] == 2
    assert stats.published[EventPriority.CRITICAL_TRADING] == 1
