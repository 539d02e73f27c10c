"""TradingCondition validation against the catalogue."""

from __future__ import annotations

from decimal import Decimal

import pytest

from upbit_auto_trading.domain.trigger.condition import FixedValue, TradingCondition, VariableRef
from upbit_auto_trading.domain.trigger.errors import (
    IncompatibleVariablesError,
    InvalidConditionError,
    InvalidOperatorError,
    InvalidParameterError,
    UnknownVariableError,
    ValueOutOfRangeError,
)


def make(catalogue, **kw):
    base = {"name": "t", "variable_id": "RSI", "operator": "gt", "value": "30"}
    base.update(kw)
    return TradingCondition.create(catalogue, **base)


def test_condition_valid_fixed_value_fills_defaults(catalogue):
    c = make(catalogue, params={"period": "21"})
    assert c.variable == VariableRef("RSI", {"period": 21, "timeframe": "position"})
    assert c.target == FixedValue(Decimal("30"))
    assert c.describe() == "RSI(period=21) > 30"


def test_condition_target_variable(catalogue):
    c = make(
        catalogue,
        variable_id="SMA",
        operator="crosses_above",
        value=None,
        target_variable_id="EMA",
        target_params={"period": 60},
    )
    assert c.target == VariableRef("EMA", {"period": 60, "timeframe": "position"})


@pytest.mark.parametrize(
    ("kw", "error"),
    [
        ({"value": "101"}, ValueOutOfRangeError),
        ({"value": "-1"}, ValueOutOfRangeError),
        ({"variable_id": "WILLIAMS_R", "value": "5"}, ValueOutOfRangeError),
        ({"variable_id": "SMA", "value": "0"}, ValueOutOfRangeError),
        ({"variable_id": "CURRENT_PRICE", "value": "-10"}, ValueOutOfRangeError),
        ({"value": "abc"}, ValueOutOfRangeError),
        ({"value": "nan"}, ValueOutOfRangeError),
        ({"value": None, "target_variable_id": "SMA"}, IncompatibleVariablesError),
        ({"params": {"period": 1}}, InvalidParameterError),
        ({"params": {"period": 2.5}}, InvalidParameterError),
        ({"params": {"bogus": 1}}, InvalidParameterError),
        ({"params": {"timeframe": "2h"}}, InvalidParameterError),
        ({"variable_id": "NOPE"}, UnknownVariableError),
        ({"operator": "??"}, InvalidOperatorError),
        ({"name": "  "}, InvalidConditionError),
        ({"value": None}, InvalidConditionError),
        ({"variable_id": "MACD", "params": {"fast": 30, "slow": 26}, "value": "0"}, InvalidParameterError),
        (
            {"variable_id": "META_TRAILING_STOP", "value": None, "target_variable_id": "CURRENT_PRICE"},
            IncompatibleVariablesError,
        ),
    ],
)
def test_condition_refuses(catalogue, kw, error):
    with pytest.raises(error):
        make(catalogue, **kw)


def test_condition_fixed_values_inside_ranges(catalogue):
    make(catalogue, value="0")
    make(catalogue, value="100")
    make(catalogue, variable_id="WILLIAMS_R", value="-80")
    make(catalogue, variable_id="MACD", value="0")
    make(catalogue, variable_id="CCI", value="-250")
    make(catalogue, variable_id="SMA", value="50000000")


def test_condition_management_usage_allows_meta(catalogue):
    c = make(
        catalogue,
        variable_id="CURRENT_PRICE",
        operator="crosses_below",
        value=None,
        target_variable_id="META_TRAILING_STOP",
        usage="management",
    )
    assert c.target.variable_id == "META_TRAILING_STOP"


def test_condition_operator_options(catalogue):
    c = make(catalogue, operator="approx", value="50", operator_params={"percent": 2})
    assert c.operator_params == {"percent": 2.0}
    r = make(catalogue, operator="rising", value="3")
    assert r.target is None and r.operator_params == {"candles": 3.0}
    with pytest.raises(InvalidOperatorError):
        make(catalogue, operator="approx", operator_params={"percent": 0})
    with pytest.raises(InvalidOperatorError):
        make(catalogue, operator="gt", operator_params={"percent": 1})


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"period": ""}, "RSI period must be a whole number from 2 to 100; got ''"),
        ({"period": "  "}, "RSI period must be a whole number from 2 to 100; got '  '"),
        ({"period": True}, "RSI period must be a whole number from 2 to 100; got True"),
        ({"period": 10**30}, "RSI period must be a whole number from 2 to 100; got 10000000"),
        ({"timeframe": ""}, "RSI timeframe must be one of position, 1m,"),
    ],
)
def test_empty_or_boolean_parameters_are_refused_not_defaulted(catalogue, params, message):
    """Issue 16: ``--param period=`` silently ran RSI(14); a JSON true was period 1."""
    with pytest.raises(InvalidParameterError) as exc:
        make(catalogue, params=params)
    assert str(exc.value).startswith(message)


def test_an_omitted_parameter_still_takes_its_default(catalogue):
    assert make(catalogue, params={}).variable.params["period"] == 14
    assert make(catalogue, params={"period": None}).variable.params["period"] == 14


@pytest.mark.parametrize(
    ("operator", "options", "message"),
    [
        (
            "approx",
            {"percent": ""},
            "The ~= tolerance (percent) must be a percentage above 0 and at most 100",
        ),
        (
            "approx",
            {"percent": True},
            "The ~= tolerance (percent) must be a percentage above 0 and at most 100",
        ),
        (
            "approx",
            {"percent": "abc"},
            "The ~= tolerance (percent) must be a percentage above 0 and at most 100",
        ),
        ("rising", {"candles": True}, "rising needs a whole number of candles from 1 to 100"),
        ("falling", {"candles": ""}, "falling needs a whole number of candles from 1 to 100"),
        ("rising", {"candles": float("inf")}, "rising needs a whole number of candles from 1 to 100"),
    ],
)
def test_operator_options_refuse_empty_boolean_and_non_numbers(catalogue, operator, options, message):
    """An empty or non-numeric ~= tolerance crashed with a bare ValueError; true was read as 1."""
    value = "50" if operator == "approx" else None
    with pytest.raises(InvalidOperatorError) as exc:
        make(catalogue, operator=operator, value=value, operator_params=options)
    assert str(exc.value).startswith(message)
