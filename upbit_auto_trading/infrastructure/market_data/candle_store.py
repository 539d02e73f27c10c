"""The SQLite candle store of the active profile's ``market_data`` database.

Prices and volumes are stored as decimal TEXT exactly as parsed (``str(Decimal)``), keyed by
(market, timeframe, start_utc epoch seconds). Writes happen in one transaction per call.
"""

from __future__ import annotations

import gc
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

from upbit_auto_trading.application.market_data.dto import SeriesInfo
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.market.import_report import UpsertCounts
from upbit_auto_trading.infrastructure.errors import DatabaseError
from upbit_auto_trading.infrastructure.market_data import array_cache
from upbit_auto_trading.infrastructure.market_data.candle_rows import CandleRow, fetch_tuples, insert_rows
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession

_UPDATE = (
    "UPDATE candles SET open = ?, high = ?, low = ?, close = ?, volume = ?, quote_volume = ? "
    "WHERE market = ? AND timeframe = ? AND start_utc = ?"
)
_RANGE = " AND start_utc >= ? AND start_utc <= ?"
_BULK_ROWS = 50_000
_BULK_CACHE_KIB = -65536  # 64 MiB while a bulk upsert runs
_CACHE_MIN_ROWS = 2000  # small series decode fast enough; do not spend space on them


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
        bulk = len(candles) >= _BULK_ROWS
        gc_was_enabled = gc.isenabled()
        try:
            with self._db.transaction() as conn:
                if bulk:  # many new tuples: skip cyclic GC passes and give SQLite a bigger page cache
                    gc.disable()
                    conn.execute(f"PRAGMA cache_size = {_BULK_CACHE_KIB}")
                try:
                    for (market, timeframe), items in groups.items():
                        total = total + self._upsert_series(conn, market, timeframe, items)
                finally:
                    if bulk:
                        conn.execute("PRAGMA cache_size = -2000")
        except sqlite3.Error as exc:
            raise DatabaseError(f"Cannot write candles to {self._db.path}: {exc}") from exc
        finally:
            if gc_was_enabled:
                gc.enable()
        return total

    def _upsert_series(
        self, conn: sqlite3.Connection, market: str, timeframe: str, items: list[Candle]
    ) -> UpsertCounts:
        starts = [c.start_epoch for c in items]
        cur = conn.cursor()
        existing = {
            row[0]: row[1:]
            for row in fetch_tuples(
                conn,
                "SELECT start_utc, open, high, low, close, volume, quote_volume FROM candles "
                "WHERE market = ? AND timeframe = ?" + _RANGE,
                (market, timeframe, min(starts), max(starts)),
            )
        }
        unchanged = 0
        updates: list[tuple] = []
        if not existing and len(set(starts)) == len(starts):  # the bulk path: a new stretch of candles
            inserted = insert_rows(
                cur,
                market,
                timeframe,
                (
                    (
                        s,
                        str(c.open),
                        str(c.high),
                        str(c.low),
                        str(c.close),
                        str(c.volume),
                        str(c.quote_volume),
                    )
                    for s, c in zip(starts, items, strict=True)
                ),
            )
            if inserted:
                array_cache.bump_version(conn, market, timeframe)
            return UpsertCounts(inserted, 0, 0)
        inserts: list[CandleRow] = []
        seen: set[int] = set()
        for start, c in zip(starts, items, strict=True):
            if start in seen:
                continue  # a repeat within one call: the first one wins
            seen.add(start)
            values = _values(c)
            stored = existing.get(start)
            if stored is None:
                inserts.append((start, *values))
            elif _same(stored, values):
                unchanged += 1
            else:
                updates.append((*values, market, timeframe, start))
        if inserts:
            insert_rows(cur, market, timeframe, inserts)
        if updates:
            cur.executemany(_UPDATE, updates)
        if inserts or updates:
            array_cache.bump_version(conn, market, timeframe)
        return UpsertCounts(len(inserts), len(updates), unchanged)

    def delete_series(self, market: str, timeframe: str) -> int:
        with self._db.transaction() as conn:
            cur = conn.execute("DELETE FROM candles WHERE market = ? AND timeframe = ?", (market, timeframe))
            deleted = int(cur.rowcount)
            if deleted:  # deleting nothing must write nothing (bumping would create a candle_series row)
                array_cache.bump_version(conn, market, timeframe)
            return deleted

    # ---- reads --------------------------------------------------------------------------------------------
    def series(self) -> list[SeriesInfo]:
        rows = self._db.connection().execute(
            "SELECT market, timeframe, MIN(start_utc), MAX(start_utc), COUNT(*) FROM candles "
            "GROUP BY market, timeframe ORDER BY market, timeframe"
        )
        return [SeriesInfo(r[0], r[1], int(r[2]), int(r[3]), int(r[4])) for r in rows]

    def count(self, market: str, timeframe: str) -> int:
        row = (
            self._db.connection()
            .execute("SELECT COUNT(*) FROM candles WHERE market = ? AND timeframe = ?", (market, timeframe))
            .fetchone()
        )
        return int(row[0])

    def newest_start(self, market: str, timeframe: str) -> int | None:
        row = (
            self._db.connection()
            .execute(
                "SELECT MAX(start_utc) FROM candles WHERE market = ? AND timeframe = ?", (market, timeframe)
            )
            .fetchone()
        )
        return None if row[0] is None else int(row[0])

    def starts(self, market: str, timeframe: str) -> list[int]:
        rows = fetch_tuples(
            self._db.connection(),
            "SELECT start_utc FROM candles WHERE market = ? AND timeframe = ? ORDER BY start_utc",
            (market, timeframe),
        )
        return [r[0] for r in rows]

    def load_candles(
        self, market: str, timeframe: str, start: datetime | None = None, end: datetime | None = None
    ) -> list[Candle]:
        rows = fetch_tuples(
            self._db.connection(),
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
            for r in rows
        ]

    def load_arrays(
        self, market: str, timeframe: str, start: datetime | None = None, end: datetime | None = None
    ) -> CandleArrays:
        """A series as numpy arrays. Uses the packed copy when it is current, else decodes and caches it."""
        lo, hi = _bounds(start, end)
        if lo > hi:  # selects no candle: answer without reading, so the packed cache is not written either
            return CandleArrays.empty(market, timeframe)
        db = self._db
        conn = db.connection()
        try:
            table = array_cache.read_cached(conn, market, timeframe)
            if table is None:
                conn.execute("BEGIN")  # one read snapshot for the version and the rows
                try:
                    version = array_cache.series_version(conn, market, timeframe)
                    table = array_cache.read_table(conn, market, timeframe)
                finally:
                    conn.execute("COMMIT")
                if table.shape[1] >= _CACHE_MIN_ROWS and version > 0:
                    with db.transaction() as wconn:
                        array_cache.write_cached(wconn, market, timeframe, version, table)
        except sqlite3.Error as exc:
            raise DatabaseError(f"Cannot read candles from {db.path}: {exc}") from exc
        if table.shape[1] == 0:
            return CandleArrays.empty(market, timeframe)
        return array_cache.to_arrays(market, timeframe, table, lo, hi)
