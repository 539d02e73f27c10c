"""What a presenter sees of background work: ``BackgroundWork`` (submit, post, shut down), the
``JobContext`` a job runs with and the ``WorkHandle`` that cancels it. No Qt here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from upbit_auto_trading.domain.work import CancelToken, ProgressCallback

T = TypeVar("T")

SHUTDOWN_TIMEOUT = 5.0
"""Seconds ``shutdown`` waits for running jobs: long enough for a job to reach its next cancel check,
short enough that closing a window never hangs on a stuck one."""


@dataclass(frozen=True)
class JobContext:
    """What a job runs with: the token its handle cancels, and where it reports progress (delivered to the
    submitter's ``on_progress`` on the GUI thread; ignored when there is none). Both are safe to call from
    the worker thread."""

    cancel: CancelToken
    progress: ProgressCallback


class WorkHandle:
    """A submitted job. ``cancel()`` sets the job's ``CancelToken``; the job stops at its next check (a job
    that never checks runs to the end). Its ``on_done``/``on_error`` still comes, so a screen always leaves
    its busy state."""

    def __init__(self) -> None:
        self.token = CancelToken()
        self._finished = False
        self._on_cancel: Callable[[], Any] | None = None

    def cancel(self) -> None:
        self.token.cancel()
        if self._on_cancel is not None:  # a coroutine on the GUI loop: cancel its task too
            self._on_cancel()

    @property
    def cancelled(self) -> bool:
        return self.token.cancelled

    @property
    def finished(self) -> bool:
        """True once the job's callback has run (or was dropped by a shutdown)."""
        return self._finished

    # For the implementations of BackgroundWork:
    def mark_finished(self) -> None:
        self._finished = True

    def on_cancel(self, hook: Callable[[], Any]) -> None:
        """Also call ``hook`` when cancelled (an asyncio task's ``cancel``)."""
        self._on_cancel = hook


class BackgroundWork(Protocol):
    """Runs jobs off the GUI thread, one after another in submission order, and calls back on the GUI thread.

    A job that raises an ``Exception`` gets ``on_error(exc)``; a ``BaseException`` that is not an
    ``Exception`` (KeyboardInterrupt, SystemExit) is never caught: it is raised again on the GUI thread and no
    callback runs."""

    def submit(
        self,
        job: Callable[[JobContext], T],
        on_done: Callable[[T], None],
        on_error: Callable[[Exception], None],
        on_progress: ProgressCallback | None = None,
    ) -> WorkHandle: ...

    def submit_async(
        self,
        job: Callable[[JobContext], Awaitable[T]],
        on_done: Callable[[T], None],
        on_error: Callable[[Exception], None],
        on_progress: ProgressCallback | None = None,
    ) -> WorkHandle:
        """Run a coroutine on the GUI's event loop when one is running (qasync), else in a worker thread.
        Cancelling the handle also cancels the coroutine's task on the GUI loop."""
        ...

    def post(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` on the GUI thread (safe from any thread): for work a screen does not submit
        itself, such as the backtest queue's callbacks."""
        ...

    def shutdown(self, timeout: float = SHUTDOWN_TIMEOUT) -> None:
        """The screen is going away: cancel every unfinished job, drop jobs not started and results not yet
        delivered, wait up to ``timeout`` seconds for running jobs. Safe to call twice and from a
        ``destroyed`` handler (touches no widget)."""
        ...
