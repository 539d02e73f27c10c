"""Publishing from other threads and the line of publishers waiting for room (a mixin of EventBus)."""

from __future__ import annotations

import asyncio
import concurrent.futures
from typing import TYPE_CHECKING

from upbit_auto_trading.application.event_bus.errors import BusClosedError, BusNotRunningError, QueueFullError
from upbit_auto_trading.application.event_bus.priority import PRIORITIES, EventPriority
from upbit_auto_trading.domain.events import Event

if TYPE_CHECKING:
    from upbit_auto_trading.application.event_bus.bus import EventBus


class Publishing:
    def publish_threadsafe(
        self: EventBus, event: Event, priority: EventPriority = EventPriority.MEDIUM_CONFIG
    ) -> concurrent.futures.Future[None]:
        """Publish from any thread. The future completes when the event is queued (or fails with the
        error ``publish`` would raise). Events from one thread keep their order within a priority.
        Never call ``.result()`` on the future from the loop thread."""
        loop = self._loop
        if loop is None or loop.is_closed():
            raise BusNotRunningError("The event bus has not been started on a loop.")
        if self._closed:
            raise BusClosedError("The event bus is stopped; the event was not published.")
        future: concurrent.futures.Future[None] = concurrent.futures.Future()
        try:
            loop.call_soon_threadsafe(self._put_from_thread, event, priority, future)
        except RuntimeError as exc:  # loop closed in between
            raise BusNotRunningError("The event bus loop is closed.") from exc
        return future

    def _put_from_thread(
        self: EventBus, event: Event, priority: EventPriority, future: concurrent.futures.Future[None]
    ) -> None:
        if self._closed:
            future.set_exception(BusClosedError("The event bus is stopped; the event was not published."))
            return
        waiter = self._enqueue_or_wait(event, priority)
        if waiter is None:
            future.set_result(None)
            return
        timeout = self.publish_timeout
        if timeout is not None:
            handle = asyncio.get_running_loop().call_later(timeout, waiter.cancel)
            waiter.add_done_callback(lambda _: handle.cancel())

        def done(w: asyncio.Future[None]) -> None:
            if w.cancelled():
                self._forget_waiter(priority, w)
                future.set_exception(self._full_error(priority, timeout))
            elif w.exception() is not None:
                future.set_exception(w.exception())  # type: ignore[arg-type]
            else:
                future.set_result(None)

        waiter.add_done_callback(done)

    def _enqueue_or_wait(
        self: EventBus, event: Event, priority: EventPriority
    ) -> asyncio.Future[None] | None:
        """Queue now (None) or join the line of waiting publishers (a future set once it is queued)."""
        waiters = self._waiters[priority.index]
        if not waiters and self._queues.push(priority, event):
            self._after_push(priority, event)
            return None
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        waiters.append((waiter, event))
        return waiter

    def _forget_waiter(self: EventBus, priority: EventPriority, waiter: asyncio.Future[None]) -> None:
        waiters = self._waiters[priority.index]
        for entry in list(waiters):
            if entry[0] is waiter:
                waiters.remove(entry)

    def _full_error(self: EventBus, priority: EventPriority, timeout: float | None) -> QueueFullError:
        return QueueFullError(
            f"The {priority.name} queue is full ({self._queues.capacity(priority)} events; waited {timeout} s); "
            "the event was not published. Slow down or retry later."
        )

    def _admit_waiters(self: EventBus, index: int) -> None:
        """Room was made in queue ``index``: queue the first waiting publishers' events, in their order."""
        waiters = self._waiters[index]
        priority = PRIORITIES[index]
        while waiters:
            waiter, event = waiters[0]
            if waiter.done():  # timed out or cancelled
                waiters.popleft()
                continue
            if not self._queues.push(priority, event):
                return
            waiters.popleft()
            self._after_push(priority, event)
            waiter.set_result(None)
