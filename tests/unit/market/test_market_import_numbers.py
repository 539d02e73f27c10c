"""How the importers read a number cell and a symbol cell (no files: the rules themselves)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from upbit_auto_trading.application.market_data.errors import ImportFileError
from upbit_auto_trading.infrastructure.market_data.importers.numbers import (
    AmbiguousNumber,
    NumberParser,
    guess_separators,
)
from upbit_auto_trading.infrastructure.market_data.importers.symbols import symbol_market, symbol_matches


@pytest.mark.parametrize(
    ("text", "value"),
    [("39319000", "39319000"), (" 1.5 ", "1.5"), ("1.08608E+11", "1.08608E+11"), ("3.00E-05", "0.0000300"),
     ("-0", "0"), ("1e308", "1e308"), ("2.3e-308", "2.3e-308")],
)  # fmt: skip
def test_plain_numbers_keep_every_digit(text, value):
    assert NumberParser()(text) == Decimal(value)


@pytest.mark.parametrize(
    "text", ["1,5", "1,234", "1,234.5", "1.234,5", "1.234.567", "1 234", "1'234", "1\u202f234"]
)
def test_numbers_with_separators_are_ambiguous_until_named(text):
    with pytest.raises(AmbiguousNumber):
        NumberParser()(text)


@pytest.mark.parametrize(
    "text", ["", "abc", "1_000", "NaN", "inf", "-Infinity", "1e400", "-1e400", "1e-400", "1e-320"]
)
def test_bad_and_out_of_range_numbers_are_unparsable(text):
    with pytest.raises(ValueError):
        NumberParser()(text)


@pytest.mark.parametrize(
    ("decimal", "thousands", "text", "value"),
    [(",", ".", "1.234.567,89", "1234567.89"), (",", ".", "1,5", "1.5"), (",", ".", "1,08E+1", "10.8"),
     (",", " ", "1\u00a0234,5", "1234.5"), (",", " ", "1 234,5", "1234.5"), (".", ",", "1,234.5", "1234.5"),
     (".", "'", "1'234'567.5", "1234567.5"), (",", "", "1234,5", "1234.5"), (",", ".", ",5", "0.5")],
)  # fmt: skip
def test_named_separators(decimal, thousands, text, value):
    assert NumberParser(decimal, thousands)(text) == Decimal(value)


@pytest.mark.parametrize(
    ("decimal", "thousands", "text"),
    [(",", ".", "1.5"), (",", ".", "12.34,5"), (",", "", "1.234,5"), (".", ",", "1,5"), (",", ".", "1,2,3"),
     (",", ".", ","), (",", ".", "1,5e400")],
)  # fmt: skip
def test_named_separators_reject_what_does_not_fit(decimal, thousands, text):
    with pytest.raises(ValueError):
        NumberParser(decimal, thousands)(text)


def test_separator_options_are_checked():
    with pytest.raises(ImportFileError, match="must differ"):
        NumberParser(".", ".")
    with pytest.raises(ImportFileError, match="not supported"):
        NumberParser(";", None)
    with pytest.raises(ImportFileError, match="not supported"):
        NumberParser(None, "_")


@pytest.mark.parametrize(
    ("cells", "expected"),
    [(["1,5", "2,25", "100"], (",", "")), (["1.234,5", "8.000"], (",", ".")), (["1,234.5", "7,000"], (".", ",")),
     (["1,234", "5,678"], (".", ",")), (["1 234,5"], (",", " ")), (["1.234.567"], (",", "."))],
)  # fmt: skip
def test_the_suggested_reading_follows_the_file(cells, expected):
    assert guess_separators(cells) == expected


@pytest.mark.parametrize(
    ("symbol", "market"),
    [("BTC/USD", "USD-BTC"), ("BTCUSD", "USD-BTC"), ("btcusdt", "USDT-BTC"), ("ETHBTC", "BTC-ETH"),
     ("KRW-BTC", "KRW-BTC"), ("CRIX.UPBIT.KRW-BTC", "KRW-BTC"), ("BTC-PERP?", None), ("USD", None)],
)  # fmt: skip
def test_symbol_spellings(symbol, market):
    assert symbol_market(symbol) == market


def test_a_symbol_matches_its_market_however_it_is_spelled():
    assert symbol_matches("ABCXYZ", "XYZ-ABC")  # a quote currency we do not list
    assert symbol_matches("BTC-USD", "USD-BTC") and symbol_matches("btc/usd", "USD-BTC")
    assert symbol_matches("", "KRW-BTC")  # a blank cell claims nothing
    assert not symbol_matches("BTCUSD", "KRW-BTC") and not symbol_matches("ETH/USD", "USD-BTC")
