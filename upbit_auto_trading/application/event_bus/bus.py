"""The prioritised event bus: one dispatcher task on the running asyncio loop (qasync in the GUI)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, cast

from upbit_auto_trading.application.errors import ConflictError
from upbit_auto_trading.application.event_bus.dead_letters import DeadLetterOffice
from upbit_auto_trading.application.event_bus.errors import BusClosedError, BusNotRunningError
from upbit_auto_trading.application.event_bus.events import CriticalFailure, EventsDropped
from upbit_auto_trading.application.event_bus.failures import FailureHandler
from upbit_auto_trading.application.event_bus.ports import (
    ALL_HANDLERS,
    DeadLetter,
    DeadLetterStore,
    UndeliveredEventStore,
)
from upbit_auto_trading.application.event_bus.priority import PRIORITIES, EventPriority
from upbit_auto_trading.application.event_bus.queues import DEFAULT_STARVATION_LIMIT, PriorityQueues
from upbit_auto_trading.application.event_bus.retry import RetryPolicies, RetryPolicy
from upbit_auto_trading.application.event_bus.stats import BusStats
from upbit_auto_trading.application.event_bus.subscriptions import Handler, Subscription, SubscriptionRegistry
from upbit_auto_trading.application.event_bus.waiting import WaitingPublishers
from upbit_auto_trading.domain.events import Event

log = logging.getLogger(__name__)

Tap = Callable[[Event, EventPriority], None]
_DEFAULT = object()


class EventBus:
    """Publish typed events by priority; subscribers (sync or async) get them in priority order.

    * ``await publish(event, priority)``: queues the event. CRITICAL/HIGH/MEDIUM wait for room when their
      queue is full (up to ``publish_timeout`` s, then :class:`QueueFullError`); LOW/LOWEST never wait.
    * ``publish_threadsafe(event, priority)``: from any thread; returns a ``concurrent.futures.Future``.
    * ``publish_anywhere(event, priority)``: from whichever thread, also before the bus starts (queued).
    * A failing handler is isolated and retried with exponential backoff; after the last retry the event
      becomes a dead letter and a :class:`CriticalFailure` is published at HIGH_SAFETY.
    * ``await stop()``: stop accepting, drain within a timeout, persist what is left of MEDIUM and above.

    Handlers run on the loop thread, one event at a time, in subscription order. A handler must not block
    (do heavy work in an executor). The dispatcher yields to the loop at least every ``yield_interval`` s.

    The bus owns its collaborators and talks to them through their methods: the queues, the subscriptions,
    the line of waiting publishers (:class:`WaitingPublishers`), the failure handler (retries, through a
    :class:`RetryScheduler`) and the dead-letter office.
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
        self._waiting = WaitingPublishers(self._queues, self._after_push)
        self._dead_letters = DeadLetterOffice(dead_letters)
        self._failures = FailureHandler(
            policies=self._retry,
            dead_letters=self._dead_letters,
            alarm=self._raise_alarm,
            handler_timeout=handler_timeout,
            recent_failures=recent_failures,
        )
        self._undelivered_store = undelivered
        self.publish_timeout = publish_timeout
        self._yield_interval = yield_interval
        self._handler_timeout = handler_timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        # held while the loop is recorded at start and while an event is queued before it (see publish_anywhere)
        self._start_lock = threading.Lock()
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._idle_event: asyncio.Event | None = None
        self._idle = True
        self._closed = False
        self._stopping = False
        self._current: tuple[EventPriority, Event] | None = None
        self._hooks: dict[type, list[Callable[[Event], None]]] = {}
        self._taps: list[Tap] = []
        self._published = [0] * len(PRIORITIES)
        self._dispatched = [0] * len(PRIORITIES)
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

    def in_loop_thread(self) -> bool:
        """True on the thread the bus was started on (where ``publish_nowait`` is allowed)."""
        return self._loop_thread is not None and self._loop_thread == threading.get_ident()

    async def start(self) -> None:
        """Start dispatching on the running loop. Events left undelivered by the last shutdown become
        dead letters (handler ``*``): the user retries or discards them, they are never replayed silently.
        Events queued before the start are dispatched now."""
        if self.is_running:
            return
        with self._start_lock:
            self._loop = asyncio.get_running_loop()
            self._loop_thread = threading.get_ident()
        self._wake = asyncio.Event()
        self._idle_event = asyncio.Event()
        self._closed = False
        self._stopping = False
        if self._undelivered_store is not None:
            leftovers = await asyncio.to_thread(self._undelivered_store.take_all)
            for priority, event in leftovers:
                await self._dead_letters.post(
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
        self._waiting.close(lambda: BusClosedError("The event bus is shutting down."))
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
        await self._failures.shut_down(timeout)
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
            busy = self._failures.busy()
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
        waiter = self._waiting.enqueue_or_wait(priority, event)
        if waiter is None:
            return
        limit = self.publish_timeout if timeout is _DEFAULT else timeout
        try:
            await asyncio.wait_for(waiter, limit)
        except TimeoutError:
            self._waiting.forget(priority, waiter)
            raise self._waiting.full_error(priority, limit) from None

    def publish_nowait(self, event: Event, priority: EventPriority = EventPriority.MEDIUM_CONFIG) -> None:
        """Queue ``event`` without waiting (loop thread only); QueueFullError if a never-dropped queue is full."""
        if self._closed:
            raise BusClosedError("The event bus is stopped; the event was not published.")
        if self._waiting.waiting(priority) or not self._queues.push(priority, event):
            raise self._waiting.full_error(priority, 0)
        self._after_push(priority, event)

    def publish_threadsafe(
        self, event: Event, priority: EventPriority = EventPriority.MEDIUM_CONFIG
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

    def publish_anywhere(
        self, event: Event, priority: EventPriority = EventPriority.MEDIUM_CONFIG
    ) -> concurrent.futures.Future[None] | None:
        """Queue ``event`` from whichever thread calls, without waiting: at once on the loop thread
        (:meth:`publish_nowait`), through the loop from any other thread (:meth:`publish_threadsafe`; the
        future reports the outcome), and straight into its queue before the bus has started (dispatched when
        it starts: the desktop prepares a profile before its loop runs). Raises what those raise: BusClosedError
        after stop(), QueueFullError."""
        with self._start_lock:
            if self._loop is None:
                self.publish_nowait(event, priority)
                return None
        if self.in_loop_thread():
            self.publish_nowait(event, priority)
            return None
        return self.publish_threadsafe(event, priority)

    def _put_from_thread(
        self, event: Event, priority: EventPriority, future: concurrent.futures.Future[None]
    ) -> None:
        if self._closed:
            future.set_exception(BusClosedError("The event bus is stopped; the event was not published."))
            return
        waiter = self._waiting.enqueue_or_wait(priority, event)
        if waiter is None:
            future.set_result(None)
            return
        timeout = self.publish_timeout
        if timeout is not None:
            handle = asyncio.get_running_loop().call_later(timeout, waiter.cancel)
            waiter.add_done_callback(lambda _: handle.cancel())

        def done(w: asyncio.Future[None]) -> None:
            if w.cancelled():
                self._waiting.forget(priority, w)
                future.set_exception(self._waiting.full_error(priority, timeout))
                return
            error = w.exception()
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(None)

        waiter.add_done_callback(done)

    def _after_push(self, priority: EventPriority, event: Event) -> None:
        self._published[priority.value - 1] += 1
        if self._hooks:
            for klass in type(event).__mro__:
                for hook in self._hooks.get(klass, ()):
                    hook(event)
        if self._idle and self._wake is not None:
            self._idle = False
            self._wake.set()

    def _raise_alarm(self, failure: CriticalFailure) -> None:
        """Queue a CriticalFailure at HIGH_SAFETY: an internal publish, so even while stopping (the queue is
        then persisted); HIGH never drops, and a full queue leaves the failure a dead letter only."""
        if not self._queues.push(EventPriority.HIGH_SAFETY, failure):
            log.error(
                "HIGH_SAFETY queue full; CriticalFailure for %s kept only as a dead letter",
                failure.failed_event_id,
            )
            return
        self._after_push(EventPriority.HIGH_SAFETY, failure)

    # ----------------------------------------------------------------- dispatching
    async def _run(self) -> None:
        assert self._wake is not None and self._idle_event is not None
        queues, registry, perf = self._queues, self._registry, time.perf_counter
        dispatched, waiters, failed = self._dispatched, self._waiting.lines, self._failures.failed
        slice_start = perf()
        while True:
            item = queues.pop()
            if item is None:
                self._current = None
                if self._report_new_drops() and len(queues):
                    continue  # the drop notice was queued: dispatch it before idling
                if self._stopping:
                    return
                await self._idle_until_woken()
                slice_start = perf()
                continue
            priority, event = item
            index = priority.value - 1
            if waiters[index]:
                self._waiting.admit(index)
            self._current = item
            # inline, not a helper: this loop runs once per event and subscriber, the bus's hottest path
            for sub in registry.for_type(type(event)):
                try:
                    if sub.is_async:
                        await self._await_async_handler(sub, event)
                    else:
                        result = sub.handler(event)
                        if result is not None and asyncio.iscoroutine(result):
                            await result
                except Exception as exc:  # noqa: BLE001 - isolate every handler
                    failed(sub, priority, event, exc, 1)
            dispatched[index] += 1
            if self._taps:
                self._run_taps(event, priority)
            if perf() - slice_start >= self._yield_interval:
                self._report_new_drops()
                await asyncio.sleep(0)
                slice_start = perf()

    async def _idle_until_woken(self) -> None:
        """Mark the bus idle (``wait_idle`` returns) and sleep until a publish or stop sets ``_wake``."""
        assert self._wake is not None and self._idle_event is not None
        self._idle = True
        self._idle_event.set()
        self._wake.clear()
        await self._wake.wait()
        self._idle = False

    async def _await_async_handler(self, sub: Subscription, event: Event) -> None:
        # an async subscription (``is_async``, found when it subscribed) returns its coroutine
        pending = cast(Awaitable[None], sub.handler(event))
        if self._handler_timeout is None:
            await pending
        else:
            await asyncio.wait_for(pending, self._handler_timeout)

    def _report_new_drops(self) -> bool:
        """Report drops not reported yet (see ``_report_drops``); True when there were any."""
        if self._drops_reported == sum(self._queues.dropped):
            return False
        self._report_drops()
        return True

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
            handler_failures=self._failures.failures,
            retries=self._failures.retries,
            dead_letters=self._dead_letters.count,
            forced_by_starvation_rule=q.forced,
            throughput_per_s=rate,
            recent_failures=self._failures.recent(),
        )

    # ----------------------------------------------------------------- dead letters for the user
    async def dead_letters(self) -> list[DeadLetter]:
        return await self._dead_letters.letters()

    async def discard_dead_letter(self, letter_id: str) -> bool:
        return await self._dead_letters.discard(letter_id)

    async def retry_dead_letter(self, letter_id: str) -> bool:
        """Deliver a dead letter again: to its handler (found by name), or re-publish it when it never
        reached any handler (ConflictError when nothing subscribed to its type runs in this process).
        Returns True when the first new attempt succeeded; a new failure goes through the retry policy
        again and may become a new dead letter."""
        letter = await self._dead_letters.get(letter_id)
        if letter.handler == ALL_HANDLERS:
            if not self._registry.for_type(type(letter.event)):
                # Re-publishing to nobody would lose the event for good: keep it for a process that handles it.
                raise ConflictError(
                    f"Nothing subscribed to {letter.event.event_type} is running here; retry it where that "
                    "part of the app runs (the desktop app's event monitor), or discard the dead letter."
                )
            await self.publish(letter.event, letter.priority)
            await self._dead_letters.remove(letter_id)
            return True
        subs = [s for s in self._registry.named(letter.handler) if isinstance(letter.event, s.event_type)]
        if not subs:
            raise ConflictError(
                f"No subscriber named {letter.handler} is running now; start the part of the app that "
                "handles it, or discard the dead letter."
            )
        await self._dead_letters.remove(letter_id)
        results = [await self._failures.deliver_once(sub, letter.priority, letter.event, 1) for sub in subs]
        return all(results)
