"""The database page's operations, one at a time, off the GUI thread: busy state, progress, cancel, the
message when one ends and the error when one fails."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from upbit_auto_trading.domain.work import Progress, ProgressCallback
from upbit_auto_trading.presentation.desktop.background import BackgroundWork, JobContext, WorkHandle
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.settings.profiles.model import DatabaseView

log = logging.getLogger(__name__)

DoneMessage = str | Callable[[Any], str]
"""What to tell the user when an operation ends: fixed text, or text made from its result ("" = nothing)."""

Callbacks = tuple[Callable[[Any], None], Callable[[Exception], None]]


class PageTasks:
    """``refresh`` reloads the page's lists after an operation (also after a failed one: it may have changed
    something before it failed)."""

    def __init__(self, view: DatabaseView, work: BackgroundWork, refresh: Callable[[], None]) -> None:
        self._view = view
        self._work = work
        self._refresh = refresh
        self._cancellable: WorkHandle | None = None
        self.busy = False

    def run(
        self,
        message: str,
        job: Callable[[JobContext], Any],
        done_message: DoneMessage,
        *,
        cancellable: bool = False,
        failure: str = "",
        on_progress: ProgressCallback | None = None,
    ) -> None:
        """Run ``job`` on the worker; ``failure`` prefixes the error shown when it raises."""
        callbacks = self._begin(message, done_message, cancellable, failure)
        if callbacks is not None:
            handle = self._work.submit(job, *callbacks, on_progress=on_progress)
            self._cancellable = handle if cancellable and not handle.finished else None

    def run_async(
        self,
        message: str,
        job: Callable[[JobContext], Awaitable[Any]],
        done_message: DoneMessage,
        *,
        on_progress: ProgressCallback | None = None,
    ) -> None:
        """Run a coroutine (a switch or restore goes through the app's config-change gate on its loop)."""
        callbacks = self._begin(message, done_message, False, "")
        if callbacks is not None:
            self._work.submit_async(job, *callbacks, on_progress=on_progress)

    def show_progress(self, progress: Progress) -> None:
        self._view.set_progress(progress.fraction, progress.message)

    def cancel(self) -> None:
        """The Cancel button: the running operation stops where stopping changes nothing."""
        if self._cancellable is not None:
            self._cancellable.cancel()
            self._view.set_progress(0.0, tr("취소 중...", "Cancelling..."))

    def _begin(
        self, message: str, done_message: DoneMessage, cancellable: bool, failure: str
    ) -> Callbacks | None:
        if self.busy:
            self._view.show_error(
                tr(
                    "다른 작업이 진행 중입니다. 끝난 뒤 다시 시도하세요.",
                    "Another operation is running; try again when it ends.",
                )
            )
            return None
        self.busy = True
        self._view.set_busy(True, message, cancellable)

        def done(result: Any) -> None:
            self._finish()
            text = done_message(result) if callable(done_message) else done_message
            if text and getattr(result, "status", None) == "refused":
                self._view.show_error(text)  # e.g. a trade is live in another window
            elif text:
                self._view.show_info(text)
            self._refresh()

        def failed(error: Exception) -> None:
            self._finish()
            log.warning("database page operation failed: %s", error)
            self._view.show_error(failure + str(error))
            try:
                self._refresh()
            except Exception:  # never let a refresh failure hide the first error
                log.exception("refresh failed")

        return done, failed

    def _finish(self) -> None:
        self.busy = False
        self._cancellable = None
        self._view.set_busy(False)
