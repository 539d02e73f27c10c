"""The use cases' publisher on a real bus: from the loop thread, from a worker thread, before the bus starts
(queued, dispatched once it runs) and after it stopped (a warning naming the event, never a silent drop);
and the NullPublisher, which publishes nothing by construction."""

from __future__ import annotations

import asyncio
import logging
import threading

from upbit_auto_trading.application.event_bus import Event, EventPriority
from upbit_auto_trading.application.event_bus.publisher import BusPublisher
from upbit_auto_trading.application.ports.event_publisher import NullPublisher

from .bus_fakes import Ping, make_bus


def _recording(bus):
    received: list[tuple[int, EventPriority]] = []
    bus.add_tap(
        lambda event, priority: received.append((event.n, priority)) if isinstance(event, Ping) else None
    )
    return received


async def test_published_from_the_loop_thread_and_from_a_worker_thread_at_medium() -> None:
    bus, _, _ = make_bus()
    received = _recording(bus)
    publisher = BusPublisher(bus)
    await bus.start()
    assert bus.in_loop_thread()
    publisher.publish(Ping(n=1))
    worker = threading.Thread(target=lambda: publisher.publish(Ping(n=2)))
    worker.start()
    await asyncio.to_thread(worker.join)
    assert not await asyncio.to_thread(bus.in_loop_thread)
    await asyncio.sleep(0.01)
    await bus.join()
    await bus.stop()
    assert received == [(1, EventPriority.MEDIUM_CONFIG), (2, EventPriority.MEDIUM_CONFIG)]


async def test_published_before_the_bus_starts_is_dispatched_once_it_runs() -> None:
    bus, _, _ = make_bus()
    received = _recording(bus)
    publisher = BusPublisher(bus)
    publisher.publish(Ping(n=1))  # the desktop prepares a new profile before its loop runs
    await asyncio.to_thread(publisher.publish, Ping(n=2))  # also from another thread
    assert received == []
    await bus.start()
    await bus.join()
    await bus.stop()
    assert received == [(1, EventPriority.MEDIUM_CONFIG), (2, EventPriority.MEDIUM_CONFIG)]


async def test_published_after_the_bus_stopped_is_a_warning_not_an_error(caplog) -> None:
    bus, _, _ = make_bus()
    received = _recording(bus)
    publisher = BusPublisher(bus)
    await bus.start()
    await bus.stop()
    with caplog.at_level(logging.WARNING, logger="upbit_auto_trading.application.event_bus.publisher"):
        publisher.publish(Ping(n=1))  # the use case has done its work: no exception reaches it
    assert received == []
    assert any("Ping was not published on the event bus" in r.getMessage() for r in caplog.records)


async def test_a_full_queue_seen_from_a_worker_thread_is_reported(caplog) -> None:
    bus, _, _ = make_bus(capacity={EventPriority.MEDIUM_CONFIG: 1}, publish_timeout=0.05)
    publisher = BusPublisher(bus)
    await bus.start()
    gate = asyncio.Event()

    async def slow(event: Event) -> None:
        await gate.wait()

    bus.subscribe(Ping, slow)
    with caplog.at_level(logging.WARNING, logger="upbit_auto_trading.application.event_bus.publisher"):
        publisher.publish(Ping(n=1))  # dispatched, its handler waits
        await asyncio.sleep(0.01)
        publisher.publish(Ping(n=2))  # fills the queue
        await asyncio.to_thread(publisher.publish, Ping(n=3))  # waits for room, then gives up
        await asyncio.sleep(0.2)
    gate.set()
    await bus.join()
    await bus.stop()
    assert any("Ping was not published on the event bus" in r.getMessage() for r in caplog.records)


async def test_the_null_publisher_publishes_nothing_and_says_why(caplog) -> None:
    bus, _, _ = make_bus()
    received = _recording(bus)
    publisher = NullPublisher(reason="this command runs no event bus")
    await bus.start()
    with caplog.at_level(logging.DEBUG, logger="upbit_auto_trading.application.ports.event_publisher"):
        publisher.publish(Ping(n=1))
    await bus.join()
    await bus.stop()
    assert received == [] and bus.stats().published[EventPriority.MEDIUM_CONFIG] == 0
    assert any("this command runs no event bus" in r.getMessage() for r in caplog.records)
