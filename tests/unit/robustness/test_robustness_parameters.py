"""Changing a strategy and its triggers by path: what a cell runs with, and what is refused."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from upbit_auto_trading.domain.robustness.errors import InvalidCell, ParameterPathError
from upbit_auto_trading.domain.robustness.parameters import (
    apply_values,
    describe_parameter,
    sweepable_parameters,
)
from upbit_auto_trading.domain.robustness.paths import parse_path
from upbit_auto_trading.domain.strategy import strategy_from_dict
from upbit_auto_trading.domain.trigger.condition import FixedValue, TradingCondition, VariableRef


def _strategy():
    return strategy_from_dict({
        "schema_version": 1, "name": "Cross",
        "entry": {"groups": [{"triggers": [{"name": "fast over slow", "id": "1"}, "RSI low"]}]},
        "management": [
            {"type": "exit_triggers", "groups": [{"triggers": ["fast under slow"]}, {"triggers": ["RSI low"]}]},
            {"type": "stop_take_profit", "stop_loss_pct": 4, "take_profit_pct": 8},
            {"type": "partial_take_profit", "profit_pct": 5, "sell_pct": 50},
            {"type": "pyramid", "drop_pct": 5, "max_times": 2},
        ],
        "sizing": {"mode": "cash_percent", "value": 50}, "cooldown_candles": 2,
    })  # fmt: skip


def _conditions(catalogue):
    def make(name, variable, params, op, value=None, target=None, target_params=None, condition_id=None):
        return TradingCondition.create(catalogue, name=name, variable_id=variable, params=params, operator=op,
                                       value=value, target_variable_id=target, target_params=target_params,
                                       condition_id=condition_id)  # fmt: skip

    return {
        "1": make("fast over slow", "SMA", {"period": 10}, "crosses_above", target="SMA", target_params={"period": 30},
                  condition_id=1),
        "RSI low": make("RSI low", "RSI", {"period": 14}, "lt", value="30"),
        "fast under slow": make("fast under slow", "SMA", {"period": 10}, "crosses_below", target="SMA",
                                target_params={"period": 30}),
    }  # fmt: skip


def _apply(catalogue, *pairs):
    strategy, conditions = _strategy(), _conditions(catalogue)
    return strategy, conditions, apply_values(strategy, conditions, catalogue,
                                              [(parse_path(p), D(v)) for p, v in pairs])  # fmt: skip


def test_rule_and_strategy_fields_change_and_the_rest_stays(catalogue):
    base, conditions, (changed, out) = _apply(
        catalogue, ("rules.stop_take_profit.stop_loss_pct", "2.5"), ("rules.pyramid.max_times", "3"),
        ("cooldown_candles", "7"), ("sizing.value", "25"))  # fmt: skip
    assert changed.rule("stop_take_profit").stop_loss_pct == D("2.5")
    assert changed.rule("stop_take_profit").take_profit_pct == D(8)
    assert changed.rule("pyramid").max_times == 3 and isinstance(changed.rule("pyramid").max_times, int)
    assert changed.cooldown_candles == 7 and changed.sizing.value == D(25)
    assert [r.type for r in changed.management] == [r.type for r in base.management]  # priority order kept
    assert out == conditions and all(out[k] is conditions[k] for k in out)  # triggers untouched
    assert changed.content_hash() != base.content_hash()


def test_trigger_parameters_rebuild_the_trigger_as_the_builder_would(catalogue):
    _, conditions, (strategy, out) = _apply(
        catalogue, ("entry.0.params.period", "12"), ("entry.0.target.period", "40"), ("entry.1.value", "27.5"))
    fast = out["1"]
    assert fast.variable == VariableRef("SMA", {**conditions["1"].variable.params, "period": 12})
    assert type(fast.variable.params["period"]) is int  # a whole-number parameter becomes an int
    assert fast.target.params["period"] == 40 and fast.name == "fast over slow" and fast.condition_id == 1
    assert out["RSI low"].target == FixedValue(D("27.5"))
    assert out["fast under slow"] is conditions["fast under slow"]  # another trigger: untouched
    assert strategy is _strategy() or strategy == _strategy()  # the strategy itself did not change


def test_exit_paths_count_the_exit_rule_triggers_and_a_shared_trigger_changes_everywhere(catalogue):
    strategy, _, (_, out) = _apply(catalogue, ("exit.1.value", "25"))
    # exit.1 is "RSI low": used by the entry too; it is one stored trigger, so both uses see 25
    assert out["RSI low"].target == FixedValue(D(25))
    _, _, (_, named) = _apply(catalogue, ("trigger[RSI low].params.period", "9"))
    assert named["RSI low"].variable.params["period"] == 9


@pytest.mark.parametrize(
    ("pairs", "says"),
    [
        ((("rules.partial_take_profit.profit_pct", "9"),), "partial"),  # above the take-profit
        ((("entry.1.value", "101"),), "RSI low"),  # RSI is 0..100
        ((("entry.0.params.period", "0"),), "period"),  # SMA period from 1
    ],
)
def test_values_that_make_an_invalid_strategy_or_trigger_make_an_invalid_cell(catalogue, pairs, says):
    with pytest.raises(InvalidCell) as err:
        _apply(catalogue, *pairs)
    assert says in str(err.value)


def test_paths_the_strategy_does_not_have_are_refused(catalogue):
    strategy, conditions = _strategy(), _conditions(catalogue)
    for text, says in (("rules.trailing_stop.trail_pct", "no trailing_stop rule"), ("entry.2.value", "2 entry"),
                       ("exit.0.percent", "these exist"), ("trigger[nope].value", "no trigger named")):  # fmt: skip
        with pytest.raises(ParameterPathError) as err:
            describe_parameter(parse_path(text), strategy, conditions, catalogue)
        assert says in str(err.value), text


def test_sweepable_parameters_list_every_numeric_one_with_current_values_and_bounds(catalogue):
    found = {p.path: p for p in sweepable_parameters(_strategy(), _conditions(catalogue), catalogue)}
    assert found["entry.0.params.period"].current == D(10) and found["entry.0.params.period"].integer
    assert found["entry.0.params.period"].minimum == D(1) and found["entry.0.params.period"].maximum == D(500)
    assert found["entry.0.target.period"].current == D(30)
    assert found["entry.1.value"].current == D(30) and found["entry.1.value"].maximum == D(100)
    assert found["exit.0.params.period"].current == D(10)  # "fast under slow"
    assert found["exit.1.value"].current == D(30)  # "RSI low" again, as exit trigger 1
    assert found["rules.pyramid.max_times"].integer and found["cooldown_candles"].current == D(2)
    assert "rules.exit_triggers.groups" not in found and not any("timeframe" in p for p in found)
    assert found["entry.0.params.period"].problem(D("2.5")) == "entry.0.params.period takes whole numbers; 2.5 is not one"
    assert "at least 1" in found["entry.0.params.period"].problem(D(0))
    assert found["entry.0.params.period"].problem(D(20)) is None
