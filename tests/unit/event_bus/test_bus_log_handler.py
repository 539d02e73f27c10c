"""Log records reach LogLineEvent subscribers through the bus, from any thread, without feedback loops."""

from __future__ import annotations

import asyncio
import logging
import threading

from upbit_auto_trading.application.event_bus import EventPriority, LogLineEvent, RetryPolicy
from upbit_auto_trading.infrastructure.logging.bus_handler import (
    install_bus_log_handler,
    remove_bus_log_handler,
)

from .bus_fakes import make_bus

log = logging.getLogger("tests.bus_log_handler")


async def test_log_lines_arrive_as_low_priority_events_from_any_thread() -> None:
    bus, _, _ = make_bus()
    lines: list[LogLineEvent] = []
    priorities: list[EventPriority] = []
    bus.subscribe(LogLineEvent, lines.append)
    bus.add_tap(lambda e, p: priorities.append(p))
    handler = install_bus_log_handler(bus)
    assert install_bus_log_handler(bus) is handler  # once
    old_level = log.level
    log.setLevel(logging.INFO)
    try:
        log.info("before start is skipped")
        await bus.start()
        log.info("from the loop thread")
        thread = threading.Thread(target=lambda: log.warning("from a worker access_key=abcdef"))
        thread.start()
        await asyncio.to_thread(thread.join)
        await asyncio.sleep(0.01)
        await bus.join()
    finally:
        remove_bus_log_handler(handler)
        log.setLevel(old_level)
        await bus.stop()
    mine = [e for e in lines if e.logger == "tests.bus_log_handler"]
    assert [(e.level, e.message) for e in mine] == [
        ("INFO", "from the loop thread"),
        ("WARNING", "from a worker access_key=[REDACTED]"),
    ]
    assert mine[0].component == "tests.bus_log_handler" and mine[0].time == mine[0].timestamp
    assert set(priorities) == {EventPriority.LOW_LOGGING}


async def test_a_failing_log_subscriber_does_not_feed_itself() -> None:
    bus, _, _ = make_bus(retry=RetryPolicy(max_retries=1, base_delay=0.001))
    calls: list[str] = []

    def broken_view(event: LogLineEvent) -> None:
        calls.append(event.message)
        raise RuntimeError("widget gone")

    bus.subscribe(LogLineEvent, broken_view)
    handler = install_bus_log_handler(bus)
    try:
        await bus.start()
        log.warning("one line")
        await bus.join()
        await asyncio.sleep(0.02)
        await bus.join()
    finally:
        remove_bus_log_handler(handler)
        await bus.stop()
    assert calls.count("one line") == 2  # first attempt + one retry
    assert len(calls) <= 4  # no endless chain of failure reports about log lines
