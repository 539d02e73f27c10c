"""Parameter paths and spaces: the path syntax, exact decimal ranges, linked paths, the grid."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from upbit_auto_trading.domain.robustness.errors import ParameterPathError, ParameterSpaceError
from upbit_auto_trading.domain.robustness.paths import (
    RuleField,
    StrategyField,
    TriggerField,
    parse_path,
    path_text,
)
from upbit_auto_trading.domain.robustness.space import Cell, Dimension, ParameterSpace, parse_values


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("cooldown_candles", StrategyField("cooldown_candles")),
        ("sizing.value", StrategyField("sizing.value")),
        ("rules.trailing_stop.activate_pct", RuleField("trailing_stop", "activate_pct")),
        ("rules.pyramid.max_times", RuleField("pyramid", "max_times")),
        ("entry.0.params.period", TriggerField("params", "period", role="entry", index=0)),
        ("exit.12.target.period", TriggerField("target", "period", role="exit", index=12)),
        ("entry.1.value", TriggerField("value", "", role="entry", index=1)),
        ("exit.0.candles", TriggerField("option", "candles", role="exit", index=0)),
        ("trigger[RSI(14) below 20, fast].params.period",
         TriggerField("params", "period", trigger_name="RSI(14) below 20, fast")),
    ],
)
def test_paths_parse_and_print_back(text, parsed):
    assert parse_path(text) == parsed
    assert path_text(parsed) == text
    assert parse_path(f"  {text} ") == parsed


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("rules.trailing_stop.bogus", "activate_pct, trail_pct"),
        ("rules.exit_triggers.groups", "rule types with numbers"),
        ("entry.0.period", "params.<name>"),
        ("entry.x.value", "not a parameter path"),
        ("sizing.mode", "not a parameter path"),
        ("entry.0.params.a.b", "params.<name>"),
    ],
)
def test_bad_paths_say_what_is_allowed(text, says):
    with pytest.raises(ParameterPathError, match=None) as err:
        parse_path(text)
    assert says in str(err.value)


def test_ranges_are_exact_decimals_and_include_a_stop_on_the_step():
    assert parse_values("0.1:0.5:0.1") == (D("0.1"), D("0.2"), D("0.3"), D("0.4"), D("0.5"))
    assert parse_values("10:30:5") == (D(10), D(15), D(20), D(25), D(30))
    assert parse_values("10:32:5") == (D(10), D(15), D(20), D(25), D(30))  # 32 is not on the step
    assert parse_values("7") == (D(7),)
    assert parse_values("5, 10,20") == (D(5), D(10), D(20))


@pytest.mark.parametrize(
    ("spec", "says"),
    [("10:5:1", "STOP must not be below START"), ("1:5:0", "step must be above 0"), ("1:5", "START:STOP:STEP"),
     ("a,b", "not a number"), ("5,5", "listed twice"), ("", "needs values"), ("1:10000000:1", "at most")],
)
def test_bad_values_are_refused(spec, says):
    with pytest.raises(ParameterSpaceError) as err:
        parse_values(spec)
    assert says in str(err.value)


def test_linked_paths_share_a_dimension_and_a_trigger_name_may_hold_commas_and_equals():
    dim = Dimension.parse("entry.0.params.period,exit.0.params.period=5:15:5")
    assert [path_text(p) for p in dim.paths] == ["entry.0.params.period", "exit.0.params.period"]
    assert dim.label == "entry.0.params.period,exit.0.params.period"
    named = Dimension.parse("trigger[a, b=c].value=1,2")
    assert named.paths == (TriggerField("value", "", trigger_name="a, b=c"),)
    assert named.values == (D(1), D(2))


def test_grid_cells_last_dimension_fastest_and_values_per_path():
    space = ParameterSpace.parse(["entry.0.params.period,exit.0.params.period=10,20", "rules.time_exit.candles=1:3:1"])
    assert space.shape == (2, 3) and space.size == 6
    keys = [c.key for c in space.cells()]
    assert keys == ["0,0", "0,1", "0,2", "1,0", "1,1", "1,2"]
    values = space.values(Cell((1, 2)))
    assert [(path_text(p), v) for p, v in values] == [
        ("entry.0.params.period", D(20)), ("exit.0.params.period", D(20)), ("rules.time_exit.candles", D(3))]
    assert space.labelled(Cell((1, 2))) == {"entry.0.params.period,exit.0.params.period": "20",
                                            "rules.time_exit.candles": "3"}
    assert ParameterSpace.from_dict(space.to_dict()) == space
    assert Cell.from_key("1,2") == Cell((1, 2))


def test_a_path_twice_and_a_huge_grid_are_refused():
    with pytest.raises(ParameterSpaceError, match="swept twice"):
        ParameterSpace.parse(["entry.0.value=1,2", "entry.0.params.period,entry.0.value=5,6"])
    with pytest.raises(ParameterSpaceError, match="optuna"):
        ParameterSpace.parse(["entry.0.value=1:1000:1", "entry.0.params.period=1:1001:1"])
    with pytest.raises(ParameterSpaceError, match="at least one parameter"):
        ParameterSpace.parse([])
