"""The fast series decoder (one group_concat blob per column) equals float(text) of every stored value, bit for bit."""

from __future__ import annotations

import random
import sqlite3

import numpy as np
import pytest

from upbit_auto_trading.infrastructure.errors import DatabaseError
from upbit_auto_trading.infrastructure.market_data import column_decode
from upbit_auto_trading.infrastructure.market_data.candle_rows import fetch_tuples, insert_rows

START = 1_500_000_000

AWKWARD = [
    "0",
    "-0",
    "0E-8",
    "0.00000000",
    "1E+3",
    "1.5E+3",
    "1.23456789E-7",
    "5E-324",
    "2.4703282292062327E-324",  # just below half the smallest subnormal
    "2.2250738585072014E-308",
    "1.7976931348623157E+308",
    "9007199254740993",  # 2**53 + 1: not exact as float64
    "18446744073709551617",  # over int64: an int parse would saturate
    "123456789012345678901234567890",
    "1.00000000000000011102230246251565404236316680908203125",  # halfway: rounds to even
    "1.000000000000000111022302462515654042363166809082031250001",  # just above halfway
    "0.30000000000000001665334536938",
    "122.416294033786585",
    "10587.436593658975",
    "38000000",
    "0.1",
]


def _random_text(rng: random.Random) -> str:
    kind = rng.randrange(5)
    if kind == 0:
        return rng.choice(AWKWARD)
    if kind == 1:
        digits = str(rng.randrange(1, 10 ** rng.randint(1, 30)))
        return f"{digits[0]}.{digits[1:] or '0'}E{rng.randint(-30, 20):+d}"
    if kind == 2:
        return f"{rng.randrange(10**12)}.{rng.randrange(10**25):025d}"
    if kind == 3:
        return repr(rng.uniform(0, 1e8))
    return str(rng.randrange(1, 10**9))


def _store_texts(session, rows, market="KRW-BTC", timeframe="1m") -> None:
    with session.market_data.transaction() as conn:
        insert_rows(conn, market, timeframe, rows)


def _float_of_text(conn, market: str, timeframe: str) -> np.ndarray:
    """Independent reference: Python's float() of each stored text, in start order."""
    rows = fetch_tuples(
        conn,
        "SELECT start_utc, open, high, low, close, volume, quote_volume FROM candles "
        "WHERE market = ? AND timeframe = ? ORDER BY start_utc",
        (market, timeframe),
    )
    assert rows and all(isinstance(v, str) for v in rows[0][1:])
    return np.array([[float(v) for v in row] for row in rows], dtype=np.float64).T


def _bits_equal(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.array_equal(a.view(np.uint64), b.view(np.uint64))


def test_bundled_upbit_series_decodes_exactly(bundled_store, caplog):
    store, _, _ = bundled_store
    conn = store._db.connection()
    fast = column_decode.decode_series(conn, "KRW-BTC", "1h")
    assert fast.shape == (7, 48_971)
    assert _bits_equal(fast, _float_of_text(conn, "KRW-BTC", "1h"))
    assert _bits_equal(fast, column_decode.decode_rows(conn, "KRW-BTC", "1h"))
    assert "row by row" not in caplog.text  # the fast path was taken
    arrays = store.load_arrays("KRW-BTC", "1h")
    assert _bits_equal(arrays.quote_volume, fast[6]) and np.array_equal(
        arrays.start, fast[0].astype(np.int64)
    )


def test_awkward_decimals_decode_exactly_in_start_order(session, caplog):
    rng = random.Random(5)
    rows = [(START + 60 * i, *(_random_text(rng) for _ in range(6))) for i in range(6000)]
    rows += [(START - 60 * (i + 1), *([text] * 6)) for i, text in enumerate(AWKWARD)]
    rng.shuffle(rows)  # inserted out of order
    _store_texts(session, rows)
    conn = session.market_data.connection()
    fast = column_decode.decode_series(conn, "KRW-BTC", "1m")
    reference = _float_of_text(conn, "KRW-BTC", "1m")
    assert "row by row" not in caplog.text
    assert _bits_equal(fast, reference)
    assert np.all(np.diff(fast[0]) > 0)
    assert np.signbit(fast[1][fast[0] == START - 120])  # "-0" kept its sign


def test_integer_columns_take_the_exact_int_path_only_up_to_2_pow_53():
    assert _bits_equal(
        column_decode.parse_column(b"1,38000000,9007199254740992", 3), np.array([1.0, 38e6, 2.0**53])
    )
    for text in ("9007199254740993", "18446744073709551617", "123456789012345678901234567890"):
        blob = f"7,{text}".encode()
        assert _bits_equal(column_decode.parse_column(blob, 2), np.array([7.0, float(text)]))
    negative_zero = column_decode.parse_column(b"5,-0,-7", 3)
    assert negative_zero is not None and np.signbit(negative_zero[1]) and negative_zero[2] == -7.0
    assert column_decode.parse_column(b"1,2,", 3) is None
    assert column_decode.parse_column(b"1,,2", 3) is None
    assert column_decode.parse_column(b"1,abc", 2) is None


def test_rows_out_of_start_order_are_sorted_with_their_columns():
    starts = [30, 10, 20]
    blobs = tuple(",".join(str(s + k) for s in starts).encode() for k in range(7))
    table = column_decode.table_from_blobs(3, blobs)
    assert table is not None
    assert table[0].tolist() == [10.0, 20.0, 30.0]
    assert table[6].tolist() == [16.0, 26.0, 36.0]


def test_text_numpy_cannot_read_falls_back_to_float_of_text(session, caplog):
    rows = [(START + 60 * i, "1_000", "2", "3", "4", "5", "6") for i in range(10)]
    _store_texts(session, rows)
    conn = session.market_data.connection()
    table = column_decode.decode_series(conn, "KRW-BTC", "1m")
    assert "row by row" in caplog.text
    assert table[1].tolist() == [1000.0] * 10 and table[6].tolist() == [6.0] * 10


def test_text_that_is_no_number_is_a_clear_error(candle_store, session):
    _store_texts(session, [(START, "abc", "2", "3", "4", "5", "6")])
    with pytest.raises(DatabaseError, match="not a number"):
        candle_store.load_arrays("KRW-BTC", "1m")


def test_text_over_the_sqlite_length_limit_falls_back_to_rows(session, caplog):
    rng = random.Random(9)
    rows = [(START + 60 * i, *(_random_text(rng) for _ in range(6))) for i in range(300)]
    _store_texts(session, rows)
    conn = session.market_data.connection()
    conn.raw.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 1000)
    try:
        table = column_decode.decode_series(conn, "KRW-BTC", "1m")
    finally:
        conn.raw.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 1_000_000_000)
    assert "row by row" in caplog.text
    assert _bits_equal(table, _float_of_text(conn, "KRW-BTC", "1m"))


def test_empty_series_decodes_to_an_empty_table(session):
    table = column_decode.decode_series(session.market_data.connection(), "KRW-BTC", "1m")
    assert table.shape == (7, 0)
