from __future__ import annotations

import asyncio

import pytest

from upbit_auto_trading.application.event_bus import EventPriority, EventsDropped, QueueFullError

from .bus_fakes import Ping, Progress, make_bus

SMALL = {p: 3 for p in EventPriority}


async def test_low_drops_oldest_counted_not_silent() -> None:
    bus, _, _ = make_bus(capacity=SMALL)
    seen: list[int] = []
    notices: list[EventsDropped] = []
    bus.subscribe(Ping, lambda e: seen.append(e.n))
    bus.subscribe(EventsDropped, notices.append)
    for n in range(10):
        await bus.publish(Ping(n=n), EventPriority.LOW_LOGGING)
    assert bus.stats().queue_depths[EventPriority.LOW_LOGGING] == 3
    await bus.start()
    await bus.join()
    await bus.stop()
    assert seen == [7, 8, 9]
    assert bus.stats().dropped[EventPriority.LOW_LOGGING] == 7
    assert notices and notices[0].dropped == 7 and notices[0].priority == "LOW_LOGGING"


async def test_lowest_coalesces_by_key_keeping_its_place() -> None:
    bus, _, _ = make_bus()
    seen: list[tuple[str, int]] = []
    bus.subscribe(Progress, lambda e: seen.append((e.task, e.percent)))
    for pct in range(0, 101, 10):
        await bus.publish(Progress(task="backup", percent=pct), EventPriority.LOWEST_CLEANUP)
        await bus.publish(Progress(task="vacuum", percent=pct), EventPriority.LOWEST_CLEANUP)
    await bus.start()
    await bus.join()
    await bus.stop()
    assert seen == [("backup", 100), ("vacuum", 100)]
    assert bus.stats().coalesced[EventPriority.LOWEST_CLEANUP] == 20


@pytest.mark.parametrize(
    "priority", [EventPriority.CRITICAL_TRADING, EventPriority.HIGH_SAFETY, EventPriority.MEDIUM_CONFIG]
)
async def test_never_dropped_priorities_make_the_publisher_wait(priority: EventPriority) -> None:
    bus, _, _ = make_bus(capacity=SMALL)
    seen: list[int] = []
    bus.subscribe(Ping, lambda e: seen.append(e.n))
    for n in range(3):
        await bus.publish(Ping(n=n), priority)
    with pytest.raises(QueueFullError):
        bus.publish_nowait(Ping(n=99), priority)
    with pytest.raises(QueueFullError):
        await bus.publish(Ping(n=99), priority, timeout=0.01)
    waiting = asyncio.ensure_future(bus.publish(Ping(n=3), priority, timeout=None))
    await asyncio.sleep(0.01)
    assert not waiting.done()  # blocked: the queue is full and nothing dispatches yet
    await bus.start()
    await asyncio.wait_for(waiting, 5)
    for n in range(4, 20):
        await bus.publish(Ping(n=n), priority)
    await bus.join()
    await bus.stop()
    assert seen == list(range(20))
    assert bus.stats().dropped[priority] == 0


async def test_publish_after_stop_is_an_error() -> None:
    from upbit_auto_trading.application.event_bus import BusClosedError, BusNotRunningError

    bus, _, _ = make_bus()
    with pytest.raises(BusNotRunningError):
        bus.publish_threadsafe(Ping())
    await bus.start()
    await bus.stop()
    with pytest.raises(BusClosedError):
        await bus.publish(Ping())
    with pytest.raises(BusClosedError):
        bus.publish_threadsafe(Ping())
