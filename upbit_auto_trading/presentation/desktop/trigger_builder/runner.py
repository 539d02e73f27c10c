"""Run work on a worker thread and deliver the result on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PyQt6.QtCore import QObject, pyqtSignal


class QtBackgroundRunner(QObject):
    _finished = pyqtSignal(object, object, object)  # callback, payload, is_error

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trigger-preview")
        self._finished.connect(self._deliver)

    def submit(
        self, work: Callable[[], Any], done: Callable[[Any], None], failed: Callable[[BaseException], None]
    ) -> None:
        def job() -> None:
            try:
                result = work()
            except Exception as exc:  # delivered to the presenter on the GUI thread
                self._finished.emit(failed, exc, True)
                return
            self._finished.emit(done, result, False)

        self._executor.submit(job)

    def _deliver(self, callback: Callable[[Any], None], payload: Any, is_error: bool) -> None:
        callback(payload)

    @property
    def executor(self) -> ThreadPoolExecutor:
        return self._executor

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
