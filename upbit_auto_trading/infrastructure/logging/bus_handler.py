"""A logging handler that carries log records to the event bus as LogLineEvent at LOW_LOGGING.

Safe from any thread (``publish_threadsafe``) and never blocks the caller: LOW drops its oldest line
when its queue is full (counted in the bus stats). While the bus is not running, records are skipped
here (the file and the in-memory sink still have them).
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from upbit_auto_trading.application.event_bus import EventBus, EventPriority, LogLineEvent
from upbit_auto_trading.application.event_bus.errors import EventBusError
from upbit_auto_trading.infrastructure.logging.redaction import RedactingFilter

_BUS_LOGGERS = ("upbit_auto_trading.application.event_bus",)


class BusLogHandler(logging.Handler):
    def __init__(self, bus: EventBus, level: int = logging.DEBUG) -> None:
        super().__init__(level=level)
        self._bus = bus
        self._local = threading.local()
        self.addFilter(RedactingFilter())

    def emit(self, record: logging.LogRecord) -> None:
        # A failing log-line subscriber must not feed itself: its failure reports are not re-published.
        if getattr(record, "bus_failed_event_type", None) == "LogLineEvent":
            return
        if getattr(self._local, "busy", False):
            return
        bus = self._bus
        if not bus.is_running:
            return
        self._local.busy = True
        try:
            message = record.getMessage()
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                message = f"{message}\n{record.exc_text}"
            event = LogLineEvent(
                timestamp=datetime.fromtimestamp(record.created, UTC),
                source=record.name,
                level=record.levelname,
                logger=record.name,
                message=message,
            )
            if bus.in_loop_thread():
                bus.publish_nowait(event, EventPriority.LOW_LOGGING)
            else:
                bus.publish_threadsafe(event, EventPriority.LOW_LOGGING)
        except EventBusError:
            pass  # stopping: the file and the memory sink still have the line
        except Exception:  # noqa: BLE001 - logging must never raise
            self.handleError(record)
        finally:
            self._local.busy = False


def install_bus_log_handler(bus: EventBus, level: int = logging.DEBUG) -> BusLogHandler:
    """Attach a :class:`BusLogHandler` to the root logger (once) and return it."""
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, BusLogHandler) and handler._bus is bus:  # noqa: SLF001
            return handler
    handler = BusLogHandler(bus, level)
    root.addHandler(handler)
    return handler


def remove_bus_log_handler(handler: BusLogHandler) -> None:
    logging.getLogger().removeHandler(handler)
    handler.close()
