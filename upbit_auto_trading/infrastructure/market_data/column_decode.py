"""Decode a whole candle series from its decimal TEXT into a (7, n) float64 table, fast and exactly.

Every value becomes the float64 nearest to its stored decimal text (what ``float(text)`` gives: correctly
rounded), starts become their exact integers, rows come out in ascending ``start_utc``.

Fast path: one query in which SQLite joins each column into one comma-separated blob
(``group_concat``), parsed by numpy (``np.fromstring(sep=",")``): 7 Python objects for the whole series
instead of 7 per row. numpy parses floats with CPython's own correctly rounded ``PyOS_string_to_double``,
so the result is bit-identical to ``float(text)``. A column whose text has no minus sign is first tried as
int64 (about five times faster: whole-won prices and volumes); the integers are kept only when every one is
at most 2**53, so their conversion to float64 is exact (and a saturated overflow is never kept).

``CAST(text AS REAL)`` is not used: SQLite's conversion is not correctly rounded (about 240 of every
1,000,000 volumes with 8 decimals come out one unit in the last place off).

The rows of one aggregate query reach all seven ``group_concat`` in the same order, so the columns stay
aligned; that order is the primary-key order in practice, and it is checked: if the starts are not strictly
ascending, every column is reordered by start. Anything the fast path cannot read exactly (an unparsable
value, a count mismatch, a series whose text is over SQLite's string length limit) goes through the
reference row-by-row decoder instead, which gives the same values.
"""

from __future__ import annotations

import logging
import sqlite3
import warnings
from typing import Any

import numpy as np

from upbit_auto_trading.infrastructure.errors import DatabaseError
from upbit_auto_trading.infrastructure.market_data.candle_rows import fetch_tuples

log = logging.getLogger(__name__)

COLUMNS = ("start_utc", "open", "high", "low", "close", "volume", "quote_volume")
_EXACT_INT_LIMIT = 2**53  # every integer up to this converts to float64 exactly

_CONCAT_SQL = (
    "SELECT count(*), "
    + ", ".join(f"CAST(group_concat({c}, ',') AS BLOB)" for c in COLUMNS)
    + " FROM candles WHERE market = ? AND timeframe = ?"
)
_ROWS_SQL = (
    "SELECT " + ", ".join(COLUMNS) + " FROM candles WHERE market = ? AND timeframe = ? ORDER BY start_utc"
)


def _fromstring(blob: bytes, dtype: type) -> np.ndarray | None:
    with warnings.catch_warnings():
        # numpy < 2 warns (DeprecationWarning) and returns what it read so far; numpy 2 raises ValueError
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            return np.fromstring(blob, dtype=dtype, sep=",")
        except ValueError:
            return None


def parse_column(blob: bytes, count: int) -> np.ndarray | None:
    """``count`` comma-separated decimal numbers as float64 (exactly ``float(text)`` of each), or None if the
    text is not exactly ``count`` numbers numpy can read."""
    if b"-" not in blob:  # an int parse would turn "-0" into +0.0
        ints = _fromstring(blob, np.int64)
        if ints is not None and ints.size == count and (count == 0 or int(ints.max()) <= _EXACT_INT_LIMIT):
            return ints.astype(np.float64)
    values = _fromstring(blob, np.float64)
    if values is None or values.size != count:
        return None
    return values


def table_from_blobs(count: int, blobs: tuple[Any, ...]) -> np.ndarray | None:
    """The (7, n) table from one comma-separated blob per column (in the order of ``COLUMNS``), sorted by
    start; None when a blob cannot be parsed exactly."""
    table = np.empty((len(COLUMNS), count), dtype=np.float64)
    for i, blob in enumerate(blobs):
        if not isinstance(blob, bytes):
            return None
        column = parse_column(blob, count)
        if column is None:
            return None
        table[i] = column
    starts = table[0]
    if count > 1 and not bool(np.all(starts[1:] > starts[:-1])):
        table = np.ascontiguousarray(table[:, np.argsort(starts, kind="stable")])
    return table


def decode_series(conn: Any, market: str, timeframe: str) -> np.ndarray:
    """Decode a whole series into a (7, n) float64 table in ascending start order (fast path, exact)."""
    try:
        row = fetch_tuples(conn, _CONCAT_SQL, (market, timeframe))[0]
    except sqlite3.DataError as exc:  # SQLITE_TOOBIG: a column's text is over the string length limit
        log.warning("Decoding %s %s row by row: %s", market, timeframe, exc)
        return decode_rows(conn, market, timeframe)
    count = int(row[0])
    if count == 0:
        return np.empty((len(COLUMNS), 0), dtype=np.float64)
    table = table_from_blobs(count, row[1:])
    if table is None:
        log.warning("Decoding %s %s row by row: a stored value is not plain decimal text", market, timeframe)
        return decode_rows(conn, market, timeframe)
    return table


def decode_rows(conn: Any, market: str, timeframe: str) -> np.ndarray:
    """Reference decoder: ``float(text)`` of every stored value, row by row (slow; exact by definition)."""
    rows = fetch_tuples(conn, _ROWS_SQL, (market, timeframe))
    table = np.empty((len(COLUMNS), len(rows)), dtype=np.float64)
    if not rows:
        return table
    for i, column in enumerate(zip(*rows, strict=True)):
        try:
            table[i] = np.fromiter(map(float, column), dtype=np.float64, count=len(rows))
        except (TypeError, ValueError) as exc:
            raise DatabaseError(
                f"The stored candles of {market} {timeframe} hold a value that is not a number in column "
                f"{COLUMNS[i]} ({exc}); delete and re-import the series"
            ) from exc
    return table
