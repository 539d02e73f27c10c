"""Retries waiting for their backoff delay: scheduled on the loop, listed for ``join``, cancelled at shutdown."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from upbit_auto_trading.application.event_bus.priority import EventPriority
from upbit_auto_trading.application.event_bus.subscriptions import Subscription
from upbit_auto_trading.domain.events import Event


@dataclass(frozen=True)
class PendingRetry:
    """A delivery that failed at ``attempt`` and waits to be tried again (a dead letter if the bus stops first)."""

    subscription: Subscription
    priority: EventPriority
    event: Event
    attempt: int
    error: str


class RetryScheduler:
    def __init__(self) -> None:
        self._pending: dict[asyncio.Task[None], PendingRetry] = {}

    def schedule(self, retry: PendingRetry, delay: float, deliver: Callable[[], Awaitable[None]]) -> None:
        """Run ``deliver()`` on the running loop after ``delay`` s. Loop thread only."""

        async def later() -> None:
            await asyncio.sleep(delay)
            await deliver()

        task = asyncio.get_running_loop().create_task(later())
        self._pending[task] = retry
        task.add_done_callback(lambda t: self._pending.pop(t, None))

    def tasks(self) -> list[asyncio.Task[None]]:
        return list(self._pending)

    def cancel_all(self) -> list[PendingRetry]:
        """Cancel every retry still waiting; returns them (in the order scheduled) for the dead letters."""
        pending = list(self._pending.items())
        self._pending.clear()
        for task, _ in pending:
            task.cancel()
        return [retry for _, retry in pending]
