"""Ports the market-data use cases need (implemented in infrastructure/market_data/)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from upbit_auto_trading.application.market_data.dto import (
    BundledDataset,
    DownloadState,
    ImportSpec,
    ParsedCandles,
    SeriesInfo,
)
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.market.import_report import UpsertCounts


class CandleStore(Protocol):
    """Stored candles, keyed by (market, timeframe, start)."""

    def upsert(self, candles: Sequence[Candle]) -> UpsertCounts:
        """Insert new candles, replace changed ones, skip identical ones: all in ONE transaction."""
        ...

    def series(self) -> list[SeriesInfo]:
        """Every stored (market, timeframe) with first/last start and count."""
        ...

    def count(self, market: str, timeframe: str) -> int: ...

    def starts(self, market: str, timeframe: str) -> list[int]:
        """Candle starts (epoch seconds, UTC), ascending."""
        ...

    def newest_start(self, market: str, timeframe: str) -> int | None: ...

    def load_candles(
        self, market: str, timeframe: str, start: datetime | None = None, end: datetime | None = None
    ) -> list[Candle]:
        """Candles with ``start <= candle start <= end``, ascending, exact decimals."""
        ...

    def load_arrays(
        self, market: str, timeframe: str, start: datetime | None = None, end: datetime | None = None
    ) -> CandleArrays: ...

    def delete_series(self, market: str, timeframe: str) -> int:
        """Delete a series; returns how many candles were removed."""
        ...


class CandleFileReader(Protocol):
    def read(self, spec: ImportSpec) -> ParsedCandles:
        """Parse a whole file. Rows that break a rule are returned as rejected; a file that cannot be read as a
        whole (missing, wrong columns, binary) raises ImportFileError."""
        ...


class DownloadStateStore(Protocol):
    """Where an unfinished download remembers how far it got (survives a crash)."""

    def load(self, market: str, timeframe: str) -> DownloadState | None: ...

    def save(self, state: DownloadState) -> None: ...

    def clear(self, market: str, timeframe: str) -> None: ...


class BundledCandleCatalog(Protocol):
    """The sample candle files shipped inside the package."""

    def datasets(self) -> list[BundledDataset]: ...


class SeedLedger(Protocol):
    """Remembers which bundled datasets were already imported, so a series the user deleted stays deleted."""

    def is_seeded(self, key: str) -> bool: ...

    def mark_seeded(self, key: str) -> None: ...
