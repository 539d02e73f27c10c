"""Plain data the market-data view shows and the requests its dialogs return (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

KST = timezone(timedelta(hours=9), "KST")


def kst_text(value: datetime) -> str:
    return value.astimezone(KST).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class SeriesRow:
    market: str
    timeframe: str
    first_kst: str
    last_kst: str
    count: int
    gaps: int | None
    missing: int | None


@dataclass(frozen=True)
class ImportRequest:
    path: Path
    market: str
    timeframe: str
    format: str = "auto"
    tz: str | None = None
    column_map: dict[str, str] = field(default_factory=dict)
    decimal: str | None = None  # None, None: plain 1234.5 numbers; set after asking about a file like 1,5
    thousands: str | None = None


@dataclass(frozen=True)
class DownloadRequest:
    market: str
    timeframe: str
    start: datetime | None
    end: datetime | None
    api_url: str | None = None


def utc_from_kst_date(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=KST).astimezone(UTC)
