"""Cancelling a running backtest: anything with a ``cancelled`` property will do."""

from __future__ import annotations

import threading
from typing import Protocol


class CancelSignal(Protocol):
    """What ``run_backtest`` polls between chunks (a worker process can pass a wrapper around a
    ``multiprocessing.Event``)."""

    @property
    def cancelled(self) -> bool: ...


class CancelToken:
    """A thread-safe cancel flag for runs in a worker thread of the same process."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()
