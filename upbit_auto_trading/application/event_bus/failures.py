"""What the bus does when a handler raises: retries with backoff, then a dead letter and a CriticalFailure.

Attempt 1 is the dispatch itself; retries are attempts 2 .. max_retries + 1, each after ``policy.delay(n)``
s, delivered to the failed handler only (the others already have the event). The handler owns its
collaborators (the retry scheduler, the dead-letter office) and reaches the bus only through ``alarm``,
which queues the CriticalFailure.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from typing import Any, cast

from upbit_auto_trading.application.event_bus.dead_letters import DeadLetterOffice
from upbit_auto_trading.application.event_bus.events import CriticalFailure
from upbit_auto_trading.application.event_bus.ports import DeadLetter
from upbit_auto_trading.application.event_bus.priority import EventPriority
from upbit_auto_trading.application.event_bus.retry import RetryPolicies
from upbit_auto_trading.application.event_bus.retry_scheduler import PendingRetry, RetryScheduler
from upbit_auto_trading.application.event_bus.stats import HandlerFailure
from upbit_auto_trading.application.event_bus.subscriptions import Subscription
from upbit_auto_trading.domain.events import Event

# the bus's logger: the monitor and the log handler follow the bus's lines by this name
log = logging.getLogger("upbit_auto_trading.application.event_bus.bus")

Alarm = Callable[[CriticalFailure], None]


def describe_error(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class FailureHandler:
    """``alarm(failure)`` queues a CriticalFailure at HIGH_SAFETY (even while the bus stops)."""

    def __init__(
        self,
        *,
        policies: RetryPolicies,
        dead_letters: DeadLetterOffice,
        alarm: Alarm,
        handler_timeout: float | None = None,
        recent_failures: int = 200,
    ) -> None:
        self._policies = policies
        self._dead_letters = dead_letters
        self._alarm = alarm
        self._handler_timeout = handler_timeout
        self._scheduler = RetryScheduler()
        self._side_tasks: set[asyncio.Task[Any]] = set()
        self._recent: deque[HandlerFailure] = deque(maxlen=recent_failures)
        self.failures = 0  # failed delivery attempts
        self.retries = 0  # retry attempts made

    def recent(self) -> tuple[HandlerFailure, ...]:
        return tuple(self._recent)

    def busy(self) -> list[asyncio.Task[Any]]:
        """Retries still waiting and dead letters still being written (``join`` waits for them)."""
        return self._scheduler.tasks() + list(self._side_tasks)

    # ----------------------------------------------------------------- a failed delivery
    def failed(
        self, sub: Subscription, priority: EventPriority, event: Event, exc: BaseException, attempt: int
    ) -> None:
        """``sub`` raised ``exc`` on ``event`` at ``attempt``: schedule a retry or post a dead letter."""
        self.failures += 1
        policy = self._policies.for_event(type(event))
        final = attempt > policy.max_retries
        error = describe_error(exc)
        self._recent.append(
            HandlerFailure(
                event.event_id,
                event.event_type,
                event.correlation_id,
                sub.name,
                error,
                attempt,
                final,
                datetime.now(UTC),
            )
        )
        extra = {"bus_failed_event_type": event.event_type}
        if not final:
            log.warning(
                "handler %s failed on %s %s (attempt %d of %d): %s",
                sub.name,
                event.event_type,
                event.event_id,
                attempt,
                policy.max_retries + 1,
                error,
                extra=extra,
            )
            self._scheduler.schedule(
                PendingRetry(sub, priority, event, attempt, error),
                policy.delay(attempt),
                lambda: self._retry(sub, priority, event, attempt + 1),
            )
            return
        log.error(
            "handler %s failed on %s %s after %d attempts; dead letter: %s",
            sub.name,
            event.event_type,
            event.event_id,
            attempt,
            error,
            exc_info=exc,
            extra=extra,
        )
        self._spawn(self._give_up(sub, priority, event, error, attempt))

    async def deliver_once(
        self, sub: Subscription, priority: EventPriority, event: Event, attempt: int
    ) -> bool:
        """Deliver ``event`` to ``sub`` alone; a failure goes through :meth:`failed`. True if it was taken."""
        try:
            result = sub.handler(event)
            if sub.is_async or asyncio.iscoroutine(result):
                pending = cast(Awaitable[None], result)  # async handler: its coroutine
                if self._handler_timeout is None:
                    await pending
                else:
                    await asyncio.wait_for(pending, self._handler_timeout)
        except Exception as exc:  # noqa: BLE001 - isolate the handler
            self.failed(sub, priority, event, exc, attempt)
            return False
        return True

    async def _retry(self, sub: Subscription, priority: EventPriority, event: Event, attempt: int) -> None:
        if not sub.active:  # unsubscribed meanwhile
            return
        self.retries += 1
        await self.deliver_once(sub, priority, event, attempt)

    async def _give_up(
        self, sub: Subscription, priority: EventPriority, event: Event, error: str, attempts: int
    ) -> None:
        letter = DeadLetter(event, priority, sub.name, error, attempts)
        await self._dead_letters.post(letter)
        if isinstance(event, CriticalFailure):
            return  # never a failure about a failure: no loops
        failure = event.caused(
            CriticalFailure(
                source="event_bus",
                failed_event_id=event.event_id,
                failed_event_type=event.event_type,
                handler=sub.name,
                error=error,
                attempts=attempts,
                dead_letter_id=letter.letter_id,
            )
        )
        self._alarm(cast(CriticalFailure, failure))  # caused() returns the event it is given, re-linked

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._side_tasks.add(task)
        task.add_done_callback(self._side_tasks.discard)

    # ----------------------------------------------------------------- shutdown
    async def shut_down(self, timeout: float) -> None:
        """Retries still waiting become dead letters; dead letters being written get ``timeout`` s."""
        for retry in self._scheduler.cancel_all():
            await self._dead_letters.post(
                DeadLetter(
                    retry.event,
                    retry.priority,
                    retry.subscription.name,
                    f"shut down before retry: {retry.error}",
                    retry.attempt,
                )
            )
        if self._side_tasks:
            await asyncio.wait(list(self._side_tasks), timeout=timeout)
