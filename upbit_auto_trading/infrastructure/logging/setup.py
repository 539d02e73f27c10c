"""Configure the standard ``logging`` module: rotating file, console, in-memory sink, redaction."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from upbit_auto_trading.infrastructure.logging.memory_sink import MemoryLogSink
from upbit_auto_trading.infrastructure.logging.quiet_errors import (
    QuietRotatingFileHandler,
    QuietStreamHandler,
)
from upbit_auto_trading.infrastructure.logging.redaction import RedactingFilter

LOG_FORMAT = "%(asctime)s %(levelname)-8s %(name)s: %(message)s"
_MARK = "_upbit_auto_trading_handler"


def configure(
    logs_dir: Path,
    level: str = "INFO",
    console: bool = True,
    max_bytes: int = 5_000_000,
    backups: int = 5,
    sink: MemoryLogSink | None = None,
) -> MemoryLogSink:
    """(Re)install the app's handlers on the root logger; safe to call more than once."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _MARK, False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    redactor = RedactingFilter()
    formatter = logging.Formatter(LOG_FORMAT)

    logs_dir.mkdir(parents=True, exist_ok=True)
    # quiet: a full or read-only logs disk costs log lines, never a traceback per record on stderr
    handlers: list[logging.Handler] = [
        QuietRotatingFileHandler(
            logs_dir / "upbit_auto_trading.log", maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
        )
    ]
    if console:
        handlers.append(QuietStreamHandler(sys.stderr))
    sink = sink or MemoryLogSink()
    handlers.append(sink)
    for handler in handlers:
        handler.addFilter(redactor)
        handler.setFormatter(formatter)
        setattr(handler, _MARK, True)
        root.addHandler(handler)
    return sink
