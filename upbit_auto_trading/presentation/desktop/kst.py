"""The desktop app's one way of writing a moment: in KST (Korea, UTC+9 all year), and saying so.

Everything is stored and exchanged in UTC (the databases, ``--json``); the screens write KST, as Upbit does,
with "KST" in the text or in the column header. A naive datetime here is UTC (what the stores hand back).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

KST = timezone(timedelta(hours=9), "KST")


def to_kst(moment: datetime) -> datetime:
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)).astimezone(KST)


def kst_minutes(moment: datetime | None) -> str:
    """``2024-01-01 09:00 KST`` for 2024-01-01T00:00Z; "" for None."""
    return "" if moment is None else to_kst(moment).strftime("%Y-%m-%d %H:%M KST")
