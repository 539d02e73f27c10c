from __future__ import annotations

import asyncio

from upbit_auto_trading.application.event_bus import EventBus, EventPriority
from upbit_auto_trading.application.event_bus.ports import ALL_HANDLERS

from .bus_fakes import Ping, make_bus


async def test_stop_drains_what_it_can_within_the_timeout() -> None:
    bus, _, undelivered = make_bus()
    seen: list[int] = []
    bus.subscribe(Ping, lambda e: seen.append(e.n))
    await bus.start()
    for n in range(100):
        await bus.publish(Ping(n=n), EventPriority.MEDIUM_CONFIG)
    assert await bus.stop(timeout=5) == 0
    assert seen == list(range(100))
    assert undelivered.take_all() == []


async def test_stop_persists_undelivered_medium_and_above_only() -> None:
    bus, dead, undelivered = make_bus()
    release = asyncio.Event()
    seen: list[str] = []

    async def stuck(event: Ping) -> None:
        seen.append(event.source)
        if event.source == "first":
            await release.wait()  # never set: the drain times out

    bus.subscribe(Ping, stuck)
    await bus.start()
    await bus.publish(Ping(source="first"), EventPriority.CRITICAL_TRADING)
    await asyncio.sleep(0.01)
    for p in EventPriority:
        await bus.publish(Ping(source=p.name), p)
    persisted = await bus.stop(timeout=0.05)
    saved = undelivered.take_all()
    # the interrupted one first, then the queue in dispatch order; LOW and LOWEST are discarded, counted
    assert [e.source for _, e in saved] == ["first", "CRITICAL_TRADING", "HIGH_SAFETY", "MEDIUM_CONFIG"]
    assert persisted == 4
    assert bus.stats().dropped[EventPriority.LOW_LOGGING] == 1
    assert bus.stats().dropped[EventPriority.LOWEST_CLEANUP] == 1

    # next start: they come back as dead letters for the user, not replayed silently
    undelivered.save(saved)
    bus2 = EventBus(dead_letters=dead, undelivered=undelivered)
    replayed: list[str] = []
    bus2.subscribe(Ping, lambda e: replayed.append(e.source))
    await bus2.start()
    await bus2.join()
    letters = await bus2.dead_letters()
    assert [letter.event.source for letter in letters] == [
        "first",
        "CRITICAL_TRADING",
        "HIGH_SAFETY",
        "MEDIUM_CONFIG",
    ]
    assert all(letter.handler == ALL_HANDLERS for letter in letters)
    assert replayed == []
    await bus2.retry_dead_letter(letters[2].letter_id)
    await bus2.join()
    assert replayed == ["HIGH_SAFETY"]
    await bus2.stop()


async def test_pending_retries_become_dead_letters_at_shutdown() -> None:
    from upbit_auto_trading.application.event_bus import RetryPolicy

    bus, dead, _ = make_bus(retry=RetryPolicy(max_retries=3, base_delay=30))

    def fails(event: Ping) -> None:
        raise RuntimeError("down")

    bus.subscribe(Ping, fails, name="tests.fails")
    await bus.start()
    await bus.publish(Ping(n=1))
    await asyncio.sleep(0.01)
    await bus.stop(timeout=1)
    letters = dead.list()
    assert len(letters) == 1 and letters[0].handler == "tests.fails"
    assert "shut down before retry" in letters[0].error


async def test_async_with_starts_and_stops() -> None:
    bus, _, _ = make_bus()
    seen: list[int] = []
    bus.subscribe(Ping, lambda e: seen.append(e.n))
    async with bus:
        assert bus.is_running
        await bus.publish(Ping(n=1))
    assert not bus.is_running and seen == [1]
