"""The prioritised event bus: one dispatcher task on the running asyncio loop (qasync in the GUI)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from upbit_auto_trading.application.event_bus.errors import BusClosedError, BusNotRunningError
from upbit_auto_trading.application.event_bus.events import EventsDropped
from upbit_auto_trading.application.event_bus.failures import FailureHandling
from upbit_auto_trading.application.event_bus.ports import (
    ALL_HANDLERS,
    DeadLetter,
    DeadLetterStore,
    UndeliveredEventStore,
)
from upbit_auto_trading.application.event_bus.priority import PRIORITIES, EventPriority
from upbit_auto_trading.application.event_bus.publishing import Publishing
from upbit_auto_trading.application.event_bus.queues import DEFAULT_STARVATION_LIMIT, PriorityQueues
from upbit_auto_trading.application.event_bus.retry import RetryPolicies, RetryPolicy
from upbit_auto_trading.application.event_bus.stats import BusStats, HandlerFailure
from upbit_auto_trading.application.event_bus.subscriptions import Handler, Subscription, SubscriptionRegistry
from upbit_auto_trading.domain.events import Event

log = logging.getLogger(__name__)

Tap = Callable[[Event, EventPriority], None]
_DEFAULT = object()


class EventBus(Publishing, FailureHandling):
    """Publish typed events by priority; subscribers (sync or async) get them in priority order.

    * ``await publish(event, priority)``: queues the event. CRITICAL/HIGH/MEDIUM wait for room when their
      queue is full (up to ``publish_timeout`` s, then :class:`QueueFullError`); LOW/LOWEST never wait.
    * ``publish_threadsafe(event, priority)``: from any thread; returns a ``concurrent.futures.Future``.
    * A failing handler is isolated and retried with exponential backoff; after the last retry the event
      becomes a dead letter and a :class:`CriticalFailure` is published at HIGH_SAFETY.
    * ``await stop()``: stop accepting, drain within a timeout, persist what is left of MEDIUM and above.

    Handlers run on the loop thread, one event at a time, in subscription order. A handler must not block
    (do heavy work in an executor). The dispatcher yields to the loop at least every ``yield_interval`` s.
    """

    def __init__(
        self,
        *,
        dead_letters: DeadLetterStore | None = None,
        undelivered: UndeliveredEventStore | None = None,
        capacity: Mapping[EventPriority, int] | None = None,
        starvation_limit: int = DEFAULT_STARVATION_LIMIT,
        retry: RetryPolicy | None = None,
        publish_timeout: float | None = 5.0,
        yield_interval: float = 0.0002,
        handler_timeout: float | None = None,
        recent_failures: int = 200,
    ) -> None:
        self._queues = PriorityQueues(capacity, starvation_limit)
        self._registry = SubscriptionRegistry()
        self._retry = RetryPolicies(default=retry or RetryPolicy())
        self._dead_store = dead_letters
        self._undelivered_store = undelivered
        self.publish_timeout = publish_timeout
        self._yield_interval = yield_interval
        self._handler_timeout = handler_timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._idle_event: asyncio.Event | None = None
        self._idle = True
        self._closed = False
        self._stopping = False
        self._current: tuple[EventPriority, Event] | None = None
        self._waiters: list[deque[tuple[asyncio.Future[None], Event]]] = [deque() for _ in PRIORITIES]
        self._pending_retries: dict[
            asyncio.Task[None], tuple[Subscription, EventPriority, Event, int, str]
        ] = {}
        self._side_tasks: set[asyncio.Task[Any]] = set()
        self._hooks: dict[type, list[Callable[[Event], None]]] = {}
        self._taps: list[Tap] = []
        self._published = [0] * len(PRIORITIES)
        self._dispatched = [0] * len(PRIORITIES)
        self._failures = 0
        self._retries = 0
        self._dead_count = 0
        self._recent_failures: deque[HandlerFailure] = deque(maxlen=recent_failures)
        self._sample = (time.monotonic(), 0, 0.0)
        self._drops_reported = 0
        self._drops_reported_at = 0.0

    # ----------------------------------------------------------------- subscriptions and hooks
    def subscribe(self, event_type: type, handler: Handler, *, name: str | None = None) -> Subscription:
        """Deliver events of ``event_type`` and its subclasses to ``handler`` (sync or async)."""
        return self._registry.add(event_type, handler, name)

    def unsubscribe(self, subscription: Subscription) -> None:
        self._registry.remove(subscription)

    def subscriptions(self) -> list[Subscription]:
        return self._registry.all()

    def set_retry_policy(self, event_type: type, policy: RetryPolicy) -> None:
        """Override the retry policy for an event type (and its subclasses)."""
        self._retry.set(event_type, policy)

    def retry_policy(self, event_type: type) -> RetryPolicy:
        return self._retry.for_event(event_type)

    def add_publish_hook(self, event_type: type, hook: Callable[[Event], None]) -> Callable[[], None]:
        """Call ``hook(event)`` on the loop thread the moment such an event is queued (before dispatch).

        Used by the gate to see a TradingStarted as soon as it is published. Returns a remover.
        """
        self._hooks.setdefault(event_type, []).append(hook)
        return lambda: self._hooks.get(event_type, []).remove(hook)

    def add_tap(self, tap: Tap) -> Callable[[], None]:
        """Call ``tap(event, priority)`` after each dispatch (monitors). Must be fast; errors are logged."""
        self._taps.append(tap)
        return lambda: self._taps.remove(tap) if tap in self._taps else None

    # ----------------------------------------------------------------- life cycle
    @property
    def is_running(self) -> bool:
        return self._task is not None and not self._task.done() and not self._closed

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        return self._loop

    async def start(self) -> None:
        """Start dispatching on the running loop. Events left undelivered by the last shutdown become
        dead letters (handler ``*``): the user retries or discards them, they are never replayed silently."""
        if self.is_running:
            return
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._idle_event = asyncio.Event()
        self._closed = False
        self._stopping = False
        if self._undelivered_store is not None:
            leftovers = await asyncio.to_thread(self._undelivered_store.take_all)
            for priority, event in leftovers:
                await self._store_dead_letter(
                    DeadLetter(event, priority, ALL_HANDLERS, "undelivered at the last shutdown", 0)
                )
            if leftovers:
                log.warning(
                    "%d events were left undelivered at the last shutdown; see dead letters", len(leftovers)
                )
        self._task = self._loop.create_task(self._run(), name="event-bus-dispatcher")

    async def stop(self, timeout: float = 5.0) -> int:
        """Stop accepting, drain within ``timeout`` s, persist undelivered MEDIUM+ events.

        Returns the number of events persisted as undelivered. LOW/LOWEST events still queued are
        discarded and counted in ``dropped``.
        """
        if self._loop is None or self._closed:
            return 0
        self._closed = True
        for waiters in self._waiters:
            while waiters:
                waiter, _ = waiters.popleft()
                if not waiter.done():
                    waiter.set_exception(BusClosedError("The event bus is shutting down."))
        self._stopping = True
        assert self._wake is not None
        self._wake.set()
        leftovers: list[tuple[EventPriority, Event]] = []
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), timeout)
            except TimeoutError:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
                if self._current is not None:  # interrupted mid-delivery; may have reached some handlers
                    leftovers.append(self._current)
                log.warning("event bus did not drain within %.1f s", timeout)
        for priority, event in self._queues.drain():
            if priority.droppable:
                self._queues.dropped[priority.index] += 1
            else:
                leftovers.append((priority, event))
        for task, (sub, priority, event, attempt, error) in list(self._pending_retries.items()):
            task.cancel()
            await self._store_dead_letter(
                DeadLetter(event, priority, sub.name, f"shut down before retry: {error}", attempt)
            )
        self._pending_retries.clear()
        if self._side_tasks:
            await asyncio.wait(list(self._side_tasks), timeout=timeout)
        if leftovers and self._undelivered_store is not None:
            await asyncio.to_thread(self._undelivered_store.save, leftovers)
            log.info("persisted %d undelivered events at shutdown", len(leftovers))
        self._task = None
        return len(leftovers)

    async def __aenter__(self) -> EventBus:
        """``async with bus:`` starts it on the running loop and stops it (drain + persist) on exit."""
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def join(self) -> None:
        """Wait until every queue is empty, nothing is being delivered and no retry is pending."""
        while True:
            if self._task is None:
                raise BusNotRunningError("join() needs a started bus.")
            if len(self._queues) or not self._idle:
                assert self._idle_event is not None
                self._idle_event.clear()
                if not self._idle or len(self._queues):
                    await self._idle_event.wait()
                continue
            busy = list(self._pending_retries) + list(self._side_tasks)
            if not busy:
                return
            await asyncio.wait(busy)

    # ----------------------------------------------------------------- publishing
    async def publish(
        self, event: Event, priority: EventPriority = EventPriority.MEDIUM_CONFIG, *, timeout: Any = _DEFAULT
    ) -> None:
        """Queue ``event``. Raises BusClosedError after stop(), QueueFullError when a never-dropped queue
        stays full for ``timeout`` s (default ``publish_timeout``; None waits for ever). Publishers that
        wait are served first-come first-served, so each publisher's events stay in order."""
        if self._closed:
            raise BusClosedError("The event bus is stopped; the event was not published.")
        waiter = self._enqueue_or_wait(event, priority)
        if waiter is None:
            return
        limit = self.publish_timeout if timeout is _DEFAULT else timeout
        try:
            await asyncio.wait_for(waiter, limit)
        except TimeoutError:
            self._forget_waiter(priority, waiter)
            raise self._full_error(priority, limit) from None

    def publish_nowait(self, event: Event, priority: EventPriority = EventPriority.MEDIUM_CONFIG) -> None:
        """Queue ``event`` without waiting (loop thread only); QueueFullError if a never-dropped queue is full."""
        if self._closed:
            raise BusClosedError("The event bus is stopped; the event was not published.")
        if self._waiters[priority.index] or not self._queues.push(priority, event):
            raise self._full_error(priority, 0)
        self._after_push(priority, event)

    def _after_push(self, priority: EventPriority, event: Event) -> None:
        self._published[priority.value - 1] += 1
        if self._hooks:
            for klass in type(event).__mro__:
                for hook in self._hooks.get(klass, ()):
                    hook(event)
        if self._idle and self._wake is not None:
            self._idle = False
            self._wake.set()

    # ----------------------------------------------------------------- dispatching
    async def _run(self) -> None:
        assert self._wake is not None and self._idle_event is not None
        queues, registry, perf = self._queues, self._registry, time.perf_counter
        dispatched, waiters = self._dispatched, self._waiters
        slice_start = perf()
        while True:
            item = queues.pop()
            if item is None:
                self._current = None
                if self._drops_reported != sum(queues.dropped):
                    self._report_drops()
                    if len(queues):
                        continue
                if self._stopping:
                    return
                self._idle = True
                self._idle_event.set()
                self._wake.clear()
                await self._wake.wait()
                self._idle = False
                slice_start = perf()
                continue
            priority, event = item
            index = priority.value - 1
            if waiters[index]:
                self._admit_waiters(index)
            self._current = item
            for sub in registry.for_type(type(event)):
                try:
                    if sub.is_async:
                        if self._handler_timeout is None:
                            await sub.handler(event)  # type: ignore[misc]
                        else:
                            await asyncio.wait_for(sub.handler(event), self._handler_timeout)  # type: ignore[arg-type]
                    else:
                        result = sub.handler(event)
                        if result is not None and asyncio.iscoroutine(result):
                            await result
                except Exception as exc:  # noqa: BLE001 - isolate every handler
                    self._handler_failed(sub, priority, event, exc, 1)
            dispatched[index] += 1
            if self._taps:
                self._run_taps(event, priority)
            if perf() - slice_start >= self._yield_interval:
                if self._drops_reported != sum(queues.dropped):
                    self._report_drops()
                await asyncio.sleep(0)
                slice_start = perf()

    def _report_drops(self) -> None:
        """Log and publish (MEDIUM, at most once a second) how many LOW/LOWEST events were dropped."""
        now = time.monotonic()
        if now - self._drops_reported_at < 1.0 and not self._stopping:
            return
        dropped = list(self._queues.dropped)
        new = sum(dropped) - self._drops_reported
        self._drops_reported, self._drops_reported_at = sum(dropped), now
        log.warning("event bus dropped %d LOW/LOWEST events (queue full); totals %s", new, dropped)
        for priority in (EventPriority.LOW_LOGGING, EventPriority.LOWEST_CLEANUP):
            if dropped[priority.index] and not self._closed:
                notice = EventsDropped(
                    source="event_bus",
                    priority=priority.name,
                    dropped=dropped[priority.index],
                    coalesced=self._queues.coalesced[priority.index],
                )
                if self._queues.push(EventPriority.MEDIUM_CONFIG, notice):
                    self._after_push(EventPriority.MEDIUM_CONFIG, notice)

    def _run_taps(self, event: Event, priority: EventPriority) -> None:
        for tap in list(self._taps):
            try:
                tap(event, priority)
            except Exception:  # noqa: BLE001
                log.exception("event bus tap %r failed", tap)

    # ----------------------------------------------------------------- stats
    def stats(self) -> BusStats:
        now = time.monotonic()
        total = sum(self._dispatched)
        last_t, last_n, rate = self._sample
        if now - last_t >= 0.5:
            rate = (total - last_n) / (now - last_t)
            self._sample = (now, total, rate)
        q = self._queues
        return BusStats(
            running=self.is_running,
            queue_depths=q.depths(),
            queue_capacity={p: q.capacity(p) for p in PRIORITIES},
            published=dict(zip(PRIORITIES, self._published, strict=True)),
            dispatched=dict(zip(PRIORITIES, self._dispatched, strict=True)),
            dropped=dict(zip(PRIORITIES, q.dropped, strict=True)),
            coalesced=dict(zip(PRIORITIES, q.coalesced, strict=True)),
            handler_failures=self._failures,
            retries=self._retries,
            dead_letters=self._dead_count,
            forced_by_starvation_rule=q.forced,
            throughput_per_s=rate,
            recent_failures=tuple(self._recent_failures),
        )
