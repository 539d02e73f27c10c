"""Low-level row traffic of the candle store: multi-row INSERTs and plain-tuple reads.

Binding parameters row by row is what a bulk insert spends its time on in the sqlite3 module (one
``sqlite3_step``/``reset`` and one Python sequence per row). Sending ``_ROWS_PER_STATEMENT`` rows per
statement, with market and timeframe bound once, cuts the CPU of a 1,000,000-candle insert by about a third
(see ``docs/benchmarks.md``). The values are bound as they are: the decimal TEXT is never re-parsed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from itertools import chain, islice
from typing import Any

# start_utc, open, high, low, close, volume, quote_volume
CandleRow = tuple[int, str, str, str, str, str, str]

# 2 + 7 * 128 = 898 parameters: below 999, the limit of SQLite builds older than 3.32.
_ROWS_PER_STATEMENT = 128


def _insert_sql(rows: int) -> str:
    values = ", ".join(["(?, ?, ?, ?, ?, ?, ?)"] * rows)
    return (
        "INSERT INTO candles (market, timeframe, start_utc, open, high, low, close, volume, quote_volume) "
        "SELECT ?1, ?2, column1, column2, column3, column4, column5, column6, column7 FROM (VALUES "
        + values
        + ")"
    )


_INSERT_FULL = _insert_sql(_ROWS_PER_STATEMENT)


def insert_rows(conn: Any, market: str, timeframe: str, rows: Iterable[CandleRow]) -> int:
    """INSERT every row of one series (plain INSERT: a key that exists fails). Returns how many were inserted.

    ``rows`` is consumed lazily, one statement's worth at a time, so a generator keeps memory flat. Run inside
    the caller's transaction.
    """
    source = iter(rows)
    tail: list[CandleRow] = []
    inserted = 0

    def full_statements() -> Iterator[tuple[Any, ...]]:
        nonlocal tail, inserted
        while True:
            chunk = list(islice(source, _ROWS_PER_STATEMENT))
            if len(chunk) < _ROWS_PER_STATEMENT:
                tail = chunk
                return
            inserted += _ROWS_PER_STATEMENT
            yield (market, timeframe, *chain.from_iterable(chunk))

    conn.executemany(_INSERT_FULL, full_statements())
    if tail:
        conn.execute(_insert_sql(len(tail)), (market, timeframe, *chain.from_iterable(tail)))
        inserted += len(tail)
    return inserted


def fetch_tuples(conn: Any, sql: str, parameters: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
    """All rows of a query as plain tuples (skips the connection's ``sqlite3.Row`` factory, which costs a
    Python object per row). Holds the connection's guard lock when it has one."""
    raw: sqlite3.Connection = getattr(conn, "raw", conn)
    lock: AbstractContextManager[Any] = getattr(conn, "lock", None) or nullcontext()
    with lock:
        cur = raw.cursor()
        try:
            cur.row_factory = None
            cur.execute(sql, tuple(parameters))
            return cur.fetchall()
        finally:
            cur.close()
