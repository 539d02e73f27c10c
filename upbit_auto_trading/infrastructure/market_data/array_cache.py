"""Packed float64 copies of candle series, so loading a series into numpy skips row-by-row decoding.

The candles table stays the source of truth. Every write to a series bumps ``candle_series.version`` in the
writer's transaction; a cached copy is used only while its version equals the series' version, and is
rebuilt lazily (from a consistent read snapshot) on the next load.
"""

from __future__ import annotations

import logging
import sqlite3

import numpy as np

from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.infrastructure.market_data import column_decode

log = logging.getLogger(__name__)

_COLUMNS = 7  # start, open, high, low, close, volume, quote_volume


def bump_version(conn: sqlite3.Connection, market: str, timeframe: str) -> None:
    """Mark a series as changed (call inside the writing transaction)."""
    conn.execute(
        "INSERT INTO candle_series (market, timeframe, version) VALUES (?, ?, 1) "
        "ON CONFLICT (market, timeframe) DO UPDATE SET version = version + 1",
        (market, timeframe),
    )
    conn.execute("DELETE FROM candle_array_cache WHERE market = ? AND timeframe = ?", (market, timeframe))


def series_version(conn: sqlite3.Connection, market: str, timeframe: str) -> int:
    row = conn.execute(
        "SELECT version FROM candle_series WHERE market = ? AND timeframe = ?", (market, timeframe)
    ).fetchone()
    return 0 if row is None else int(row[0])


def read_cached(conn: sqlite3.Connection, market: str, timeframe: str) -> np.ndarray | None:
    """The (7, n) float64 table of a series if a current cached copy exists."""
    row = conn.execute(
        "SELECT c.count, c.data FROM candle_array_cache c JOIN candle_series s "
        "ON s.market = c.market AND s.timeframe = c.timeframe AND s.version = c.version "
        "WHERE c.market = ? AND c.timeframe = ?",
        (market, timeframe),
    ).fetchone()
    if row is None:
        return None
    count, data = int(row[0]), row[1]
    if len(data) != count * _COLUMNS * 8:
        return None
    return np.frombuffer(data, dtype=np.float64).reshape(_COLUMNS, count)


def read_table(conn: sqlite3.Connection, market: str, timeframe: str) -> np.ndarray:
    """Decode a whole series from the candles table into a (7, n) float64 table (ascending, exact)."""
    return column_decode.decode_series(conn, market, timeframe)


def write_cached(
    conn: sqlite3.Connection, market: str, timeframe: str, version: int, table: np.ndarray
) -> None:
    """Store ``table`` as the cached copy of ``version``, unless the series changed meanwhile."""
    conn.execute(
        "INSERT OR REPLACE INTO candle_array_cache (market, timeframe, version, count, data) "
        "SELECT ?, ?, ?, ?, ? WHERE (SELECT version FROM candle_series WHERE market = ? AND timeframe = ?) = ?",
        (market, timeframe, version, table.shape[1], table.tobytes(), market, timeframe, version),
    )


def to_arrays(market: str, timeframe: str, table: np.ndarray, lo: int, hi: int) -> CandleArrays:
    """Slice ``lo <= start <= hi`` out of a (7, n) table into independent arrays."""
    starts = table[0]
    begin = int(np.searchsorted(starts, lo, side="left"))
    end = int(np.searchsorted(starts, hi, side="right"))
    part = table[:, begin:end]
    return CandleArrays(
        market=market,
        timeframe=timeframe,
        start=part[0].astype(np.int64),
        open=part[1].copy(),
        high=part[2].copy(),
        low=part[3].copy(),
        close=part[4].copy(),
        volume=part[5].copy(),
        quote_volume=part[6].copy(),
    )
