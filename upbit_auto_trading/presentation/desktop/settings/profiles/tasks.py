"""Run work off the GUI thread and bring results back to it (a thread pool and a queued Qt signal)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PyQt6.QtCore import QObject, pyqtSignal

log = logging.getLogger(__name__)


class _Relay(QObject):
    deliver = pyqtSignal(object, object)  # callback, argument; queued to the GUI thread


class QtTaskRunner:
    def __init__(self, parent: QObject | None = None) -> None:
        self._relay = _Relay(parent)
        self._relay.deliver.connect(lambda callback, value: callback(value))
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="database-page")
        self.pending = 0

    def _post(self, callback: Callable[[Any], None], value: Any) -> None:
        self._relay.deliver.emit(callback, value)

    def run(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        self.pending += 1

        def job() -> None:
            try:
                result = work()
            except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread
                self._post(self._done(on_error), exc)
            else:
                self._post(self._done(on_done), result)

        self._pool.submit(job)

    def _done(self, callback: Callable[[Any], None]) -> Callable[[Any], None]:
        def wrapped(value: Any) -> None:
            self.pending -= 1
            callback(value)

        return wrapped

    def run_async(
        self,
        coroutine_factory: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        try:
            loop = asyncio.get_event_loop()
            running = loop.is_running()
        except RuntimeError:
            running = False
        if not running:
            self.run(lambda: asyncio.run(coroutine_factory()), on_done, on_error)
            return
        self.pending += 1
        task = asyncio.ensure_future(coroutine_factory())

        def finished(t: asyncio.Future) -> None:
            if t.cancelled():
                self._done(on_error)(RuntimeError("cancelled"))
            elif t.exception() is not None:
                self._done(on_error)(t.exception())
            else:
                self._done(on_done)(t.result())

        task.add_done_callback(finished)

    def progress_callback(self, on_progress: Callable[[float, str], None]) -> Callable[[float, str], None]:
        return lambda fraction, text: self._post(lambda value: on_progress(*value), (fraction, text))

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
