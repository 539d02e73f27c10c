"""Data passed in and out of the market-data use cases."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.market.import_report import RejectedRow

IMPORT_FORMATS = ("upbit", "cdd", "generic")
AUTO_FORMAT = "auto"  # pick one of IMPORT_FORMATS from the file's header


@dataclass(frozen=True)
class ImportSpec:
    """What to import and how. ``tz`` is the zone of naive times in the file (an IANA name such as
    ``Asia/Seoul`` or ``UTC``, or an offset like ``+09:00``); None means the format's own rule (Upbit: KST,
    CryptoDataDownload: UTC, generic: UTC). ``column_map`` maps a field (time, open, high, low, close, volume,
    quote_volume) to a column name of the file (generic format). ``format`` may be ``auto``: detected from the
    header.

    ``decimal`` (``.`` or ``,``) and ``thousands`` (``,``, ``.``, `` ``, ``'`` or ``''`` for none) say how numbers
    are written. Both None: only ``1234.5`` style is read, and a number that reads two ways (``1,5``,
    ``1,234.5``) refuses the file, because guessing silently stores prices 10-1000x wrong. Naming one of them
    names the format (the other defaults to ``.`` decimal / no thousands separator)."""

    path: Path
    market: str
    timeframe: str
    format: str = "upbit"
    tz: str | None = None
    column_map: Mapping[str, str] = field(default_factory=dict)
    decimal: str | None = None
    thousands: str | None = None


@dataclass(frozen=True)
class ParsedCandles:
    """A parsed file: ``read`` data rows, the valid candles with their line numbers, the rejected rows."""

    read: int
    candles: list[tuple[int, Candle]]
    rejected: list[RejectedRow]


@dataclass(frozen=True)
class SeriesInfo:
    market: str
    timeframe: str
    first: int
    last: int
    count: int

    @property
    def first_utc(self) -> datetime:
        return datetime.fromtimestamp(self.first, UTC)

    @property
    def last_utc(self) -> datetime:
        return datetime.fromtimestamp(self.last, UTC)


@dataclass(frozen=True)
class SeriesSummary:
    """One stored series as the list screen and ``data list`` show it."""

    market: str
    timeframe: str
    first: datetime
    last: datetime
    count: int
    gaps: int | None = None
    missing: int | None = None

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "market": self.market,
            "timeframe": self.timeframe,
            "first": iso_utc(self.first),
            "last": iso_utc(self.last),
            "count": self.count,
        }
        if self.gaps is not None:
            data["gaps"] = self.gaps
            data["missing"] = self.missing
        return data


@dataclass(frozen=True)
class BundledDataset:
    market: str
    timeframe: str
    format: str
    path: Path
    title: str = ""


@dataclass(frozen=True)
class DownloadState:
    """An unfinished download: the requested range and the oldest candle start fetched so far (the cursor)."""

    market: str
    timeframe: str
    range_start: int
    range_end: int
    cursor: int
    fetched: int = 0


@dataclass(frozen=True)
class DownloadReport:
    market: str
    timeframe: str
    start: datetime
    end: datetime
    pages: int
    fetched: int
    inserted: int
    updated: int
    duplicates: int
    status: str  # "complete" | "cancelled"
    resumed: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "market": self.market,
            "timeframe": self.timeframe,
            "from": iso_utc(self.start),
            "to": iso_utc(self.end),
            "pages": self.pages,
            "fetched": self.fetched,
            "inserted": self.inserted,
            "updated": self.updated,
            "duplicates": self.duplicates,
            "status": self.status,
            "resumed": self.resumed,
        }


def iso_utc(value: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ``."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
