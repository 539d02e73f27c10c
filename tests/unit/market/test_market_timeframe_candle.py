from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from upbit_auto_trading.domain.errors import DomainError
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.market.errors import (
    InvalidCandleError,
    InvalidMarketError,
    UnknownTimeframeError,
)
from upbit_auto_trading.domain.market.market_id import MarketId, normalize_market
from upbit_auto_trading.domain.market.timeframe import Timeframe

D = Decimal
T0 = datetime(2024, 1, 1, tzinfo=UTC)


def test_timeframe_codes_seconds_and_upbit_paths():
    assert Timeframe.codes() == ["1m", "3m", "5m", "10m", "15m", "30m", "1h", "4h", "1d", "1w", "1M"]
    assert Timeframe.H1.seconds == 3600 and Timeframe.MONTH1.seconds is None
    assert Timeframe.H1.upbit_path == "minutes/60"
    assert Timeframe.H4.upbit_path == "minutes/240"
    assert [Timeframe.D1.upbit_path, Timeframe.W1.upbit_path, Timeframe.MONTH1.upbit_path] == [
        "days",
        "weeks",
        "months",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1m", Timeframe.M1),
        ("1M", Timeframe.MONTH1),
        ("60m", Timeframe.H1),
        ("240m", Timeframe.H4),
        ("day", Timeframe.D1),
        ("week", Timeframe.W1),
        ("month", Timeframe.MONTH1),
        ("minutes/15", Timeframe.M15),
    ],
)
def test_timeframe_from_code_accepts_aliases(text, expected):
    assert Timeframe.from_code(text) is expected


def test_unknown_timeframe_is_a_domain_error():
    with pytest.raises(UnknownTimeframeError) as info:
        Timeframe.from_code("2h")
    assert isinstance(info.value, DomainError) and "1m" in str(info.value)


def _candle(**kw) -> Candle:
    values = dict(
        market="KRW-BTC",
        timeframe="1h",
        start=T0,
        open=D(10),
        high=D(12),
        low=D(9),
        close=D(11),
        volume=D("0.5"),
        quote_volume=D("5.5"),
    )
    values.update(kw)
    return Candle(**values)


def test_candle_normalises_zone_and_timeframe_alias():
    kst = timezone(timedelta(hours=9))
    c = _candle(start=datetime(2024, 1, 1, 9, tzinfo=kst), timeframe="60m")
    assert c.start == T0 and c.start.tzinfo == UTC and c.timeframe == "1h"
    assert c.start_epoch == int(T0.timestamp())


@pytest.mark.parametrize(
    ("kw", "reason"),
    [
        ({"high": D(8)}, "high < low"),
        ({"low": D(0), "open": D(0)}, "non-positive price"),
        ({"close": D(-1), "low": D(-2)}, "non-positive price"),
        ({"open": D(13)}, "open/close above high"),
        ({"close": D(8.5)}, "open/close below low"),
        ({"volume": D(-1)}, "negative volume"),
        ({"quote_volume": D("NaN")}, "not a finite number"),
        ({"open": 10.0}, "not a finite number"),
    ],
)
def test_candle_rejects_broken_ohlcv_with_a_reason(kw, reason):
    with pytest.raises(InvalidCandleError) as info:
        _candle(**kw)
    assert info.value.reason == reason


def test_candle_requires_aware_start():
    with pytest.raises(InvalidCandleError):
        _candle(start=datetime(2024, 1, 1))


def test_candle_keeps_full_precision():
    c = _candle(volume=D("0.0000300"), quote_volume=D("1.08608E+11"))
    assert c.quote_volume == D(108608000000) and str(c.quote_volume) == "1.08608E+11"


def test_market_id_parsing():
    assert normalize_market("krw-btc") == "KRW-BTC"
    assert MarketId.parse("BTC/USD").code == "USD-BTC"
    with pytest.raises(InvalidMarketError):
        MarketId.parse("KRWBTC")
