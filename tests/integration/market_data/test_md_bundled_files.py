"""The two shipped files import exactly as their README describes."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from upbit_auto_trading.application.market_data.dto import ImportSpec
from upbit_auto_trading.application.market_data.find_gaps import FindGaps
from upbit_auto_trading.application.market_data.list_series import ListSeries
from upbit_auto_trading.domain.market.resampling import resample

from .conftest import BITSTAMP_FILE, UPBIT_FILE  # noqa: TID252


def test_row_counts_match_the_data_readme(bundled_store):
    _, _, reports = bundled_store
    assert reports["upbit"].as_dict() == {
        "read": 48971,
        "inserted": 48971,
        "updated": 0,
        "duplicates": 0,
        "rejected": 0,
    }
    assert reports["cdd"].as_dict() == {
        "read": 33259,
        "inserted": 33259,
        "updated": 0,
        "duplicates": 0,
        "rejected": 0,
    }


def test_reimport_is_idempotent(bundled_store):
    store, importer, _ = bundled_store
    again = importer.execute(ImportSpec(UPBIT_FILE, "KRW-BTC", "1h", "upbit"))
    assert again.as_dict() == {"read": 48971, "inserted": 0, "updated": 0, "duplicates": 48971, "rejected": 0}
    assert store.count("KRW-BTC", "1h") == 48971


def test_series_ranges_are_utc(bundled_store):
    store, _, _ = bundled_store
    listed = {(s.market, s.timeframe): s.as_dict() for s in ListSeries(store).execute()}
    upbit = listed[("KRW-BTC", "1h")]
    # 2017-09-25 12:00 KST -> 03:00 UTC; 2023-05-01 08:00 KST -> 2023-04-30 23:00 UTC
    assert (upbit["first"], upbit["last"], upbit["count"]) == (
        "2017-09-25T03:00:00Z",
        "2023-04-30T23:00:00Z",
        48971,
    )
    bitstamp = listed[("USD-BTC", "1h")]
    assert (bitstamp["first"], bitstamp["last"]) == ("2018-05-15T06:00:00Z", "2022-03-01T00:00:00Z")
    assert (bitstamp["gaps"], bitstamp["missing"]) == (0, 0)


def test_upbit_gaps_are_reported_as_in_the_readme(bundled_store):
    store, _, _ = bundled_store
    gaps = FindGaps(store).execute("KRW-BTC", "1h")
    assert len(gaps) == 46 and sum(g.missing for g in gaps) == 82
    largest = max(gaps, key=lambda g: g.missing)
    # 2018-08-22 02:00 -> 10:00 KST are the stored neighbours: 03:00..09:00 KST missing (7 hours)
    assert largest.first_missing_utc == datetime(2018, 8, 21, 18, tzinfo=UTC)
    assert largest.missing == 7


def test_spreadsheet_volumes_keep_full_precision(upbit_candles):
    candles = upbit_candles
    assert any(c.quote_volume == Decimal("1.08608E+11") for c in candles)
    assert any(c.volume == Decimal("0.00003") for c in candles)
    oldest = candles[0]
    assert (oldest.open, oldest.high, oldest.low, oldest.close) == tuple(
        map(Decimal, ("4201000", "4244000", "4191000", "4202000"))
    )
    assert (oldest.quote_volume, oldest.volume) == (Decimal("414265098.3"), Decimal("98.2104062"))


def test_bitstamp_swapped_volume_columns_are_put_right(bundled_store):
    store, _, _ = bundled_store
    candles = store.load_candles("USD-BTC", "1h")
    newest = candles[-1]
    assert (newest.volume, newest.quote_volume) == (Decimal("52.05632000"), Decimal("2254677.3870464"))
    nonzero = [c for c in candles if c.volume > 0]
    assert all(c.quote_volume >= c.volume for c in nonzero)  # price > 1: quote volume is the larger
    raw = pd.read_csv(gzip.open(BITSTAMP_FILE))
    swapped = int((raw["volume"] > raw["Volume USD"]).sum())
    assert swapped > 20_000  # the file really has swapped rows, and all of them were corrected above


@pytest.fixture(scope="module")
def upbit_frame() -> pd.DataFrame:
    raw = pd.read_csv(gzip.open(UPBIT_FILE))
    idx = pd.to_datetime(raw["candle_date_time_kst"]) - pd.Timedelta(hours=9)
    frame = pd.DataFrame(
        {
            "open": raw["opening_price"].to_numpy(),
            "high": raw["high_price"].to_numpy(),
            "low": raw["low_price"].to_numpy(),
            "close": raw["trade_price"].to_numpy(),
            "volume": raw["candle_acc_trade_volume"].to_numpy(),
        },
        index=pd.DatetimeIndex(idx, tz="UTC"),
    ).sort_index()
    return frame


@pytest.fixture(scope="module")
def upbit_candles(bundled_store):
    return bundled_store[0].load_candles("KRW-BTC", "1h")


def _pandas_reference(frame: pd.DataFrame, rule: str) -> pd.DataFrame:
    out = frame.resample(rule, label="left", closed="left").agg(
        {"open": "first", "high": "max", "low": "min", "close": "last", "volume": "sum"}
    )
    return out.dropna(subset=["open"])


@pytest.mark.parametrize(("target", "rule"), [("4h", "4h"), ("1d", "1D"), ("1w", "W-MON"), ("1M", "MS")])
def test_resampling_equals_pandas_on_the_shipped_data(upbit_candles, upbit_frame, target, rule):
    ours = resample(upbit_candles, target)
    ref = _pandas_reference(upbit_frame, rule)
    assert len(ours) == len(ref)
    starts = np.array([c.start_epoch for c in ours])
    assert np.array_equal(starts, np.array([int(t.timestamp()) for t in ref.index]))
    for field in ("open", "high", "low", "close"):
        assert np.array_equal(np.array([float(getattr(c, field)) for c in ours]), ref[field].to_numpy())
    assert np.allclose(np.array([float(c.volume) for c in ours]), ref["volume"].to_numpy(), rtol=1e-12)


def test_load_arrays_matches_decimal_candles(bundled_store):
    store, _, _ = bundled_store
    arrays = store.load_arrays("USD-BTC", "1h")
    candles = store.load_candles("USD-BTC", "1h")
    assert len(arrays) == len(candles) == 33259
    assert np.all(np.diff(arrays.start) == 3600)
    assert arrays.close[-1] == float(candles[-1].close) and arrays.quote_volume[0] == float(
        candles[0].quote_volume
    )
    window = store.load_arrays(
        "USD-BTC", "1h", datetime(2020, 1, 1, tzinfo=UTC), datetime(2020, 1, 2, tzinfo=UTC)
    )
    assert len(window) == 25 and window.start[0] == int(datetime(2020, 1, 1, tzinfo=UTC).timestamp())
