"""Runs presenter work on a worker thread and delivers results on the GUI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PyQt6.QtCore import QObject, pyqtSignal

log = logging.getLogger(__name__)


class _Bridge(QObject):
    call = pyqtSignal(object)

    def __init__(self) -> None:
        super().__init__()
        self.closed = False
        self.call.connect(self._invoke)  # queued across threads: runs on the GUI thread

    def _invoke(self, callback: Callable[[], Any]) -> None:
        if not self.closed:  # the screen is gone: drop late results
            callback()


class QtTaskRunner:
    """One worker thread (tasks of this screen run one after another), results posted back to the GUI."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="market-data")
        self._bridge = _Bridge()

    def run(
        self, work: Callable[[], Any], on_done: Callable[[Any], None], on_error: Callable[[Exception], None]
    ) -> None:
        def task() -> None:
            try:
                result = work()
            except Exception as exc:  # delivered to the presenter, which shows it
                error = exc  # `exc` is unbound after the block; the callback runs later
                self.post(lambda: on_error(error))
                return
            self.post(lambda: on_done(result))

        self._executor.submit(task)

    def post(self, callback: Callable[[], Any]) -> None:
        if not self._bridge.closed:
            self._bridge.call.emit(callback)

    def shutdown(self) -> None:
        """Drop queued tasks and late results; a running task finishes on its own thread."""
        self._bridge.closed = True
        self._executor.shutdown(wait=False, cancel_futures=True)
