"""The line of publishers waiting for room in a full never-dropped queue (CRITICAL, HIGH, MEDIUM).

One line per priority, first come first served, so each publisher's events stay in order: while anyone
waits at a priority, a new event of that priority joins the line instead of overtaking it. The bus calls
:meth:`admit` each time it takes an event out of a queue.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable

from upbit_auto_trading.application.event_bus.errors import QueueFullError
from upbit_auto_trading.application.event_bus.priority import PRIORITIES, EventPriority
from upbit_auto_trading.application.event_bus.queues import PriorityQueues
from upbit_auto_trading.domain.events import Event

Queued = Callable[[EventPriority, Event], None]
Line = deque[tuple[asyncio.Future[None], Event]]


class WaitingPublishers:
    """``on_queued(priority, event)`` is called for every event this line puts into ``queues``."""

    def __init__(self, queues: PriorityQueues, on_queued: Queued) -> None:
        self._queues = queues
        self._on_queued = on_queued
        self._lines: list[Line] = [deque() for _ in PRIORITIES]

    @property
    def lines(self) -> list[Line]:
        """One line per priority index; the dispatcher tests ``lines[i]`` before :meth:`admit` (hot path)."""
        return self._lines

    def waiting(self, priority: EventPriority) -> bool:
        return bool(self._lines[priority.index])

    def enqueue_or_wait(self, priority: EventPriority, event: Event) -> asyncio.Future[None] | None:
        """Queue now (None) or join the line (a future set once the event is queued). Loop thread only."""
        line = self._lines[priority.index]
        if not line and self._queues.push(priority, event):
            self._on_queued(priority, event)
            return None
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        line.append((waiter, event))
        return waiter

    def forget(self, priority: EventPriority, waiter: asyncio.Future[None]) -> None:
        """A waiter gave up (timed out): its event is not published."""
        line = self._lines[priority.index]
        for entry in list(line):
            if entry[0] is waiter:
                line.remove(entry)

    def admit(self, index: int) -> None:
        """Room was made in queue ``index``: queue the first waiting publishers' events, in their order."""
        line = self._lines[index]
        priority = PRIORITIES[index]
        while line:
            waiter, event = line[0]
            if waiter.done():  # timed out or cancelled
                line.popleft()
                continue
            if not self._queues.push(priority, event):
                return
            line.popleft()
            self._on_queued(priority, event)
            waiter.set_result(None)

    def close(self, error: Callable[[], BaseException]) -> None:
        """The bus is stopping: every waiting publisher gets ``error()``; nothing of theirs is queued."""
        for line in self._lines:
            while line:
                waiter, _ = line.popleft()
                if not waiter.done():
                    waiter.set_exception(error())

    def full_error(self, priority: EventPriority, timeout: float | None) -> QueueFullError:
        return QueueFullError(
            f"The {priority.name} queue is full ({self._queues.capacity(priority)} events; waited {timeout} s); "
            "the event was not published. Slow down or retry later."
        )
