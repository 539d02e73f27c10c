"""The SQLite candle store: upsert counts, one transaction, exact text, array cache invalidation."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.infrastructure.errors import DatabaseError
from upbit_auto_trading.infrastructure.market_data.candle_store import SqliteCandleStore

BASE = 1_704_067_200


def _c(i: int, close: str = "100", market: str = "KRW-BTC") -> Candle:
    c = Decimal(close)
    return Candle(
        market,
        "1h",
        datetime.fromtimestamp(BASE + i * 3600, UTC),
        c,
        c,
        c,
        c,
        Decimal("0.12345678901234567890"),
        Decimal("1.5E+3"),
    )


def test_upsert_counts_and_exact_text(candle_store, session):
    assert candle_store.upsert([_c(i) for i in range(3)]).inserted == 3
    counts = candle_store.upsert([_c(0), _c(1, "101"), _c(3)])
    assert (counts.inserted, counts.updated, counts.unchanged) == (1, 1, 1)
    row = (
        session.market_data.connection()
        .execute("SELECT volume, quote_volume, close FROM candles WHERE start_utc = ?", (BASE + 3600,))
        .fetchone()
    )
    assert tuple(row) == ("0.12345678901234567890", "1.5E+3", "101")
    assert candle_store.load_candles("KRW-BTC", "1h")[0].volume == Decimal("0.12345678901234567890")


def test_a_failing_write_rolls_back_everything(candle_store, session):
    conn = session.market_data.connection()
    conn.execute(
        "CREATE TRIGGER boom BEFORE INSERT ON candles WHEN NEW.market = 'BAD-X' BEGIN SELECT RAISE(ABORT, 'boom'); END"
    )
    with pytest.raises(DatabaseError):
        candle_store.upsert([_c(0), _c(1), _c(0, market="BAD-X")])
    assert candle_store.series() == []


def test_load_arrays_cache_follows_every_write(candle_store):
    candle_store.upsert([_c(i, str(100 + i)) for i in range(3000)])  # large enough to be cached
    assert candle_store.load_arrays("KRW-BTC", "1h").close[5] == 105.0
    assert candle_store.load_arrays("KRW-BTC", "1h").close[5] == 105.0  # from the packed copy
    candle_store.upsert([_c(5, "999")])
    assert candle_store.load_arrays("KRW-BTC", "1h").close[5] == 999.0
    candle_store.upsert([_c(3000, "1")])
    assert len(candle_store.load_arrays("KRW-BTC", "1h")) == 3001
    assert candle_store.delete_series("KRW-BTC", "1h") == 3001
    assert len(candle_store.load_arrays("KRW-BTC", "1h")) == 0


def test_store_follows_a_profile_switch(session, tmp_path):
    store = SqliteCandleStore(session)
    store.upsert([_c(0)])
    other = tmp_path / "other"
    other.mkdir()
    session.reopen({n: other / f"{n}.sqlite3" for n in ("settings", "strategies", "market_data")})
    assert store.series() == []
    assert session.market_data.path == other / "market_data.sqlite3"


@pytest.mark.parametrize("count", [1, 127, 128, 129, 300])
def test_bulk_insert_statement_boundaries_keep_every_row_exact(candle_store, session, count):
    # rows go 128 per INSERT statement plus a shorter tail: every split point stores each row once, exactly
    candles = [_c(i, f"{100 + i}.{i:03d}0") for i in range(count)]
    assert candle_store.upsert(candles).inserted == count
    rows = (
        session.market_data.connection()
        .execute("SELECT start_utc, close, volume, quote_volume FROM candles ORDER BY start_utc")
        .fetchall()
    )
    assert [tuple(r) for r in rows] == [
        (BASE + i * 3600, f"{100 + i}.{i:03d}0", "0.12345678901234567890", "1.5E+3") for i in range(count)
    ]
    assert candle_store.load_candles("KRW-BTC", "1h") == candles


def test_mixed_upsert_over_many_statements_counts_each_kind(candle_store):
    candle_store.upsert([_c(i) for i in range(0, 400, 2)])  # even hours stored
    # odd hours are new, every 4th even hour changes, the other even hours are the same; one repeat in the call
    batch = [_c(i, "101" if i % 4 == 0 else "100") for i in range(400)] + [_c(1, "555")]
    counts = candle_store.upsert(batch)
    assert (counts.inserted, counts.updated, counts.unchanged) == (200, 100, 100)
    stored = candle_store.load_candles("KRW-BTC", "1h")
    assert len(stored) == 400 and stored[1].close == Decimal("100")  # the first of two repeats wins
    assert [c.close for c in stored[:5]] == [Decimal(x) for x in ("101", "100", "100", "100", "101")]


def test_deleting_a_series_that_is_not_stored_writes_nothing(candle_store, session):
    candle_store.upsert([_c(i) for i in range(3)])

    def every_row() -> dict[str, list[tuple]]:
        conn = sqlite3.connect(session.paths()["market_data"])
        try:
            names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            return {n: sorted(map(tuple, conn.execute(f'SELECT * FROM "{n}"')), key=repr) for n in names}
        finally:
            conn.close()

    before = every_row()
    assert before["candle_series"]  # the stored series has its row; an unknown one must not get one
    assert candle_store.delete_series("KRW-XRP", "1h") == 0
    assert candle_store.delete_series("KRW-BTC", "1d") == 0
    assert every_row() == before
