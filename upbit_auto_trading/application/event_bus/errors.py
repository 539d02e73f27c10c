"""Errors raised by the event bus to publishers."""

from __future__ import annotations

from upbit_auto_trading.application.errors import ApplicationError


class EventBusError(ApplicationError):
    """Base of the bus errors."""


class BusClosedError(EventBusError):
    """The bus is stopping or stopped and accepts no more events; publish before shutdown or restart it."""


class BusNotRunningError(EventBusError):
    """The bus has no running loop yet; call ``await bus.start()`` on the application's loop first."""


class QueueFullError(EventBusError):
    """A never-dropped queue (CRITICAL, HIGH or MEDIUM) stayed full past the publish timeout.

    The event was NOT queued. The caller decides: retry later, slow down, or stop trading.
    """
