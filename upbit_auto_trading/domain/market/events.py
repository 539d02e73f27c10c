"""Events of the market-data context: stored candles changed by a user action (published at MEDIUM_CONFIG)."""

from __future__ import annotations

from dataclasses import dataclass

from upbit_auto_trading.domain.events import Event


@dataclass(frozen=True, kw_only=True)
class CandlesImported(Event):
    """A candle file was imported into ``market`` / ``timeframe`` (counts as in the import report)."""

    market: str
    timeframe: str
    read: int
    inserted: int
    updated: int
    duplicates: int
    rejected: int


@dataclass(frozen=True, kw_only=True)
class SeriesResampled(Event):
    """The ``target`` series of ``market`` was built (or refreshed) from its ``source`` series."""

    market: str
    source_timeframe: str
    target_timeframe: str
    read: int
    written: int
    inserted: int
    updated: int
    unchanged: int


@dataclass(frozen=True, kw_only=True)
class SeriesDeleted(Event):
    market: str
    timeframe: str
    deleted: int
