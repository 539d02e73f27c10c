from __future__ import annotations

import asyncio
import time

import pytest

from upbit_auto_trading.application.event_bus import CriticalFailure, EventPriority, RetryPolicy
from upbit_auto_trading.application.event_bus.ports import ALL_HANDLERS

from .bus_fakes import Other, Ping, make_bus


class Flaky:
    """Fails the first ``failures`` calls, then succeeds; records call times."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls: list[float] = []

    def __call__(self, event: Ping) -> None:
        self.calls.append(time.monotonic())
        if len(self.calls) <= self.failures:
            raise RuntimeError(f"boom {len(self.calls)}")


async def test_failing_handler_does_not_affect_others_or_the_bus() -> None:
    bus, _, _ = make_bus(retry=RetryPolicy(max_retries=0))
    good: list[int] = []

    def bad(event: Ping) -> None:
        raise ValueError("bad handler")

    async def bad_async(event: Ping) -> None:
        raise KeyError("bad async handler")

    bus.subscribe(Ping, bad)
    bus.subscribe(Ping, bad_async)
    bus.subscribe(Ping, lambda e: good.append(e.n))
    await bus.start()
    for n in range(10):
        await bus.publish(Ping(n=n))
    await bus.join()
    assert good == list(range(10))
    assert bus.is_running
    assert bus.stats().handler_failures == 20
    await bus.stop()


async def test_retries_with_exponential_backoff_then_success() -> None:
    bus, dead, _ = make_bus(retry=RetryPolicy(max_retries=3, base_delay=0.01, factor=2.0))
    flaky = Flaky(failures=2)
    other: list[int] = []
    bus.subscribe(Ping, flaky)
    bus.subscribe(Ping, lambda e: other.append(e.n))
    await bus.start()
    await bus.publish(Ping(n=1))
    await bus.join()
    await bus.stop()
    assert len(flaky.calls) == 3  # two failures, then success on retry 2
    assert other == [1]  # the healthy handler got it once, not on every retry
    gaps = [b - a for a, b in zip(flaky.calls, flaky.calls[1:], strict=False)]
    # lower bounds only (a sleep never ends early by more than clock granularity)
    assert gaps[0] >= 0.01 * 0.9
    assert gaps[1] >= 0.02 * 0.9
    assert dead.list() == []
    assert bus.stats().retries == 2


def test_backoff_delays_and_per_type_policy() -> None:
    policy = RetryPolicy(max_retries=4, base_delay=0.5, factor=2.0, max_delay=3.0)
    assert [policy.delay(n) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 3.0]
    bus, _, _ = make_bus()
    assert RetryPolicy().max_retries == 3
    bus.set_retry_policy(Ping, RetryPolicy(max_retries=7))
    from .bus_fakes import SubPing

    assert bus.retry_policy(SubPing).max_retries == 7
    assert bus.retry_policy(Other).max_retries == 3


async def test_critical_failure_and_dead_letter_after_last_retry() -> None:
    bus, dead, _ = make_bus(retry=RetryPolicy(max_retries=3, base_delay=0.001))
    bus.set_retry_policy(Other, RetryPolicy(max_retries=1, base_delay=0.001))
    always = Flaky(failures=10**6)
    failures: list[CriticalFailure] = []
    bus.subscribe(Ping, always, name="tests.always_failing")
    bus.subscribe(Other, always, name="tests.always_failing")
    bus.subscribe(CriticalFailure, failures.append)
    await bus.start()
    ping = Ping(n=5, source="strategy")
    await bus.publish(ping, EventPriority.CRITICAL_TRADING)
    await bus.join()
    assert len(always.calls) == 4  # 1 + 3 retries
    assert len(failures) == 1
    failure = failures[0]
    assert failure.failed_event_id == ping.event_id
    assert failure.attempts == 4
    assert failure.correlation_id == ping.correlation_id and failure.causation_id == ping.event_id
    letters = dead.list()
    assert len(letters) == 1
    assert letters[0].event == ping and letters[0].handler == "tests.always_failing"
    assert letters[0].priority is EventPriority.CRITICAL_TRADING
    assert failure.dead_letter_id == letters[0].letter_id

    await bus.publish(Other())  # per-type policy: 1 retry only
    await bus.join()
    assert len(always.calls) == 6
    assert len(failures) == 2
    await bus.stop()


async def test_failing_critical_failure_handler_makes_no_loop() -> None:
    bus, dead, _ = make_bus(retry=RetryPolicy(max_retries=0))

    def boom(event: object) -> None:
        raise RuntimeError("x")

    bus.subscribe(Ping, boom)
    bus.subscribe(CriticalFailure, boom)
    await bus.start()
    await bus.publish(Ping())
    await bus.join()
    await bus.stop()
    assert len(dead.list()) == 2  # the Ping and the CriticalFailure; no third
    assert bus.stats().dead_letters == 2


async def test_retry_and_discard_dead_letters() -> None:
    bus, dead, _ = make_bus(retry=RetryPolicy(max_retries=0))
    flaky = Flaky(failures=1)
    bus.subscribe(Ping, flaky, name="tests.flaky")
    await bus.start()
    await bus.publish(Ping(n=1))
    await bus.publish(Ping(n=2))
    await bus.join()
    letters = await bus.dead_letters()
    assert [letter.event.n for letter in letters] == [1]  # type: ignore[attr-defined]
    assert await bus.retry_dead_letter(letters[0].letter_id) is True
    assert len(flaky.calls) == 3 and await bus.dead_letters() == []

    from upbit_auto_trading.application.event_bus.ports import DeadLetter

    dead.add(DeadLetter(Ping(n=9), EventPriority.MEDIUM_CONFIG, ALL_HANDLERS, "undelivered", 0))
    dead.add(DeadLetter(Ping(n=10), EventPriority.MEDIUM_CONFIG, ALL_HANDLERS, "undelivered", 0))
    first, second = await bus.dead_letters()
    assert await bus.discard_dead_letter(first.letter_id) is True
    await bus.retry_dead_letter(second.letter_id)  # re-published to everyone
    await bus.join()
    assert len(flaky.calls) == 4 and await bus.dead_letters() == []
    await bus.stop()


async def test_async_handler_timeout_counts_as_failure() -> None:
    bus, dead, _ = make_bus(retry=RetryPolicy(max_retries=0), handler_timeout=0.01)
    after: list[int] = []

    async def hangs(event: Ping) -> None:
        await asyncio.sleep(60)

    bus.subscribe(Ping, hangs)
    bus.subscribe(Ping, lambda e: after.append(e.n))
    await bus.start()
    await bus.publish(Ping(n=3))
    await asyncio.wait_for(bus.join(), 5)
    await bus.stop()
    assert after == [3]
    assert "TimeoutError" in dead.list()[0].error


async def test_retrying_an_undelivered_event_nobody_here_handles_keeps_it() -> None:
    from upbit_auto_trading.application.errors import ConflictError
    from upbit_auto_trading.application.event_bus.ports import DeadLetter

    bus, dead, _ = make_bus()
    bus.subscribe(Other, lambda e: None)  # a subscriber, but not for Ping
    dead.add(DeadLetter(Ping(n=1), EventPriority.CRITICAL_TRADING, ALL_HANDLERS, "undelivered", 0))
    (letter,) = await bus.dead_letters()
    await bus.start()
    with pytest.raises(ConflictError, match="Ping"):
        await bus.retry_dead_letter(letter.letter_id)
    assert [x.letter_id for x in await bus.dead_letters()] == [letter.letter_id]
    assert bus.stats().published[EventPriority.CRITICAL_TRADING] == 0
    await bus.stop()
