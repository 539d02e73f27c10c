from __future__ import annotations

from decimal import Decimal as D

import pytest

from upbit_auto_trading.domain.market.tick_size import is_on_tick
from upbit_auto_trading.domain.trading.order import InvalidOrderError, OrderSide
from upbit_auto_trading.domain.trading.order_sizing import (
    SellCheck,
    check_sell,
    is_sell_allowed,
    limit_price,
    market_buy_total,
    partial_sell_volume,
    sell_volume,
)

FEE = D("0.0005")


# --- market_buy_total ---------------------------------------------------------------------------------


def test_market_buy_uses_wanted_when_balance_is_ample() -> None:
    assert market_buy_total(D("100000"), D("1000000"), FEE) == D("100000")


def test_market_buy_of_whole_balance_leaves_room_for_the_fee() -> None:
    total = market_buy_total(D("1000000"), D("1000000"), FEE)
    assert total is not None
    assert total == D("999500")  # 1,000,000 / 1.0005 = 999,500.25 -> 999,500
    assert total + total * FEE <= D("1000000")


@pytest.mark.parametrize("available", ["5002.5", "5003", "123456.789", "10000000", "99999999"])
def test_market_buy_total_plus_fee_never_exceeds_balance(available: str) -> None:
    total = market_buy_total(D("1e12"), D(available), FEE)
    assert total is not None
    assert total == total.to_integral_value()
    assert total + total * FEE <= D(available)


def test_market_buy_floors_to_whole_krw() -> None:
    assert market_buy_total(D("10000.99"), D("1000000"), FEE) == D("10000")


def test_market_buy_exactly_minimum_is_allowed() -> None:
    assert market_buy_total(D("5000"), D("100000"), FEE) == D("5000")
    # 5,002.5 covers 5,000 + 2.5 fee exactly
    assert market_buy_total(D("1e9"), D("5002.5"), FEE) == D("5000")


def test_market_buy_under_minimum_is_none() -> None:
    assert market_buy_total(D("4999"), D("100000"), FEE) is None
    # the whole balance minus the fee falls under 5,000
    assert market_buy_total(D("1e9"), D("5002"), FEE) is None
    assert market_buy_total(D("5000"), D("0"), FEE) is None


def test_market_buy_zero_fee_and_custom_minimum() -> None:
    assert market_buy_total(D("1e9"), D("7000"), D("0")) == D("7000")
    assert market_buy_total(D("6000"), D("1e9"), FEE, min_total=D("10000")) is None


@pytest.mark.parametrize(
    ("wanted", "available", "fee"),
    [("-1", "1", "0"), ("1", "-1", "0"), ("1", "1", "-0.1"), ("1", "1", "1"), ("NaN", "1", "0")],
)
def test_market_buy_rejects_bad_inputs(wanted: str, available: str, fee: str) -> None:
    with pytest.raises(InvalidOrderError):
        market_buy_total(D(wanted), D(available), D(fee))


# --- sell volumes -----------------------------------------------------------------------------------


def test_sell_volume_floors_to_eight_decimals() -> None:
    assert sell_volume(D("0.123456789"), D("10")) == D("0.12345678")


def test_sell_volume_is_capped_by_held() -> None:
    assert sell_volume(D("5"), D("1.5")) == D("1.5")
    assert sell_volume(D("5"), D("0.000000019")) == D("0.00000001")


def test_sell_volume_none_when_zero() -> None:
    assert sell_volume(D("0.000000009"), D("1")) is None
    assert sell_volume(D("1"), D("0")) is None


def test_sell_volume_rejects_negative() -> None:
    with pytest.raises(InvalidOrderError):
        sell_volume(D("-1"), D("1"))


@pytest.mark.parametrize(
    ("held", "percent", "expected"),
    [
        ("1", "50", "0.5"),
        ("0.33333333", "50", "0.16666666"),  # 0.166666665 floored
        ("1.23456789", "100", "1.23456789"),
        ("0.00000001", "50", None),
        ("0", "50", None),
    ],
)
def test_partial_sell_volume(held: str, percent: str, expected: str | None) -> None:
    result = partial_sell_volume(D(held), D(percent))
    assert result == (D(expected) if expected is not None else None)


@pytest.mark.parametrize("percent", ["0", "-5", "100.01", "Infinity"])
def test_partial_sell_rejects_bad_percent(percent: str) -> None:
    with pytest.raises(InvalidOrderError):
        partial_sell_volume(D("1"), D(percent))


# --- check_sell -------------------------------------------------------------------------------------


def test_sell_exactly_minimum_is_ok() -> None:
    assert check_sell(D("0.5"), D("10000"), full_exit=False) is SellCheck.OK
    assert check_sell(D("0.5"), D("10000"), full_exit=True) is SellCheck.OK


def test_partial_sell_under_minimum() -> None:
    assert check_sell(D("0.4999"), D("10000"), full_exit=False) is SellCheck.UNDER_MINIMUM


def test_full_exit_under_minimum_is_stranded_not_retried() -> None:
    result = check_sell(D("0.4999"), D("10000"), full_exit=True)
    assert result is SellCheck.STRANDED
    assert not result.allowed


def test_partial_sell_that_leaves_dust() -> None:
    # selling 1 of 1.3 at 10,000 leaves 3,000 KRW, which could never be sold
    assert check_sell(D("1"), D("10000"), full_exit=False, held=D("1.3")) is SellCheck.LEAVES_DUST
    # a remainder of exactly 5,000 KRW is sellable later
    assert check_sell(D("1"), D("10000"), full_exit=False, held=D("1.5")) is SellCheck.OK
    # nothing left: fine
    assert check_sell(D("1"), D("10000"), full_exit=False, held=D("1")) is SellCheck.OK


def test_is_sell_allowed_wraps_check_sell() -> None:
    assert is_sell_allowed(D("0.5"), D("10000"), D("5000"), full_exit=True)
    assert not is_sell_allowed(D("0.4"), D("10000"), D("5000"), full_exit=True)
    assert not is_sell_allowed(D("0.4"), D("10000"), D("5000"), full_exit=False)


# --- limit_price ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "bid", "ask"),
    [
        ("150000000", "150000000", "150000000"),  # on tick stays put
        ("150000400", "150001000", "150000000"),
        ("9999.7", "10000", "9995"),  # bid crosses into the 10-KRW band
        ("999999", "1000000", "999500"),  # crosses into the 1,000-KRW band
        ("99.95", "100", "99.9"),
        ("10000", "10000", "10000"),  # exactly a band's lower bound
        ("10003", "10010", "10000"),
        ("5002", "5005", "5000"),
        ("0.123456", "0.124", "0.123"),
    ],
)
def test_limit_price_bids_up_asks_down(price: str, bid: str, ask: str) -> None:
    up = limit_price(D(price), OrderSide.BID)
    down = limit_price(D(price), OrderSide.ASK)
    assert up == D(bid)
    assert down == D(ask)
    assert is_on_tick(up) and is_on_tick(down)


def test_limit_price_passive_rounds_the_other_way() -> None:
    assert limit_price(D("10003"), OrderSide.BID, passive=True) == D("10000")
    assert limit_price(D("10003"), OrderSide.ASK, passive=True) == D("10010")
