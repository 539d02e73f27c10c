"""Failure handling of the bus: retries with backoff, dead letters, CriticalFailure (a mixin of EventBus)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from upbit_auto_trading.application.errors import ConflictError, NotFoundError
from upbit_auto_trading.application.event_bus.events import CriticalFailure
from upbit_auto_trading.application.event_bus.ports import ALL_HANDLERS, DeadLetter
from upbit_auto_trading.application.event_bus.priority import EventPriority
from upbit_auto_trading.application.event_bus.stats import HandlerFailure
from upbit_auto_trading.application.event_bus.subscriptions import Subscription
from upbit_auto_trading.domain.events import Event

if TYPE_CHECKING:
    from upbit_auto_trading.application.event_bus.bus import EventBus

log = logging.getLogger("upbit_auto_trading.application.event_bus.bus")


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class FailureHandling:
    """Attempt 1 is the dispatch itself; retries are attempts 2 .. max_retries + 1, each after
    ``policy.delay(n)`` s, delivered to the failed handler only (the others already have the event)."""

    def _handler_failed(
        self: EventBus,
        sub: Subscription,
        priority: EventPriority,
        event: Event,
        exc: BaseException,
        attempt: int,
    ) -> None:
        self._failures += 1
        policy = self._retry.for_event(type(event))
        final = attempt > policy.max_retries
        error = _describe(exc)
        self._recent_failures.append(
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
            task = asyncio.get_running_loop().create_task(
                self._retry_later(sub, priority, event, attempt + 1, policy.delay(attempt))
            )
            self._pending_retries[task] = (sub, priority, event, attempt, error)
            task.add_done_callback(lambda t: self._pending_retries.pop(t, None))
        else:
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
            self._spawn(self._dead_letter(sub, priority, event, error, attempt))

    def _spawn(self: EventBus, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._side_tasks.add(task)
        task.add_done_callback(self._side_tasks.discard)

    async def _retry_later(
        self: EventBus, sub: Subscription, priority: EventPriority, event: Event, attempt: int, delay: float
    ) -> None:
        await asyncio.sleep(delay)
        if not sub.active:
            return
        self._retries += 1
        await self._deliver_once(sub, priority, event, attempt)

    async def _deliver_once(
        self: EventBus, sub: Subscription, priority: EventPriority, event: Event, attempt: int
    ) -> bool:
        try:
            result = sub.handler(event)
            if sub.is_async or asyncio.iscoroutine(result):
                if self._handler_timeout is None:
                    await result  # type: ignore[misc]
                else:
                    await asyncio.wait_for(result, self._handler_timeout)  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001 - isolate the handler
            self._handler_failed(sub, priority, event, exc, attempt)
            return False
        return True

    async def _dead_letter(
        self: EventBus, sub: Subscription, priority: EventPriority, event: Event, error: str, attempts: int
    ) -> None:
        letter = DeadLetter(event, priority, sub.name, error, attempts)
        await self._store_dead_letter(letter)
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
        # Internal publish: even while stopping (the queue is then persisted); HIGH never drops.
        if not self._queues.push(EventPriority.HIGH_SAFETY, failure):
            log.error(
                "HIGH_SAFETY queue full; CriticalFailure for %s kept only as a dead letter", event.event_id
            )
            return
        self._after_push(EventPriority.HIGH_SAFETY, failure)

    async def _store_dead_letter(self: EventBus, letter: DeadLetter) -> None:
        self._dead_count += 1
        if self._dead_store is None:
            log.error("no dead-letter store: %s for %s is lost", letter.event.event_type, letter.handler)
            return
        try:
            await asyncio.to_thread(self._dead_store.add, letter)
        except Exception:  # noqa: BLE001 - the store failing must not stop the bus
            log.exception("could not record dead letter %s", letter.letter_id)

    # ----------------------------------------------------------------- dead letters for the user
    async def dead_letters(self: EventBus) -> list[DeadLetter]:
        if self._dead_store is None:
            return []
        return await asyncio.to_thread(self._dead_store.list)

    async def discard_dead_letter(self: EventBus, letter_id: str) -> bool:
        if self._dead_store is None:
            return False
        return await asyncio.to_thread(self._dead_store.remove, letter_id)

    async def retry_dead_letter(self: EventBus, letter_id: str) -> bool:
        """Deliver a dead letter again: to its handler (found by name), or re-publish it when it never
        reached any handler (ConflictError when nothing subscribed to its type runs in this process).
        Returns True when the first new attempt succeeded; a new failure goes through the retry policy
        again and may become a new dead letter."""
        if self._dead_store is None:
            raise NotFoundError("There is no dead-letter store.")
        letter = await asyncio.to_thread(self._dead_store.get, letter_id)
        if letter is None:
            raise NotFoundError(f"No dead letter {letter_id}; it may have been retried or discarded already.")
        if letter.handler == ALL_HANDLERS:
            if not self._registry.for_type(type(letter.event)):
                # Re-publishing to nobody would lose the event for good: keep it for a process that handles it.
                raise ConflictError(
                    f"Nothing subscribed to {letter.event.event_type} is running here; retry it where that "
                    "part of the app runs (the desktop app's event monitor), or discard the dead letter."
                )
            await self.publish(letter.event, letter.priority)
            await asyncio.to_thread(self._dead_store.remove, letter_id)
            return True
        subs = [s for s in self._registry.named(letter.handler) if isinstance(letter.event, s.event_type)]
        if not subs:
            raise ConflictError(
                f"No subscriber named {letter.handler} is running now; start the part of the app that "
                "handles it, or discard the dead letter."
            )
        await asyncio.to_thread(self._dead_store.remove, letter_id)
        results = [await self._deliver_once(sub, letter.priority, letter.event, 1) for sub in subs]
        return all(results)
