"""Real files the importers used to refuse or misread (issues 13 and 16): format detection, symbol spellings,
the older Upbit layout, the market check, decimal commas and thousands separators, out-of-range numbers."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from upbit_auto_trading.application.market_data.dto import ImportSpec
from upbit_auto_trading.application.market_data.errors import (
    AmbiguousNumbersError,
    ImportFileError,
    MarketMismatchError,
)

UPBIT_HEADER = (
    "candle_date_time_kst,opening_price,high_price,low_price,trade_price,candle_acc_trade_price,"
    "candle_acc_trade_volume\n"
)
UPBIT_ROWS = "2023-05-01T08:00:00,39319000,39370000,39108000,39149000,5159251209,131.3953797\n"
CDD_MIXED = (
    "unix,date,symbol,open,high,low,close,Volume BTC,Volume USD\n"
    "1571302800,2019-10-17 09-AM,BTC/USD,8000,8100,7900,8050,10.5,84000\n"
    "1571299200,2019-10-17 08-AM,ETH/USD,170,171,169,170,1,170\n"
    "1571295600,2019-10-17 07-AM,BTCUSD,7990,8010,7980,8000,1,8000\n"
)
# An older Coinbase/Bitstamp CryptoDataDownload file: the symbol has no separator
CDD_COMPACT = (
    "https://www.CryptoDataDownload.com\n"
    "unix,date,symbol,open,high,low,close,Volume BTC,Volume USD\n"
    "1571302800,2019-10-17 09:00:00,BTCUSD,8000,8100,7900,8050,10.5,84000\n"
    "1571299200,2019-10-17 08:00:00,BTCUSD,7990,8010,7980,8000,1,8000\n"
)
# Upbit's older candle API: camelCase columns, a CRIX code, KST with an offset, and ``timestamp`` being the last
# trade (not the candle start: using it would shift every candle)
UPBIT_OLD = (
    "code,candleDateTime,candleDateTimeKst,openingPrice,highPrice,lowPrice,tradePrice,candleAccTradeVolume,"
    "candleAccTradePrice,timestamp,unit\n"
    "CRIX.UPBIT.KRW-BTC,2018-01-01T00:00:00+00:00,2018-01-01T09:00:00+09:00,100,110,90,105,2.5,262.5,"
    "1514771999000,60\n"
    "CRIX.UPBIT.KRW-BTC,2018-01-01T01:00:00+00:00,2018-01-01T10:00:00+09:00,105,120,100,110,1E-8,1.1E-6,"
    "1514775599000,60\n"
)
UPBIT_OLD_KST_ONLY = (
    "candleDateTimeKst,openingPrice,highPrice,lowPrice,tradePrice,candleAccTradeVolume,candleAccTradePrice\n"
    "2018-01-01T09:00:00,100,110,90,105,2,210\n"
)
GENERIC = "timestamp,open,high,low,close,volume\n1704067200,10,12,9,11,2\n"


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _import(importer, path, market="KRW-BTC", fmt="auto", tf="1h", **kw):
    return importer.execute(ImportSpec(path, market, tf, fmt, **kw))


def _db_rows(session) -> dict[str, list[tuple]]:
    """Every row of every table of the market-data database, read through a separate connection."""
    conn = sqlite3.connect(session.paths()["market_data"])
    try:
        names = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        tables = [row[0] for row in names]
        return {t: sorted(map(tuple, conn.execute(f'SELECT * FROM "{t}"')), key=repr) for t in tables}
    finally:
        conn.close()


# ---- issue 13: symbols, the older Upbit layout, the market check, detection ---------------------------------


@pytest.mark.parametrize("fmt", ["cdd", "auto"])
def test_cdd_symbol_without_separator_is_accepted(tmp_path, importer, candle_store, fmt):
    report = _import(importer, _write(tmp_path, "Bitstamp_BTCUSD_1h.csv", CDD_COMPACT), "USD-BTC", fmt)
    assert report.as_dict() == {"read": 2, "inserted": 2, "updated": 0, "duplicates": 0, "rejected": 0}
    eight, nine = candle_store.load_candles("USD-BTC", "1h")
    assert nine.start == datetime(2019, 10, 17, 9, tzinfo=UTC) and nine.close == Decimal(8050)


def test_a_file_of_another_market_is_refused_once_naming_both(tmp_path, importer, candle_store):
    _import(importer, _write(tmp_path, "u.csv", UPBIT_HEADER + UPBIT_ROWS), fmt="upbit")
    before = candle_store.series()
    with pytest.raises(MarketMismatchError) as caught:
        _import(importer, _write(tmp_path, "btcusd.csv", CDD_COMPACT), "KRW-BTC")
    message = str(caught.value)
    assert "USD-BTC" in message and "KRW-BTC" in message and "\n" not in message
    assert (caught.value.file_market, caught.value.market) == ("USD-BTC", "KRW-BTC")
    with pytest.raises(MarketMismatchError, match="KRW-BTC .*not KRW-ETH"):
        _import(importer, _write(tmp_path, "old.csv", UPBIT_OLD), "KRW-ETH")
    assert candle_store.series() == before


def test_a_file_mixing_markets_keeps_the_asked_rows_and_rejects_the_others(tmp_path, importer):
    report = _import(importer, _write(tmp_path, "cdd.csv", CDD_MIXED), "USD-BTC")
    assert (report.inserted, report.rejected_count) == (2, 1)
    assert report.rejection_reasons() == {"symbol 'ETH/USD' is not USD-BTC": 1}


@pytest.mark.parametrize("fmt", ["upbit", "auto"])
def test_older_upbit_camel_case_layout_needs_no_column_mapping(tmp_path, importer, candle_store, fmt):
    report = _import(importer, _write(tmp_path, "old.csv", UPBIT_OLD), fmt=fmt)
    assert report.as_dict() == {"read": 2, "inserted": 2, "updated": 0, "duplicates": 0, "rejected": 0}
    first, second = candle_store.load_candles("KRW-BTC", "1h")
    assert first.start == datetime(
        2018, 1, 1, 0, tzinfo=UTC
    )  # the candle start, not the last-trade timestamp
    assert (first.open, first.high, first.low, first.close) == (100, 110, 90, 105)
    assert (first.volume, first.quote_volume) == (Decimal("2.5"), Decimal("262.5"))
    assert (second.volume, second.quote_volume) == (Decimal("1E-8"), Decimal("0.0000011"))


def test_older_upbit_kst_column_without_offset_is_kst(tmp_path, importer, candle_store):
    assert _import(importer, _write(tmp_path, "old.csv", UPBIT_OLD_KST_ONLY)).inserted == 1
    [candle] = candle_store.load_candles("KRW-BTC", "1h")
    assert candle.start == datetime(2018, 1, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "market"),
    [
        (UPBIT_HEADER + UPBIT_ROWS, "KRW-BTC"),
        (UPBIT_OLD, "KRW-BTC"),
        (CDD_COMPACT, "USD-BTC"),
        ("date,symbol,open,high,low,close,Volume XRP,Volume USD\n2019-10-17 09:00,XRP/USD,0.3,0.31,0.29,0.3,1000,300\n",
         "USD-XRP"),
        (GENERIC, "KRW-BTC"),
    ],
)  # fmt: skip
def test_format_is_detected_from_the_header(tmp_path, importer, text, market):
    report = _import(importer, _write(tmp_path, "f.csv", text), market)
    assert report.inserted >= 1 and report.rejected_count == 0


def test_undetectable_file_names_the_missing_columns(tmp_path, importer):
    with pytest.raises(ImportFileError, match="missing column"):
        _import(importer, _write(tmp_path, "f.csv", "time,price\n1,2\n"))


# ---- issue 16: separators ----------------------------------------------------------------------------------


def test_decimal_commas_refuse_the_file_and_store_nothing(tmp_path, importer, session):
    _import(importer, _write(tmp_path, "u.csv", UPBIT_HEADER + UPBIT_ROWS))
    before = _db_rows(session)
    text = GENERIC.splitlines()[0] + '\n1704067200,"1,5","1,7","1,2","1,6","2,25"\n'
    with pytest.raises(AmbiguousNumbersError) as caught:
        _import(importer, _write(tmp_path, "eu.csv", text))
    error = caught.value
    assert (error.line, error.sample, error.decimal, error.thousands) == (2, "1,5", ",", "")
    assert "--decimal" in str(error) and "\n" not in str(error)
    assert _db_rows(session) == before


def test_thousands_separators_are_not_stripped_in_silence(tmp_path, importer, candle_store):
    text = (
        UPBIT_HEADER
        + '2023-05-01T08:00:00,"39,319,000","39,370,000","39,108,000","39,149,000",5159251209,131.4\n'
    )
    with pytest.raises(AmbiguousNumbersError) as caught:
        _import(importer, _write(tmp_path, "u.csv", text))
    assert (caught.value.decimal, caught.value.thousands) == (".", ",")
    assert candle_store.series() == []
    report = _import(importer, _write(tmp_path, "u.csv", text), decimal=".", thousands=",")
    assert report.inserted == 1
    [candle] = candle_store.load_candles("KRW-BTC", "1h")
    assert candle.open == Decimal(39319000) and candle.volume == Decimal("131.4")


def test_named_european_separators_read_the_right_numbers(tmp_path, importer, candle_store):
    text = (
        "https://www.CryptoDataDownload.com\n"
        "unix,date,symbol,open,high,low,close,Volume BTC,Volume USD\n"
        '1571302800,2019-10-17 09:00:00,BTC/USD,"8.000,5","8.100","7.900,25","8.050","1,5","12.075"\n'
        '1571299200,2019-10-17 08:00:00,BTC/USD,"7.990","8.010","7.980","8.000","1,08E+1","86.400"\n'
        '1571295600,2019-10-17 07:00:00,BTC/USD,"7,990.5","8.010","7.980","8.000","1","8.000"\n'
    )
    path = _write(tmp_path, "eu.csv", text)
    with pytest.raises(AmbiguousNumbersError) as caught:
        _import(importer, path, "USD-BTC")
    assert (caught.value.decimal, caught.value.thousands) == (",", ".")
    report = _import(importer, path, "USD-BTC", decimal=",", thousands=".")
    assert (report.inserted, report.rejection_reasons()) == (
        2,
        {"unparsable": 1},
    )  # 7,990.5 is not this format
    eight, nine = candle_store.load_candles("USD-BTC", "1h")
    assert (nine.open, nine.low, nine.volume, nine.quote_volume) == (
        Decimal("8000.5"),
        Decimal("7900.25"),
        Decimal("1.5"),
        Decimal(12075),
    )
    assert eight.volume == Decimal("10.8") and eight.quote_volume == Decimal(86400)


def test_decimal_comma_alone_means_no_thousands_separator(tmp_path, importer, candle_store):
    text = 'timestamp,open,high,low,close,volume\n1704067200,"1,5","1,7","1,2","1,6","2,25"\n1704070800,1.500,2,1,2,1\n'
    report = _import(importer, _write(tmp_path, "eu.csv", text), decimal=",")
    assert (report.inserted, report.rejected_count) == (1, 1)  # 1.500 would be a guess: rejected, not 1500
    [candle] = candle_store.load_candles("KRW-BTC", "1h")
    assert (candle.open, candle.volume) == (Decimal("1.5"), Decimal("2.25"))


def test_the_same_separator_twice_is_refused(tmp_path, importer):
    with pytest.raises(ImportFileError, match="must differ"):
        _import(importer, _write(tmp_path, "g.csv", GENERIC), decimal=",", thousands=",")


# ---- issue 16: out-of-range numbers ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["upbit", "cdd", "generic"])
def test_numbers_a_float_cannot_hold_are_rejected_as_unparsable(tmp_path, importer, candle_store, fmt):
    rows = {
        "upbit": (UPBIT_HEADER, "2023-05-01T{h}:00:00,{o},110,90,100,{q},{v}\n"),
        "cdd": ("unix,date,symbol,open,high,low,close,Volume BTC,Volume USD\n", "{e},,BTC/KRW,{o},110,90,100,{v},{q}\n"),
        "generic": ("time,open,high,low,close,volume,quote_volume\n", "{e},{o},110,90,100,{v},{q}\n"),
    }[fmt]  # fmt: skip
    header, row = rows
    cells = [
        ("100", "1e400", "1"),
        ("100", "1", "1e-400"),
        ("1e400", "1", "1"),
        ("1e-400", "1", "1"),
        ("100", "1", "1"),
    ]
    text = header + "".join(
        row.format(h=f"{i:02d}", e=1704067200 + i * 3600, o=o, v=v, q=q) for i, (o, v, q) in enumerate(cells)
    )
    report = _import(importer, _write(tmp_path, "big.csv", text), fmt=fmt)
    assert (report.read, report.inserted) == (5, 1)
    assert report.rejection_reasons() == {"unparsable": 4}
    [candle] = candle_store.load_candles("KRW-BTC", "1h")
    assert candle.open == 100 and candle.volume == 1


def test_an_epoch_out_of_range_rejects_the_row_instead_of_crashing(tmp_path, importer):
    text = "unix,symbol,open,high,low,close,volume\n1e400,BTC/USD,1,1,1,1,1\n99999999999999999999,BTC/USD,1,1,1,1,1\n"
    report = _import(importer, _write(tmp_path, "cdd.csv", text), "USD-BTC", "cdd")
    assert report.rejection_reasons() == {"unparsable": 2}
