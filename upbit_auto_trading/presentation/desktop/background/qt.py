"""``BackgroundWork`` for the desktop: one worker thread per screen, every callback handed to the GUI thread
through a queued Qt signal."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any, TypeVar

from PyQt6 import sip
from PyQt6.QtCore import QCoreApplication, QObject, Qt, pyqtSignal

from upbit_auto_trading.domain.work import OperationCancelled, Progress, ProgressCallback, no_progress
from upbit_auto_trading.presentation.desktop.background.work import (
    SHUTDOWN_TIMEOUT,
    JobContext,
    WorkHandle,
)

log = logging.getLogger(__name__)

T = TypeVar("T")


class _Bridge(QObject):
    call = pyqtSignal(object)

    def __init__(self, parent: QObject | None) -> None:
        # Queued even from the GUI thread: a callback never runs inside the call that posted it.
        super().__init__(parent)
        # PyQt6's stubs omit connect's connection-type argument (the runtime takes it)
        self.call.connect(self._run, Qt.ConnectionType.QueuedConnection)  # type: ignore[call-arg]

    def _run(self, callback: Callable[[], None]) -> None:
        callback()


_bridge: _Bridge | None = None


def _shared_bridge() -> _Bridge:
    """The app's one bridge, a child of the QApplication: it lives on the GUI thread as long as the app.

    A bridge per QtBackgroundWork was freed wherever the last reference went, at times a worker thread (a
    finished job's closure), and deleting a QObject off its thread crashes. The screen's widget cannot own it
    either: the shutdown that runs when the widget is destroyed must not meet a deleted bridge."""
    global _bridge
    if _bridge is None or sip.isdeleted(_bridge):
        _bridge = _Bridge(QCoreApplication.instance())
    return _bridge


class QtBackgroundWork:
    """Jobs run one after another on a worker thread named ``name`` (default: after the owner's class, for the
    logs); results, errors and progress arrive on the GUI thread (create it there). With an ``owner`` it shuts
    down when the owner is destroyed."""

    def __init__(self, owner: QObject | None = None, name: str | None = None) -> None:
        self._bridge = _shared_bridge()
        prefix = name or (type(owner).__name__ if owner is not None else "background")
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=prefix)
        self._lock = threading.Lock()
        self._open: dict[WorkHandle, Future[Any] | None] = {}  # unfinished jobs (an async one has no future)
        self._closed = False
        if owner is not None:
            owner.destroyed.connect(lambda *_: self.shutdown())

    @property
    def pending(self) -> int:
        """Jobs submitted whose callback has not run yet."""
        with self._lock:
            return len(self._open)

    def submit(
        self,
        job: Callable[[JobContext], T],
        on_done: Callable[[T], None],
        on_error: Callable[[Exception], None],
        on_progress: ProgressCallback | None = None,
    ) -> WorkHandle:
        handle = WorkHandle()
        if not self._track(handle):
            return handle
        context = JobContext(handle.token, self._relay(on_progress) if on_progress else no_progress)

        def run() -> None:
            try:
                result = job(context)
            except Exception as exc:  # the presenter shows it
                error = exc
                self._deliver(handle, lambda: on_error(error))
            except BaseException as exc:  # not ours to handle: raised again on the GUI thread
                self._deliver(handle, _raiser(exc))
                raise
            else:
                self._deliver(handle, lambda: on_done(result))

        future = self._executor.submit(run)
        with self._lock:
            if handle in self._open:
                self._open[handle] = future
        return handle

    def submit_async(
        self,
        job: Callable[[JobContext], Awaitable[T]],
        on_done: Callable[[T], None],
        on_error: Callable[[Exception], None],
        on_progress: ProgressCallback | None = None,
    ) -> WorkHandle:
        try:
            loop = asyncio.get_running_loop()  # qasync: the GUI thread's loop, where the app's bus lives
        except RuntimeError:
            return self.submit(
                lambda context: asyncio.run(_awaited(job, context)), on_done, on_error, on_progress
            )
        handle = WorkHandle()
        if not self._track(handle):
            return handle
        # the coroutine may hand work to other threads (the gate's appliers): progress is relayed all the same
        context = JobContext(handle.token, self._relay(on_progress) if on_progress else no_progress)
        task = loop.create_task(_awaited(job, context))
        handle.on_cancel(task.cancel)

        def finished(done: asyncio.Task[T]) -> None:  # on the loop's (the GUI) thread
            if done.cancelled():
                self._deliver(handle, lambda: on_error(OperationCancelled("Cancelled")))
                return
            exc = done.exception()
            if exc is None:
                self._deliver(handle, lambda: on_done(done.result()))
            elif isinstance(exc, Exception):
                self._deliver(handle, lambda: on_error(exc))
            else:  # asyncio already let KeyboardInterrupt/SystemExit out of the loop
                self._forget(handle)

        task.add_done_callback(finished)
        return handle

    def post(self, callback: Callable[[], None]) -> None:
        if not self._closed:
            self._bridge.call.emit(callback)

    def shutdown(self, timeout: float = SHUTDOWN_TIMEOUT) -> None:
        with self._lock:
            self._closed = True
            handles = list(self._open)
            futures = [f for f in self._open.values() if f is not None]
        for handle in handles:
            handle.cancel()
        self._executor.shutdown(wait=False, cancel_futures=True)
        _, running = wait(futures, timeout=timeout)
        if running:
            log.warning(
                "%d background job(s) still running %.1f s after their screen closed", len(running), timeout
            )

    # ------------------------------------------------------------------ internals
    def _track(self, handle: WorkHandle) -> bool:
        with self._lock:
            if self._closed:  # the screen is gone: nothing more runs
                handle.mark_finished()
                return False
            self._open[handle] = None
            return True

    def _forget(self, handle: WorkHandle) -> None:
        with self._lock:
            self._open.pop(handle, None)
        handle.mark_finished()

    def _deliver(self, handle: WorkHandle, callback: Callable[[], None]) -> None:
        """Run ``callback`` on the GUI thread as the job's last word, unless the screen has closed since."""

        def last_word() -> None:
            self._forget(handle)
            if not self._closed:
                callback()

        self.post(last_word)

    def _relay(self, on_progress: ProgressCallback) -> ProgressCallback:
        def report(progress: Progress) -> None:
            self.post(lambda: on_progress(progress))

        return report


def _raiser(exc: BaseException) -> Callable[[], None]:
    def raise_it() -> None:
        raise exc

    return raise_it


async def _awaited(job: Callable[[JobContext], Awaitable[T]], context: JobContext) -> T:
    return await job(context)
