from __future__ import annotations

from decimal import Decimal as D

import pytest

from upbit_auto_trading.domain.market.tick_size import (
    InvalidPriceError,
    TickRounding,
    is_on_tick,
    krw_tick_size,
    round_to_tick,
)


@pytest.mark.parametrize(
    ("price", "tick"),
    [
        ("150000000", "1000"),
        ("2000000", "1000"),
        ("1999999", "1000"),
        ("1000000", "1000"),
        ("999999", "500"),
        ("500000", "500"),
        ("499999", "100"),
        ("100000", "100"),
        ("99999", "50"),
        ("50000", "50"),
        ("49999", "10"),
        ("10000", "10"),
        ("9999", "5"),
        ("5000", "5"),
        ("4999", "1"),
        ("1000", "1"),
        ("100", "1"),
        ("99.9", "0.1"),
        ("10", "0.1"),
        ("9.99", "0.01"),
        ("1", "0.01"),
        ("0.5", "0.001"),
        ("0.05", "0.0001"),
        ("0.005", "0.00001"),
        ("0.0005", "0.000001"),
        ("0.00005", "0.0000001"),
        ("0.000005", "0.00000001"),
    ],
)
def test_krw_tick_table_bands(price, tick):
    assert krw_tick_size(D(price)) == D(tick)


def test_round_down_up_nearest():
    assert round_to_tick(D("50000499"), TickRounding.DOWN) == D("50000000")
    assert round_to_tick(D("50000001"), TickRounding.UP) == D("50001000")
    assert round_to_tick(D("50000500"), TickRounding.NEAREST) == D("50001000")
    assert round_to_tick(D("7502"), "down") == D("7500")
    assert round_to_tick(D("12.34"), "up") == D("12.4")


def test_rounding_across_a_band_boundary_stays_on_grid():
    up = round_to_tick(D("9999.7"), TickRounding.UP)
    assert up == D("10000") and is_on_tick(up)
    down = round_to_tick(D("100000.4"), TickRounding.DOWN)
    assert down == D("100000") and is_on_tick(down)


def test_is_on_tick():
    assert is_on_tick(D("50001000"))
    assert not is_on_tick(D("50000500"))
    assert is_on_tick(D("7505"))
    assert not is_on_tick(D("7503"))


@pytest.mark.parametrize("bad", [D("0"), D("-1"), D("NaN")])
def test_non_positive_price_refused(bad):
    with pytest.raises(InvalidPriceError):
        krw_tick_size(bad)
