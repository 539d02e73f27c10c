"""``BackgroundWork`` without threads, for presenter tests: each job runs on the calling thread, its callback
right after it."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from upbit_auto_trading.domain.work import ProgressCallback, no_progress
from upbit_auto_trading.presentation.desktop.background.work import (
    SHUTDOWN_TIMEOUT,
    JobContext,
    WorkHandle,
)

T = TypeVar("T")

Delivery = Callable[[], None]


class ImmediateBackgroundWork:
    """Runs each job at once, inline. With ``hold=True`` submitted jobs and posted callbacks wait (a worker
    that has not got to them yet, a GUI thread that has not processed its events) until ``run_pending()``;
    ``compute_next()`` runs one job and hands back its delivery, for tests that change something between a
    job's work and its callback. Posting while held is safe from any thread.

    Exceptions go to ``on_error`` as in the Qt implementation; a BaseException (KeyboardInterrupt) is not
    caught."""

    def __init__(self, hold: bool = False) -> None:
        self.hold = hold
        self._held: deque[Callable[[], Delivery]] = deque()
        self._closed = False

    @property
    def pending(self) -> int:
        """Jobs and posted callbacks not yet run (only ever non-zero with ``hold``)."""
        return len(self._held)

    def submit(
        self,
        job: Callable[[JobContext], T],
        on_done: Callable[[T], None],
        on_error: Callable[[Exception], None],
        on_progress: ProgressCallback | None = None,
    ) -> WorkHandle:
        handle = WorkHandle()
        if self._closed:
            handle.mark_finished()
            return handle
        context = JobContext(handle.token, on_progress or no_progress)

        def compute() -> Delivery:
            try:
                result = job(context)
            except Exception as exc:  # handed to the presenter, as the Qt implementation does
                error = exc
                return lambda: _deliver(handle, on_error, error)
            return lambda: _deliver(handle, on_done, result)

        if self.hold:
            self._held.append(compute)
        else:
            compute()()
        return handle

    def submit_async(
        self,
        job: Callable[[JobContext], Awaitable[T]],
        on_done: Callable[[T], None],
        on_error: Callable[[Exception], None],
        on_progress: ProgressCallback | None = None,
    ) -> WorkHandle:
        return self.submit(
            lambda context: asyncio.run(_awaited(job, context)), on_done, on_error, on_progress
        )

    def post(self, callback: Callable[[], None]) -> None:
        if self.hold:
            self._held.append(lambda: callback)
        else:
            callback()

    def run_pending(self) -> None:
        """Run what is held, in order, with what their callbacks submit or post."""
        while self._held:
            self.compute_next()()

    def compute_next(self) -> Delivery:
        """Run the oldest held job's work now; its callback runs when the returned function is called (a
        held post comes back as it is)."""
        return self._held.popleft()()

    def shutdown(self, timeout: float = SHUTDOWN_TIMEOUT) -> None:
        self._closed = True
        self._held.clear()


async def _awaited(job: Callable[[JobContext], Awaitable[T]], context: JobContext) -> T:
    return await job(context)


def _deliver(handle: WorkHandle, callback: Callable[[Any], None], value: Any) -> None:
    handle.mark_finished()
    callback(value)
