"""Reports the user exports (the drift report's CSV): written whole or not at all."""

from __future__ import annotations

from pathlib import Path

from upbit_auto_trading.infrastructure.files.errors import NotWritableError
from upbit_auto_trading.infrastructure.files.fsutil import atomic_write_text, translate_os_error


def write_report_text(path: Path, text: str) -> None:
    """Temp file beside ``path``, fsync, atomic rename over it, fsync of the folder: a crash or a full disk
    leaves the old file (or none), never half a report. Errors name the file and what to do."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise NotWritableError(
            f"{path} is a folder; give a file name for the report (e.g. {path / 'drift.csv'})"
        )
    try:
        atomic_write_text(path, text)
    except OSError as exc:
        raise translate_os_error(exc, "writing the report", path) from exc
