"""Apply the logging configuration of a built container."""

from __future__ import annotations

from typing import Any

from upbit_auto_trading.infrastructure.logging.memory_sink import MemoryLogSink
from upbit_auto_trading.infrastructure.logging.setup import configure


def configure_logging(container: Any, console: bool | None = None) -> MemoryLogSink:
    cfg = container.config.logging
    return configure(
        logs_dir=container.core.app_paths().logs_dir,
        level=cfg.level(),
        console=cfg.console() if console is None else console,
        max_bytes=cfg.file_max_bytes(),
        backups=cfg.file_backups(),
        sink=container.core.log_sink(),
    )
