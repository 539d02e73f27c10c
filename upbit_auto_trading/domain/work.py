"""Long-running work: how far it is (``Progress``) and how it is asked to stop (``CancelToken``).

One shape for every long operation (downloads, backtests, backups, moving database files), so the GUI and the
CLI show progress and cancel the same way whatever the operation.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from upbit_auto_trading.domain.errors import DomainError


class OperationCancelled(DomainError):
    """The user cancelled the operation; it stopped at a point where stopping is safe (the message says
    what was kept)."""


@dataclass(frozen=True)
class Progress:
    """``done`` of ``total`` units (candles, files; or a fraction of 1), and what the operation is doing.

    ``message`` is a short stage key ("copy", "engine", "done") that a screen may translate, or plain text
    (a CLI prints it as is)."""

    done: float
    total: float = 1.0
    message: str = ""

    @property
    def fraction(self) -> float:
        """0..1; nothing to do (``total`` 0) counts as finished."""
        if self.total <= 0:
            return 1.0
        return min(1.0, max(0.0, self.done / self.total))


ProgressCallback = Callable[[Progress], None]


def no_progress(progress: Progress) -> None:
    """A ``ProgressCallback`` for callers that do not show progress."""
    return None


class _Flag(Protocol):
    """``threading.Event`` or a ``multiprocessing`` manager's Event proxy (a worker process's token)."""

    def set(self) -> None: ...
    def is_set(self) -> bool: ...


class CancelToken:
    """Set by whoever started the work (a screen's Cancel button, the process running a worker); the work
    looks at it only at points where stopping leaves things consistent. Thread-safe."""

    def __init__(self, flag: _Flag | None = None) -> None:
        self._flag: _Flag = flag if flag is not None else threading.Event()

    def cancel(self) -> None:
        self._flag.set()

    @property
    def cancelled(self) -> bool:
        return bool(self._flag.is_set())

    def raise_if_cancelled(self, message: str = "Cancelled") -> None:
        if self.cancelled:
            raise OperationCancelled(message)
