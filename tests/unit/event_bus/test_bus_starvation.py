from __future__ import annotations

import asyncio

import pytest

from upbit_auto_trading.application.event_bus import EventPriority
from upbit_auto_trading.application.event_bus.queues import PriorityQueues

from .bus_fakes import Ping, make_bus


def _drain_positions(queues: PriorityQueues) -> list[tuple[EventPriority, str]]:
    return [(p, e.source) for p, e in queues.drain()]


@pytest.mark.parametrize("limit", [1, 8, 64])
def test_low_event_runs_within_the_documented_bound_under_a_critical_flood(limit: int) -> None:
    queues = PriorityQueues(starvation_limit=limit)
    queues.push(EventPriority.LOW_LOGGING, Ping(source="low"))
    for n in range(1000):
        queues.push(EventPriority.CRITICAL_TRADING, Ping(source=f"c{n}"))
    order = [source for _, source in _drain_positions(queues)]
    # exactly `limit` CRITICAL events go before the waiting LOW one; bound is limit + 4
    assert order.index("low") == limit
    assert order.index("low") <= limit + 4
    assert [s for s in order if s != "low"] == [f"c{n}" for n in range(1000)]  # FIFO kept


def test_bound_holds_for_every_level_at_once() -> None:
    limit = 10
    queues = PriorityQueues(starvation_limit=limit)
    for p in (
        EventPriority.HIGH_SAFETY,
        EventPriority.MEDIUM_CONFIG,
        EventPriority.LOW_LOGGING,
        EventPriority.LOWEST_CLEANUP,
    ):
        queues.push(p, Ping(source=p.name))
    for n in range(500):
        queues.push(EventPriority.CRITICAL_TRADING, Ping(source=f"c{n}"))
    order = [source for _, source in _drain_positions(queues)]
    # HIGH is never starved here: it is the highest waiting level after CRITICAL... but CRITICAL floods,
    # so every level waits at most limit + 4 dispatches
    for p in ("HIGH_SAFETY", "MEDIUM_CONFIG", "LOW_LOGGING", "LOWEST_CLEANUP"):
        assert order.index(p) <= limit + 4, (p, order.index(p))
    # ties go to the higher priority
    assert order.index("HIGH_SAFETY") < order.index("MEDIUM_CONFIG") < order.index("LOW_LOGGING")


def test_no_flood_means_strict_priority() -> None:
    queues = PriorityQueues(starvation_limit=4)
    queues.push(EventPriority.LOW_LOGGING, Ping(source="low"))
    for n in range(3):
        queues.push(EventPriority.HIGH_SAFETY, Ping(source=f"h{n}"))
    assert [s for _, s in _drain_positions(queues)] == ["h0", "h1", "h2", "low"]
    assert queues.forced == 0


async def test_bus_anti_starvation_under_sustained_publishing() -> None:
    """A publisher keeps the CRITICAL queue non-empty while the LOW event waits."""
    limit = 16
    bus, _, _ = make_bus(starvation_limit=limit)
    dispatched: list[str] = []

    async def on_ping(event: Ping) -> None:
        dispatched.append(event.source)
        if event.source.startswith("c") and len(dispatched) < 2000:
            await bus.publish(Ping(source=f"c{len(dispatched)}"), EventPriority.CRITICAL_TRADING)

    bus.subscribe(Ping, on_ping)
    await bus.publish(Ping(source="c-first"), EventPriority.CRITICAL_TRADING)
    await bus.publish(Ping(source="c-second"), EventPriority.CRITICAL_TRADING)
    await bus.publish(Ping(source="low"), EventPriority.LOW_LOGGING)
    await bus.start()
    await asyncio.wait_for(bus.join(), 10)
    await bus.stop()
    assert "low" in dispatched
    assert dispatched.index("low") <= limit + 4
    assert bus.stats().forced_by_starvation_rule >= 1
