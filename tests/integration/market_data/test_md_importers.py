"""Importers on small files: every format, every malformed-file case, rejections with reasons."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from upbit_auto_trading.application.market_data.dto import ImportSpec
from upbit_auto_trading.application.market_data.errors import ImportFileError

UPBIT_HEADER = "candle_date_time_kst,opening_price,high_price,low_price,trade_price,candle_acc_trade_price,candle_acc_trade_volume\n"
UPBIT_ROWS = (
    "2023-05-01T08:00:00,39319000,39370000,39108000,39149000,5159251209,131.3953797\n"
    "2023-05-01T07:00:00,39332000,39374000,39299000,39300000,1.08608E+11,3.00E-05\n"
)


def _write(tmp_path, name: str, text: str | bytes):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def _import(importer, path, fmt="upbit", market="KRW-BTC", tf="1h", **kw):
    return importer.execute(ImportSpec(path, market, tf, fmt, **kw))


def test_upbit_kst_times_become_utc_and_precision_is_kept(tmp_path, importer, candle_store):
    report = _import(importer, _write(tmp_path, "u.csv", UPBIT_HEADER + UPBIT_ROWS))
    assert report.as_dict() == {"read": 2, "inserted": 2, "updated": 0, "duplicates": 0, "rejected": 0}
    older, newer = candle_store.load_candles("KRW-BTC", "1h")
    assert newer.start == datetime(2023, 4, 30, 23, tzinfo=UTC)
    assert older.quote_volume == Decimal("1.08608E+11") and older.volume == Decimal("0.00003")


def test_gzip_and_row_order_do_not_matter(tmp_path, importer, candle_store):
    lines = UPBIT_ROWS.splitlines(keepends=True)
    path = tmp_path / "u.csv.gz"
    path.write_bytes(gzip.compress((UPBIT_HEADER + "".join(reversed(lines))).encode()))
    assert _import(importer, path).inserted == 2
    again = _import(importer, _write(tmp_path, "u.csv", UPBIT_HEADER + UPBIT_ROWS))
    assert again.as_dict() == {"read": 2, "inserted": 0, "updated": 0, "duplicates": 2, "rejected": 0}


def test_bad_rows_are_rejected_with_reasons_and_good_rows_kept(tmp_path, importer, candle_store):
    rows = (
        "2023-05-01T06:00:00,100,90,95,95,1,1\n"  # high < low
        "2023-05-01T05:00:00,0,100,0,50,1,1\n"  # non-positive price
        "2023-05-01T04:00:00,abc,100,90,95,1,1\n"  # unparsable
        "2023-05-01T03:30:00,95,100,90,95,1,1\n"  # not on an hour boundary
        "2023-05-01T02:00:00,95,100,90\n"  # too few columns
        "not-a-date,95,100,90,95,1,1\n"  # unparsable time
        "2023-05-01T01:00:00,95,100,90,95,-1,1\n"  # negative volume
    )
    report = _import(importer, _write(tmp_path, "u.csv", UPBIT_HEADER + UPBIT_ROWS + rows))
    assert (report.read, report.inserted, report.rejected_count) == (9, 2, 7)
    reasons = report.rejection_reasons()
    assert reasons["high < low"] == 1 and reasons["non-positive price"] == 1 and reasons["unparsable"] == 2
    assert reasons["negative volume"] == 1 and reasons["expected 7 columns, found 4"] == 1
    assert any("boundary" in r for r in reasons)
    assert [r.line for r in report.rejected] == [4, 5, 6, 7, 8, 9, 10]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", "", "empty"),
        ("blank.csv", "\n\n", "empty"),
        ("columns.csv", "time,price\n2023-01-01,5\n", "missing column"),
        ("binary.csv", b"\x00\x01\x02PK\x03\x04" * 20, "binary"),
        ("latin1.csv", UPBIT_HEADER.encode() + "2023-05-01T08:00:00,\xe9\n".encode("latin-1"), "UTF-8"),
        ("truncated.csv.gz", gzip.compress((UPBIT_HEADER + UPBIT_ROWS).encode(), mtime=0)[:-12], "damaged"),
    ],
)
def test_malformed_files_raise_and_leave_the_store_unchanged(
    tmp_path, importer, candle_store, name, content, message
):
    _import(importer, _write(tmp_path, "good.csv", UPBIT_HEADER + UPBIT_ROWS))
    before = candle_store.load_candles("KRW-BTC", "1h")
    with pytest.raises(ImportFileError, match=message):
        _import(importer, _write(tmp_path, name, content))
    assert candle_store.load_candles("KRW-BTC", "1h") == before


def test_missing_file_and_wrong_format_are_clear_errors(tmp_path, importer):
    with pytest.raises(ImportFileError, match="File not found"):
        _import(importer, tmp_path / "nope.csv")
    with pytest.raises(ImportFileError, match="Choose another format"):  # no CLI flag: the dialog shows it too
        _import(importer, _write(tmp_path, "u.csv", UPBIT_HEADER + UPBIT_ROWS), fmt="cdd")
    with pytest.raises(ImportFileError, match="time zone"):
        _import(importer, _write(tmp_path, "u2.csv", UPBIT_HEADER + UPBIT_ROWS), tz="Mars/Olympus")


CDD = (
    "https://www.CryptoDataDownload.com\n"
    "unix,date,symbol,open,high,low,close,Volume BTC,Volume USD\n"
    "1571302800,2019-10-17 09-AM,BTC/USD,8000,8100,7900,8050,10.5,84000\n"
    "1571299200000,2019-10-17 08-AM,BTC/USD,7990,8010,7980,8000,80000,10\n"  # ms epoch, swapped volumes
    ",2019-10-17 07-AM,BTC/USD,7990,8010,7980,8000,1,8000\n"  # no unix: 12-hour date
    "1571292000,2019-10-17 06-AM,ETH/USD,170,171,169,170,1,170\n"  # another symbol
)


def test_cdd_banner_epochs_12_hour_dates_and_swapped_volumes(tmp_path, importer, candle_store):
    report = _import(importer, _write(tmp_path, "cdd.csv", CDD), fmt="cdd", market="USD-BTC")
    assert (report.read, report.inserted, report.rejected_count) == (4, 3, 1)
    assert "symbol 'ETH/USD' is not USD-BTC" in report.rejection_reasons()
    seven, eight, nine = candle_store.load_candles("USD-BTC", "1h")
    assert nine.start == datetime(2019, 10, 17, 9, tzinfo=UTC) and seven.start.hour == 7
    assert (eight.volume, eight.quote_volume) == (Decimal(10), Decimal(80000))
    assert (nine.volume, nine.quote_volume) == (Decimal("10.5"), Decimal(84000))


def test_cdd_dates_honour_the_tz_option(tmp_path, importer, candle_store):
    text = "date,symbol,open,high,low,close,Volume XRP,Volume USD\n2019-10-17 09-AM,XRP/USD,0.3,0.31,0.29,0.3,1000,300\n"
    report = _import(importer, _write(tmp_path, "x.csv", text), fmt="cdd", market="USD-XRP", tz="+09:00")
    assert report.inserted == 1
    [c] = candle_store.load_candles("USD-XRP", "1h")
    assert c.start == datetime(2019, 10, 17, 0, tzinfo=UTC)
    assert (c.volume, c.quote_volume) == (Decimal(1000), Decimal(300))  # price < 1: base is the larger


def test_generic_with_column_mapping_and_time_zone(tmp_path, importer, candle_store):
    text = "ts,o,hi,lo,last,qty,turnover\n2024-01-01 09:00,10,12,9,11,2,22\n2024-01-01T10:00:00+09:00,11,13,10,12,1,12\n"
    mapping = {
        "time": "ts",
        "high": "hi",
        "low": "lo",
        "close": "last",
        "volume": "qty",
        "quote_volume": "turnover",
    }
    report = _import(
        importer, _write(tmp_path, "g.csv", text), fmt="generic", tz="Asia/Seoul", column_map=mapping
    )
    assert report.inserted == 2
    first, second = candle_store.load_candles("KRW-BTC", "1h")
    assert first.start == datetime(2024, 1, 1, 0, tzinfo=UTC) and second.start == datetime(
        2024, 1, 1, 1, tzinfo=UTC
    )
    assert second.quote_volume == Decimal(12)


def test_generic_defaults_and_bad_mapping(tmp_path, importer, candle_store):
    text = "timestamp,open,high,low,close,volume\n1704067200,10,12,9,11,2\n1704067200000,10,12,9,11,2\n"
    report = _import(importer, _write(tmp_path, "g.csv", text), fmt="generic")
    assert (report.inserted, report.duplicates) == (1, 1)
    with pytest.raises(ImportFileError, match="Unknown field"):
        _import(importer, _write(tmp_path, "g2.csv", text), fmt="generic", column_map={"price": "close"})
    with pytest.raises(ImportFileError, match="missing column"):
        _import(importer, _write(tmp_path, "g3.csv", text), fmt="generic", column_map={"close": "nope"})
