"""How the CLI writes a moment: ISO-8601 UTC ending in ``Z`` in JSON, and "... UTC" in text.

The desktop app writes KST (presentation/desktop/kst.py); the command line keeps UTC, as its ``--from`` and
``--to`` read it, and always says so. A naive datetime is taken as UTC (the stores hand back UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso_z(moment: datetime) -> str:
    """``2024-01-01T00:00:00Z`` (whole seconds, as every stored time is)."""
    return _utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_text(moment: datetime) -> str:
    """``2024-01-01 00:00:00 UTC`` for a line of text."""
    return _utc(moment).strftime("%Y-%m-%d %H:%M:%S UTC")
