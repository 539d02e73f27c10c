"""Progress reporting and cooperative cancellation for long database operations."""

from __future__ import annotations

import threading
from collections.abc import Callable

from upbit_auto_trading.application.profiles.errors import OperationCancelledError

ProgressCallback = Callable[[float, str], None]  # fraction 0..1, short text


def no_progress(fraction: float, message: str) -> None:
    return None


class CancelToken:
    """Set by the UI; checked by the operation only at points where stopping leaves nothing changed."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise OperationCancelledError("Cancelled; nothing was changed")
