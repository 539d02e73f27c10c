"""Evaluation over candles: firing candles, no look-ahead, other timeframes, position variables."""

from __future__ import annotations

import numpy as np
import pytest

from upbit_auto_trading.domain import indicators as ind
from upbit_auto_trading.domain.trigger.condition import TradingCondition
from upbit_auto_trading.domain.trigger.errors import NeedsPositionError, TriggerError
from upbit_auto_trading.domain.trigger.evaluation import TriggerEvaluator, evaluate_condition
from upbit_auto_trading.domain.trigger.position_context import PositionContext

rng = np.random.default_rng(7)
PRICES = np.round(5e7 + np.cumsum(rng.normal(0, 3e5, 3000)), -3)


def cond(catalogue, **kw):
    return TradingCondition.create(catalogue, name="t", **kw)


def test_evaluation_rsi_crosses_above_matches_definition(catalogue, candles_factory):
    candles = candles_factory(PRICES)
    c = cond(catalogue, variable_id="RSI", params={"period": 14}, operator="crosses_above", value=30)
    fired = evaluate_condition(c, candles)
    r = ind.rsi(PRICES, 14)
    expected = np.zeros_like(fired)
    expected[1:] = (r[:-1] <= 30) & (r[1:] > 30)
    assert fired.any() and np.array_equal(fired, expected)


def test_evaluation_golden_cross_on_integer_prices(catalogue, candles_factory):
    candles = candles_factory(PRICES)
    c = cond(
        catalogue,
        variable_id="SMA",
        params={"period": 20},
        operator="crosses_above",
        target_variable_id="SMA",
        target_params={"period": 60},
    )
    fired = evaluate_condition(c, candles)
    fast, slow = ind.sma(PRICES, 20), ind.sma(PRICES, 60)
    assert fired.sum() > 0
    assert np.all(fast[fired] > slow[fired]) and np.all(
        fast[np.flatnonzero(fired) - 1] <= slow[np.flatnonzero(fired) - 1]
    )


def test_evaluation_equal_moving_averages_do_not_fire(catalogue, candles_factory):
    candles = candles_factory(np.full(200, 12_345_000.0))
    c = cond(
        catalogue,
        variable_id="SMA",
        params={"period": 20},
        operator="crosses_above",
        target_variable_id="EMA",
        target_params={"period": 60},
    )
    assert not evaluate_condition(c, candles).any()
    eq = cond(
        catalogue,
        variable_id="SMA",
        params={"period": 20},
        operator="eq",
        target_variable_id="WMA",
        target_params={"period": 7},
    )
    assert evaluate_condition(eq, candles)[60:].all()


@pytest.mark.parametrize("cut", [100, 1500, 2999])
def test_evaluation_no_look_ahead(catalogue, candles_factory, cut):
    conditions = [
        cond(catalogue, variable_id="RSI", operator="crosses_above", value=30),
        cond(catalogue, variable_id="MACD", params={"line": "histogram"}, operator="crosses_below", value=0),
        cond(catalogue, variable_id="CURRENT_PRICE", operator="gt", target_variable_id="BOLLINGER_BAND"),
        cond(
            catalogue,
            variable_id="STOCHASTIC",
            params={"line": "k"},
            operator="crosses_above",
            target_variable_id="STOCHASTIC",
            target_params={"line": "d"},
        ),
        cond(catalogue, variable_id="CLOSE" if False else "EMA", operator="rising", value=3),
    ]
    changed = PRICES.copy()
    changed[cut:] = changed[cut:][::-1] * 1.5
    for c in conditions:
        before = evaluate_condition(c, candles_factory(PRICES))
        after = evaluate_condition(c, candles_factory(changed))
        assert np.array_equal(before[:cut], after[:cut]), c.describe()


def test_evaluation_other_timeframe_uses_only_closed_candles(catalogue, candles_factory):
    hours = candles_factory(np.arange(1, 97, dtype=float) * 1000, "1h", start=1_700_006_400)  # midnight UTC
    days = candles_factory(np.array([10.0, 20.0, 30.0, 40.0]) * 1000, "1d", start=1_700_006_400)
    c = cond(catalogue, variable_id="CURRENT_PRICE", params={"timeframe": "1d"}, operator="gt", value=15000)
    evaluator = TriggerEvaluator(hours, other_timeframes=lambda tf: days)
    series = evaluator.series(c.variable)
    assert np.isnan(series[:23]).all()  # day 0 closes at the end of hour 23
    assert series[23] == 10000 and series[46] == 10000 and series[47] == 20000
    fired = evaluator.evaluate(c)
    assert fired[47] and not fired[46]
    with pytest.raises(TriggerError):
        TriggerEvaluator(hours).series(c.variable)


def test_evaluation_position_variables_need_a_position(catalogue, candles_factory):
    candles = candles_factory(PRICES[:10])
    c = cond(catalogue, variable_id="PROFIT_PERCENT", operator="ge", value=5)
    with pytest.raises(NeedsPositionError):
        evaluate_condition(c, candles)
    avg = np.full(10, np.nan)
    avg[3:] = PRICES[3] / 1.06
    position = PositionContext(
        avg_buy_price=avg, quantity=np.where(np.isnan(avg), 0.0, 0.5), cash=np.full(10, 1e6)
    )
    fired = evaluate_condition(c, candles, position=position)
    profit = (PRICES[:10] / avg - 1) * 100
    assert np.array_equal(fired, np.nan_to_num(profit, nan=-1) >= 5)
    assert not fired[:3].any()


def test_evaluation_trailing_stop_in_management_rule(catalogue, candles_factory):
    close = np.array([100.0, 110.0, 120.0, 115.0, 113.0, 130.0]) * 1000
    avg = np.array([np.nan, 110.0, 110.0, 110.0, 110.0, 110.0]) * 1000
    position = PositionContext(avg, np.where(np.isnan(avg), 0.0, 1.0), np.zeros(6))
    c = cond(
        catalogue,
        variable_id="CURRENT_PRICE",
        operator="crosses_below",
        target_variable_id="META_TRAILING_STOP",
        target_params={"trail_percent": 5},
        usage="management",
    )
    evaluator = TriggerEvaluator(candles_factory(close), position=position)
    stop = evaluator.series(c.target)
    assert stop[2] == pytest.approx(114000) and stop[3] == pytest.approx(114000)
    assert evaluator.evaluate(c).tolist() == [False, False, False, False, True, False]


def test_evaluation_series_are_cached_per_parameters(catalogue, candles_factory):
    evaluator = TriggerEvaluator(candles_factory(PRICES))
    a = cond(catalogue, variable_id="RSI", operator="gt", value=50)
    first = evaluator.series(a.variable)
    assert evaluator.series(a.variable) is first
    b = cond(catalogue, variable_id="RSI", params={"period": 7}, operator="gt", value=50)
    assert evaluator.series(b.variable) is not first
