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
