"""Five bounded FIFO queues, one per priority, with an anti-starvation rule.

Dispatch order: the highest non-empty priority first, FIFO within a priority, EXCEPT:

**Anti-starvation rule.** Each priority counts how many events of other priorities were dispatched while
it was waiting (non-empty) since it last dispatched. When a count reaches ``starvation_limit`` (default 64),
the next dispatch takes the head of the most-skipped queue (ties: the higher priority) and resets its count.

**Bound.** The head of any non-empty queue is dispatched within ``starvation_limit + 4`` dispatches
(``limit`` to reach the threshold, plus at most one for each of the four other queues that reached it
first). An event at position k of its queue is therefore dispatched within ``(k + 1) * (limit + 4)``
dispatches. In time: that many times the mean handler time per event, whatever the flood above it.
Without a flood the rule never triggers: a higher priority always goes first.

LOW and LOWEST drop their OLDEST event when full (counted in ``dropped``). An event of those priorities
with a non-None ``coalesce_key`` attribute replaces a still-queued event with the same key, keeping its
place (counted in ``coalesced``). CRITICAL, HIGH and MEDIUM never drop: :meth:`push` refuses and the bus
makes the publisher wait or raises.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from typing import Any

from upbit_auto_trading.application.event_bus.priority import PRIORITIES, EventPriority
from upbit_auto_trading.domain.events import Event

DEFAULT_CAPACITY: dict[EventPriority, int] = {
    EventPriority.CRITICAL_TRADING: 10_000,
    EventPriority.HIGH_SAFETY: 10_000,
    EventPriority.MEDIUM_CONFIG: 10_000,
    EventPriority.LOW_LOGGING: 100_000,
    EventPriority.LOWEST_CLEANUP: 10_000,
}
DEFAULT_STARVATION_LIMIT = 64
_N = len(PRIORITIES)


class _Slot:
    """A queued coalescable event; a newer event with the same key replaces ``event`` in place."""

    __slots__ = ("event", "key")

    def __init__(self, event: Event, key: Any) -> None:
        self.event = event
        self.key = key


class PriorityQueues:
    def __init__(
        self,
        capacity: Mapping[EventPriority, int] | None = None,
        starvation_limit: int = DEFAULT_STARVATION_LIMIT,
    ) -> None:
        if starvation_limit < 1:
            raise ValueError("starvation_limit must be >= 1")
        caps = {**DEFAULT_CAPACITY, **(capacity or {})}
        self._caps = [int(caps[p]) for p in PRIORITIES]
        if min(self._caps) < 1:
            raise ValueError("every queue needs a capacity >= 1")
        self._queues: list[deque[Any]] = [deque() for _ in PRIORITIES]
        self._keys: list[dict[Any, _Slot]] = [{} for _ in PRIORITIES]
        self._skipped = [0] * _N
        self._starving = False
        self.limit = starvation_limit
        self.dropped = [0] * _N
        self.coalesced = [0] * _N
        self.forced = 0  # dispatches chosen by the anti-starvation rule

    def __len__(self) -> int:
        return sum(len(q) for q in self._queues)

    def depth(self, priority: EventPriority) -> int:
        return len(self._queues[priority.value - 1])

    def depths(self) -> dict[EventPriority, int]:
        return {p: len(self._queues[p.value - 1]) for p in PRIORITIES}

    def capacity(self, priority: EventPriority) -> int:
        return self._caps[priority.value - 1]

    def has_room(self, priority: EventPriority) -> bool:
        i = priority.value - 1
        return len(self._queues[i]) < self._caps[i]

    def push(self, priority: EventPriority, event: Event) -> bool:
        """Queue ``event``; False only when a never-dropped queue is full (nothing queued)."""
        i = priority.value - 1
        queue = self._queues[i]
        if i < 3:  # CRITICAL, HIGH, MEDIUM
            if len(queue) >= self._caps[i]:
                return False
            queue.append(event)
            return True
        key = getattr(event, "coalesce_key", None)
        if key is not None:
            keys = self._keys[i]
            slot = keys.get(key)
            if slot is not None:
                slot.event = event
                self.coalesced[i] += 1
                return True
            slot = _Slot(event, key)
            keys[key] = slot
            item: Any = slot
        else:
            item = event
        if len(queue) >= self._caps[i]:
            self._unwrap(i, queue.popleft())
            self.dropped[i] += 1
        queue.append(item)
        return True

    def _unwrap(self, i: int, item: Event | _Slot) -> Event:
        if type(item) is _Slot:
            keys = self._keys[i]
            if keys.get(item.key) is item:
                del keys[item.key]
            return item.event
        return item  # type: ignore[return-value]  # not a _Slot: an Event (exact-type test, kept for speed)

    def pop(self) -> tuple[EventPriority, Event] | None:
        """The next event by the rules above, or None when every queue is empty."""
        queues = self._queues
        chosen = -1
        if self._starving:
            best = -1
            for j in range(_N):
                if queues[j] and self._skipped[j] >= self.limit and self._skipped[j] > best:
                    best = self._skipped[j]
                    chosen = j
            if chosen >= 0:
                self.forced += 1
        if chosen < 0:
            for j in range(_N):
                if queues[j]:
                    chosen = j
                    break
            else:
                self._starving = False
                return None
        skipped = self._skipped
        skipped[chosen] = 0
        starving = False
        for j in range(_N):
            if j != chosen and queues[j]:
                skipped[j] += 1
                if skipped[j] >= self.limit:
                    starving = True
        self._starving = starving
        event = self._unwrap(chosen, queues[chosen].popleft())
        return PRIORITIES[chosen], event

    def drain(self) -> Iterator[tuple[EventPriority, Event]]:
        """Remove and yield everything, in dispatch order (used at shutdown)."""
        while True:
            item = self.pop()
            if item is None:
                return
            yield item
