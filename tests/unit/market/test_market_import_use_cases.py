from __future__ import annotations

import random
from pathlib import Path

import pytest

from upbit_auto_trading.application.market_data.delete_series import DeleteSeries
from upbit_auto_trading.application.market_data.dto import BundledDataset, ImportSpec, ParsedCandles
from upbit_auto_trading.application.market_data.errors import SeriesNotFoundError
from upbit_auto_trading.application.market_data.find_gaps import FindGaps
from upbit_auto_trading.application.market_data.import_candles import ImportCandles
from upbit_auto_trading.application.market_data.list_series import ListSeries
from upbit_auto_trading.application.market_data.resample_series import ResampleSeries
from upbit_auto_trading.application.market_data.seed_bundled_candles import SeedBundledCandles
from upbit_auto_trading.domain.market.import_report import RejectedRow

H = 3600
BASE = 1_704_067_200  # 2024-01-01T00:00Z


def _spec() -> ImportSpec:
    return ImportSpec(Path("x.csv"), "krw-btc", "60m")


def test_import_counts_and_is_idempotent(store, fakes):
    mk = fakes["make_candle"]
    rows = [(i + 2, mk(BASE + i * H, close=str(100 + i))) for i in range(5)]
    parsed = ParsedCandles(read=6, candles=rows, rejected=[RejectedRow(7, "high < low")])
    use_case = ImportCandles(fakes["FakeFileReader"](parsed), store)
    first = use_case.execute(_spec())
    assert first.as_dict() == {"read": 6, "inserted": 5, "updated": 0, "duplicates": 0, "rejected": 1}
    assert (first.market, first.timeframe) == ("KRW-BTC", "1h")
    again = use_case.execute(_spec())
    assert again.as_dict() == {"read": 6, "inserted": 0, "updated": 0, "duplicates": 5, "rejected": 1}


def test_changed_values_count_as_updates(store, fakes):
    mk = fakes["make_candle"]
    store.upsert([mk(BASE, close="100"), mk(BASE + H, close="100")])
    parsed = ParsedCandles(2, [(2, mk(BASE, close="101")), (3, mk(BASE + H, close="100.0"))], [])
    report = ImportCandles(fakes["FakeFileReader"](parsed), store).execute(_spec())
    assert (report.inserted, report.updated, report.duplicates) == (0, 1, 1)


def test_repeated_rows_in_file_do_not_depend_on_order(fakes):
    mk = fakes["make_candle"]
    rows = [
        (2, mk(BASE, close="100")),
        (3, mk(BASE, close="100")),  # identical repeat: a duplicate
        (4, mk(BASE + H, close="100")),
        (5, mk(BASE + H, close="999")),  # conflicting repeat: both rejected
        (6, mk(BASE + 2 * H, close="100")),
    ]
    outcomes = set()
    for seed in range(5):
        shuffled = rows[:]
        random.Random(seed).shuffle(shuffled)
        store = fakes["FakeCandleStore"]()
        report = ImportCandles(fakes["FakeFileReader"](ParsedCandles(5, shuffled, [])), store).execute(
            _spec()
        )
        outcomes.add(
            (
                tuple(sorted(report.as_dict().items())),
                tuple(r.line for r in report.rejected),
                tuple(store.starts("KRW-BTC", "1h")),
            )
        )
    assert len(outcomes) == 1
    ((counts, rejected_lines, starts),) = outcomes
    assert dict(counts) == {"read": 5, "inserted": 2, "updated": 0, "duplicates": 1, "rejected": 2}
    assert rejected_lines == (4, 5) and starts == (BASE, BASE + 2 * H)


def test_list_series_find_gaps_and_delete(store, fakes):
    mk = fakes["make_candle"]
    store.upsert([mk(BASE + i * H) for i in (0, 1, 4, 5, 7)])
    [summary] = ListSeries(store).execute()
    assert summary.as_dict() == {
        "market": "KRW-BTC",
        "timeframe": "1h",
        "first": "2024-01-01T00:00:00Z",
        "last": "2024-01-01T07:00:00Z",
        "count": 5,
        "gaps": 2,
        "missing": 3,
    }
    assert [g.missing for g in FindGaps(store).execute("KRW-BTC", "1h")] == [2, 1]
    assert DeleteSeries(store).execute("krw-btc", "60m") == 5
    with pytest.raises(SeriesNotFoundError):
        DeleteSeries(store).execute("KRW-BTC", "1h")
    with pytest.raises(SeriesNotFoundError):
        FindGaps(store).execute("KRW-BTC", "1h")


def test_resample_series_stores_the_coarser_series(store, fakes):
    mk = fakes["make_candle"]
    store.upsert([mk(BASE + i * H, close=str(100 + i)) for i in range(48)])
    report = ResampleSeries(store).execute("KRW-BTC", "1h", "1d")
    assert (report.read, report.written, report.inserted) == (48, 2, 2)
    day = store.load_candles("KRW-BTC", "1d")
    assert [c.close for c in day] == [123, 147]
    assert ResampleSeries(store).execute("KRW-BTC", "1h", "1d").unchanged == 2


def test_seed_imports_once_and_not_after_a_delete(store, fakes):
    mk = fakes["make_candle"]
    parsed = ParsedCandles(2, [(2, mk(BASE)), (3, mk(BASE + H))], [])
    reader = fakes["FakeFileReader"](parsed)
    ledger = fakes["FakeLedger"]()

    class Catalog:
        def datasets(self):
            return [BundledDataset("KRW-BTC", "1h", "upbit", Path("bundled.csv.gz"))]

    seed = SeedBundledCandles(Catalog(), store, ImportCandles(reader, store), ledger)
    assert [r.inserted for r in seed.execute()] == [2]
    assert seed.execute() == []
    store.delete_series("KRW-BTC", "1h")
    assert seed.execute() == [] and store.count("KRW-BTC", "1h") == 0
    assert len(reader.specs) == 1


def test_seed_skips_a_series_that_already_has_candles(store, fakes):
    mk = fakes["make_candle"]
    store.upsert([mk(BASE)])
    reader = fakes["FakeFileReader"](ParsedCandles(0, [], []))

    class Catalog:
        def datasets(self):
            return [BundledDataset("KRW-BTC", "1h", "upbit", Path("bundled.csv.gz"))]

    assert (
        SeedBundledCandles(Catalog(), store, ImportCandles(reader, store), fakes["FakeLedger"]()).execute()
        == []
    )
    assert reader.specs == []
