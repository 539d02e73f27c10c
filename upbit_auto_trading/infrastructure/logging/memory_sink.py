"""Keeps recent log lines in memory for screens that show the log live (the log dock)."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class LogLine:
    time: datetime
    level: str
    component: str
    message: str


Listener = Callable[[LogLine], None]


class MemoryLogSink(logging.Handler):
    """A bounded, thread-safe buffer of log lines with listeners.

    Listeners are called on the logging thread; a GUI listener must only enqueue (never touch widgets).
    """

    def __init__(self, capacity: int = 5000) -> None:
        super().__init__(level=logging.DEBUG)
        self._lines: deque[LogLine] = deque(maxlen=capacity)
        self._listeners: list[Listener] = []
        self._guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
            if record.exc_text:
                message = f"{message}\n{record.exc_text}"
            line = LogLine(
                time=datetime.fromtimestamp(record.created, UTC),
                level=record.levelname,
                component=record.name,
                message=message,
            )
        except Exception:
            self.handleError(record)
            return
        with self._guard:
            self._lines.append(line)
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(line)
            except Exception:  # a broken screen must never break logging
                pass

    def lines(self) -> list[LogLine]:
        with self._guard:
            return list(self._lines)

    def add_listener(self, listener: Listener) -> None:
        with self._guard:
            self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        with self._guard:
            if listener in self._listeners:
                self._listeners.remove(listener)
