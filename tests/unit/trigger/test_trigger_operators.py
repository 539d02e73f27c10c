"""Operators: each one, ties, NaN, the first candle, crosses on equal values."""

from __future__ import annotations

import numpy as np
import pytest

from upbit_auto_trading.domain.trigger.errors import InvalidOperatorError
from upbit_auto_trading.domain.trigger.operators import Operator, compare

nan = np.nan


def run(op, a, b=0.0, **kw):
    return compare(Operator.parse(op), np.asarray(a, dtype=float), b, **kw).tolist()


def test_operators_basic_comparisons_with_ties():
    a = [1.0, 2.0, 3.0, nan]
    assert run("gt", a, 2.0) == [False, False, True, False]
    assert run("ge", a, 2.0) == [False, True, True, False]
    assert run("lt", a, 2.0) == [True, False, False, False]
    assert run("le", a, 2.0) == [True, True, False, False]
    assert run("eq", a, 2.0) == [False, True, False, False]
    assert run("ne", a, 2.0) == [True, False, True, False]


def test_operators_float_noise_is_a_tie():
    summed = sum([0.1] * 10)  # 0.9999999999999999
    assert run("eq", [summed], 1.0) == [True]
    assert run("gt", [1.0 + 1e-12], 1.0) == [False]
    assert run("ne", [1.0 + 1e-12], 1.0) == [False]
    assert run("gt", [1.0 + 1e-6], 1.0) == [True]


def test_operators_approx_percentage():
    assert run("approx", [100.0, 101.0, 101.5, 98.9], 100.0, percent=1.0) == [True, True, False, False]
    assert run("~=", [104.0], 100.0, percent=5.0) == [True]


def test_operators_symbols_and_names_parse():
    assert Operator.parse(">") is Operator.GT and Operator.parse("GE") is Operator.GE
    assert Operator.parse("==") is Operator.EQ and Operator.parse("crosses-above") is Operator.CROSSES_ABOVE
    with pytest.raises(InvalidOperatorError):
        Operator.parse("bigger")


def test_operators_crosses_above_definition():
    # below, equal, above, above, equal, above, below, above
    a = [1.0, 2.0, 3.0, 3.0, 2.0, 3.0, 1.0, 3.0]
    assert run("crosses_above", a, 2.0) == [False, False, True, False, False, True, False, True]
    assert run("crosses_below", a, 2.0) == [False, False, False, False, False, False, True, False]


def test_operators_crosses_never_fire_on_first_candle_or_equal_values():
    assert run("crosses_above", [5.0], 1.0) == [False]
    assert run("crosses_above", [5.0, 5.0], [1.0, 1.0]) == [False, False]
    assert run("crosses_above", [2.0, 2.0, 2.0], [2.0, 2.0, 2.0]) == [False, False, False]
    assert run("crosses_below", [2.0, 2.0], [2.0, 2.0]) == [False, False]


def test_operators_crosses_after_nan_warmup_do_not_fire():
    assert run("crosses_above", [nan, 5.0, 6.0], 1.0) == [False, False, False]
    assert run("crosses_above", [nan, 0.5, 6.0], 1.0) == [False, False, True]


def test_operators_crosses_tie_decided_by_definition_not_noise():
    """Two averages equal in exact arithmetic but not in floating point: a tie, decided the same way every time."""
    a = np.array([9.0, sum([0.1] * 10), 1.2])  # the middle one is 1 - 1.1e-16
    b = np.array([10.0, 1.0, 1.0])
    assert compare(Operator.CROSSES_ABOVE, a / 10, b / 10 * 1.0).tolist() == [False, False, True]
    assert compare(Operator.CROSSES_BELOW, np.array([1.0, 1.0 + 1e-15]), np.array([1.0, 1.0])).tolist() == [
        False,
        False,
    ]


def test_operators_rising_and_falling_for_n_candles():
    a = [1.0, 2.0, 3.0, 3.0, 4.0, 5.0, 6.0, 5.0]
    assert run("rising", a, candles=2) == [False, False, True, False, False, True, True, False]
    assert run("falling", a, candles=1) == [False, False, False, False, False, False, False, True]
    with pytest.raises(InvalidOperatorError):
        run("rising", a, candles=0)
