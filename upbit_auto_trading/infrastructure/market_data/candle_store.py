"""The SQLite candle store of the active profile's ``market_data`` database.

Prices and volumes are stored as decimal TEXT exactly as parsed (``str(Decimal)``), keyed by
(market, timeframe, start_utc epoch seconds). Writes happen in one transaction per call.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np

from upbit_auto_trading.application.market_data.dto import SeriesInfo
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.market.import_report import UpsertCounts
from upbit_auto_trading.infrastructure.errors import DatabaseError
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession

_INSERT = (
    "INSERT INTO candles (market, timeframe, start_utc, open, high, low, close, volume, quote_volume) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE = (
    "UPDATE candles SET open = ?, high = ?, low = ?, close = ?, volume = ?, quote_volume = ? "
    "WHERE market = ? AND timeframe = ? AND start_utc = ?"
)
_RANGE = " AND start_utc >= ? AND start_utc <= ?"


def _values(c: Candle) -> tuple[str, str, str, str, str, str]:
    return (str(c.open), str(c.high), str(c.low), str(c.close), str(c.volume), str(c.quote_volume))


def _same(stored: tuple[str, ...], new: tuple[str, ...]) -> bool:
    if stored == new:
        return True
    return all(a == b or Decimal(a) == Decimal(b) for a, b in zip(stored, new, strict=True))


def _bounds(start: datetime | None, end: datetime | None) -> tuple[int, int]:
    lo = int(start.timestamp()) if start is not None else -(2**62)
    hi = int(end.timestamp()) if end is not None else 2**62
    return lo, hi


class SqliteCandleStore:
    """Implements the CandleStore and CandleReader ports. Keeps the session, so a profile switch is followed."""

    def __init__(self, session: DatabaseSession) -> None:
        self._session = session

    @property
    def _db(self):  # noqa: ANN202 - SqliteDatabase
        return self._session.market_data

    # ---- writes -------------------------------------------------------------------------------------------
    def upsert(self, candles: Sequence[Candle]) -> UpsertCounts:
        groups: dict[tuple[str, str], list[Candle]] = defaultdict(list)
        for c in candles:
            groups[(c.market, c.timeframe)].append(c)
        total = UpsertCounts()
        try:
            with self._db.transaction() as conn:
                for (market, timeframe), items in groups.items():
                    total = total + self._upsert_series(conn, market, timeframe, items)
        except sqlite3.Error as exc:
            raise DatabaseError(f"Cannot write candles to {self._db.path}: {exc}") from exc
        return total

    def _upsert_series(
        self, conn: sqlite3.Connection, market: str, timeframe: str, items: list[Candle]
    ) -> UpsertCounts:
        lo = min(c.start_epoch for c in items)
        hi = max(c.start_epoch for c in items)
        cur = conn.cursor()
        cur.row_factory = None
        existing = {
            row[0]: row[1:]
            for row in cur.execute(
                "SELECT start_utc, open, high, low, close, volume, quote_volume FROM candles "
                "WHERE market = ? AND timeframe = ?" + _RANGE,
                (market, timeframe, lo, hi),
            )
        }
        inserts: list[tuple] = []
        updates: list[tuple] = []
        unchanged = 0
        seen: set[int] = set()
        for c in items:
            start = c.start_epoch
            if start in seen:
                continue  # a repeat within one call: the first one wins
            seen.add(start)
            values = _values(c)
            stored = existing.get(start)
            if stored is None:
                inserts.append((market, timeframe, start, *values))
            elif _same(stored, values):
                unchanged += 1
            else:
                updates.append((*values, market, timeframe, start))
        if inserts:
            cur.executemany(_INSERT, inserts)
        if updates:
            cur.executemany(_UPDATE, updates)
        return UpsertCounts(len(inserts), len(updates), unchanged)

    def delete_series(self, market: str, timeframe: str) -> int:
        with self._db.transaction() as conn:
            cur = conn.execute("DELETE FROM candles WHERE market = ? AND timeframe = ?", (market, timeframe))
            return int(cur.rowcount)

    # ---- reads --------------------------------------------------------------------------------------------
    def series(self) -> list[SeriesInfo]:
        rows = self._db.connection().execute(
            "SELECT market, timeframe, MIN(start_utc), MAX(start_utc), COUNT(*) FROM candles "
            "GROUP BY market, timeframe ORDER BY market, timeframe"
        )
        return [SeriesInfo(r[0], r[1], int(r[2]), int(r[3]), int(r[4])) for r in rows]

    def count(self, market: str, timeframe: str) -> int:
        row = self._db.connection().execute(
            "SELECT COUNT(*) FROM candles WHERE market = ? AND timeframe = ?", (market, timeframe)
        ).fetchone()
        return int(row[0])

    def newest_start(self, market: str, timeframe: str) -> int | None:
        row = self._db.connection().execute(
            "SELECT MAX(start_utc) FROM candles WHERE market = ? AND timeframe = ?", (market, timeframe)
        ).fetchone()
        return None if row[0] is None else int(row[0])

    def starts(self, market: str, timeframe: str) -> list[int]:
        cur = self._db.connection().cursor()
        cur.row_factory = None
        cur.execute(
            "SELECT start_utc FROM candles WHERE market = ? AND timeframe = ? ORDER BY start_utc",
            (market, timeframe),
        )
        return [r[0] for r in cur.fetchall()]

    def load_candles(
        self, market: str, timeframe: str, start: datetime | None = None, end: datetime | None = None
    ) -> list[Candle]:
        cur = self._db.connection().cursor()
        cur.row_factory = None
        cur.execute(
            "SELECT start_utc, open, high, low, close, volume, quote_volume FROM candles "
            "WHERE market = ? AND timeframe = ?" + _RANGE + " ORDER BY start_utc",
            (market, timeframe, *_bounds(start, end)),
        )
        return [
            Candle(
                market,
                timeframe,
                datetime.fromtimestamp(r[0], UTC),
                Decimal(r[1]),
                Decimal(r[2]),
                Decimal(r[3]),
                Decimal(r[4]),
                Decimal(r[5]),
                Decimal(r[6]),
            )
            for r in cur.fetchall()
        ]

    def load_arrays(
        self, market: str, timeframe: str, start: datetime | None = None, end: datetime | None = None
    ) -> CandleArrays:
        cur = self._db.connection().cursor()
        cur.row_factory = None
        cur.execute(
            "SELECT start_utc, CAST(open AS REAL), CAST(high AS REAL), CAST(low AS REAL), CAST(close AS REAL), "
            "CAST(volume AS REAL), CAST(quote_volume AS REAL) FROM candles "
            "WHERE market = ? AND timeframe = ?" + _RANGE + " ORDER BY start_utc",
            (market, timeframe, *_bounds(start, end)),
        )
        rows = cur.fetchall()
        if not rows:
            return CandleArrays.empty(market, timeframe)
        table = np.array(rows, dtype=np.float64)
        return CandleArrays(
            market=market,
            timeframe=timeframe,
            start=table[:, 0].astype(np.int64),
            open=np.ascontiguousarray(table[:, 1]),
            high=np.ascontiguousarray(table[:, 2]),
            low=np.ascontiguousarray(table[:, 3]),
            close=np.ascontiguousarray(table[:, 4]),
            volume=np.ascontiguousarray(table[:, 5]),
            quote_volume=np.ascontiguousarray(table[:, 6]),
        )
