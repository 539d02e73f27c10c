"""Plain data the market-data view shows and the requests its dialogs return (no Qt)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Protocol, TypeVar

KST = timezone(timedelta(hours=9), "KST")
T = TypeVar("T")


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


class TaskRunner(Protocol):
    """Runs work off the GUI thread and calls back on it."""

    def run(
        self, work: Callable[[], T], on_done: Callable[[T], None], on_error: Callable[[Exception], None]
    ) -> None: ...

    def post(self, callback: Callable[[], Any]) -> None:
        """Call ``callback`` on the GUI thread (safe from any thread)."""
        ...


class ImmediateRunner:
    """Runs work at once on the calling thread (tests, scripts)."""

    def run(self, work, on_done, on_error) -> None:  # noqa: ANN001
        try:
            result = work()
        except Exception as exc:  # handed to the presenter, which shows it
            on_error(exc)
            return
        on_done(result)

    def post(self, callback) -> None:  # noqa: ANN001
        callback()


def utc_from_kst_date(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=KST).astimezone(UTC)
