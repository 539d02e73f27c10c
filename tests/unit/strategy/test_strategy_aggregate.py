from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from upbit_auto_trading.domain.strategy import (
    ExitTriggers,
    PositionSizing,
    PyramidBuying,
    SameCandlePolicy,
    ScaleIn,
    SizingMode,
    StopTakeProfit,
    Strategy,
    StrategySchemaError,
    StrategyValidationError,
    TimeExit,
    TrailingStop,
    TriggerGroup,
    TriggerGroups,
    TriggerRef,
    load_sample_strategy,
    sample_strategy_names,
    strategy_from_dict,
    strategy_from_json,
    strategy_to_dict,
    strategy_to_json,
    validate_strategy_document,
)


def _groups(*names: str) -> TriggerGroups:
    return TriggerGroups((TriggerGroup(tuple(TriggerRef(n) for n in names)),))


def _strategy(**kw: object) -> Strategy:
    base: dict[str, object] = {
        "name": "s",
        "entry": _groups("a"),
        "management": (StopTakeProfit(Decimal(3), Decimal(6)),),
        "sizing": PositionSizing(SizingMode.CASH_PERCENT, Decimal(50)),
    }
    base.update(kw)
    return Strategy(**base)  # type: ignore[arg-type]


def _codes(exc: pytest.ExceptionInfo[StrategyValidationError]) -> set[str]:
    return {p.code for p in exc.value.problems}


def test_basic_7_rule_sample_loads_with_its_rules() -> None:
    assert "basic_7_rule" in sample_strategy_names()
    s = load_sample_strategy("basic_7_rule")
    assert [r.type for r in s.management] == [
        "exit_triggers",
        "trailing_stop",
        "stop_take_profit",
        "scale_in",
        "pyramid",
    ]
    assert [r.name for r in s.entry.refs()] == ["RSI(14) below 20"]
    assert isinstance(s.rule("exit_triggers"), ExitTriggers)
    assert len(s.trigger_refs()) == 3
    assert s.rule("trailing_stop") == TrailingStop(Decimal(5), Decimal(3))
    assert s.rule("scale_in") == ScaleIn(Decimal(5), 3, Decimal(50))
    assert s.rule("pyramid") == PyramidBuying(Decimal(5), 2, Decimal(100))
    assert s.warnings() == []


def test_json_round_trip_keeps_strategy_and_hash() -> None:
    s = load_sample_strategy()
    again = strategy_from_json(strategy_to_json(s))
    assert again == s
    assert again.content_hash() == s.content_hash()
    assert len(s.content_hash()) == 64


def test_hash_ignores_name_and_number_spelling_but_not_parameters() -> None:
    doc = strategy_to_dict(load_sample_strategy())
    h = strategy_from_dict(doc).content_hash()
    renamed = copy.deepcopy(doc) | {"name": "other", "description": "x"}
    assert strategy_from_dict(renamed).content_hash() == h
    spelled = copy.deepcopy(doc)
    spelled["management"][1]["trail_pct"] = 3.0
    spelled["sizing"]["value"] = "20.00"
    assert strategy_from_dict(spelled).content_hash() == h
    changed = copy.deepcopy(doc)
    changed["management"][1]["trail_pct"] = 3.5
    assert strategy_from_dict(changed).content_hash() != h
    reordered = copy.deepcopy(doc)
    reordered["management"].reverse()
    assert strategy_from_dict(reordered).content_hash() != h  # order is priority


def test_hash_is_pinned_for_the_sample() -> None:
    # A changed hash means stored runs no longer match their strategy: bump the schema instead.
    assert load_sample_strategy().content_hash() == (
        "2cb8eb4ace481a636049c4e8fee146d5acdbbf7c97931e65f7433fbac48ce274"
    )


def test_more_than_five_management_rules_refused() -> None:
    rules = (
        StopTakeProfit(Decimal(3), None),
        TrailingStop(Decimal(1), Decimal(1)),
        PyramidBuying(Decimal(5), 1),
        ScaleIn(Decimal(5), 1),
        TimeExit(10),
        ExitTriggers(_groups("b")),
    )
    with pytest.raises(StrategyValidationError) as exc:
        _strategy(management=rules)
    assert "management.too_many" in _codes(exc)


def test_invariants_report_every_problem_with_its_field() -> None:
    with pytest.raises(StrategyValidationError) as exc:
        _strategy(
            name=" ",
            entry=TriggerGroups((TriggerGroup(()),)),
            management=(
                StopTakeProfit(Decimal(100), Decimal(4)),
                StopTakeProfit(None, None),
                TrailingStop(Decimal(-1), Decimal(0)),
            ),
            sizing=PositionSizing(SizingMode.CASH_PERCENT, Decimal(150)),
            cooldown_candles=-1,
        )
    codes = _codes(exc)
    assert {
        "name.empty",
        "group.empty",
        "value.too_large",
        "management.duplicate",
        "stop_take_profit.empty",
        "value.negative",
        "value.not_positive",
        "sizing.over_100",
        "cooldown.negative",
    } <= codes
    fields = {p.field for p in exc.value.problems}
    assert "management[0].stop_loss_pct" in fields
    assert "management[2].trail_pct" in fields
    assert "Invalid strategy" in str(exc.value)


def test_partial_take_profit_must_sit_below_take_profit() -> None:
    doc = strategy_to_dict(_strategy())
    doc["management"].append({"type": "partial_take_profit", "profit_pct": 8, "sell_pct": 50})
    problems = validate_strategy_document(doc)
    assert [p.code for p in problems] == ["partial_take_profit.above_take_profit"]
    doc["management"][1]["profit_pct"] = 4
    assert validate_strategy_document(doc) == []


def test_duplicate_trigger_in_group_and_bad_add_counts() -> None:
    with pytest.raises(StrategyValidationError) as exc:
        _strategy(entry=_groups("a", "a"), management=(PyramidBuying(Decimal(5), 0),))
    assert {"trigger.duplicate", "times.range"} <= _codes(exc)


def test_live_validation_of_half_filled_documents() -> None:
    problems = validate_strategy_document(
        {
            "schema_version": 1,
            "name": "x",
            "entry": {"groups": [{"triggers": ["rsi"]}]},
            "management": [{"type": "teleport"}, {"type": "time_exit", "candles": 2.5}],
            "sizing": {"mode": "all_in", "value": "abc"},
            "same_candle_policy": "random",
        }
    )
    codes = {p.code for p in problems}
    assert {"rule.unknown", "field.not_integer", "sizing.mode", "field.not_number", "policy.unknown"} <= codes


def test_schema_version_and_json_errors() -> None:
    with pytest.raises(StrategySchemaError, match="schema_version"):
        strategy_from_dict({"schema_version": 2})
    with pytest.raises(StrategySchemaError, match="Not valid JSON"):
        strategy_from_json("{nope")
    assert validate_strategy_document([])[0].code == "schema.unsupported"


def test_triggers_by_id_and_policy_round_trip() -> None:
    s = _strategy(
        entry=TriggerGroups(
            (TriggerGroup((TriggerRef("rsi", "t-1"), TriggerRef("vol"))), TriggerGroup((TriggerRef("macd"),)))
        ),
        same_candle_policy=SameCandlePolicy.PRIORITY,
        sizing=PositionSizing(SizingMode.FIXED_AMOUNT, Decimal("100000")),
        cooldown_candles=4,
    )
    doc = json.loads(strategy_to_json(s))
    assert doc["entry"]["groups"][0]["triggers"][0] == {"name": "rsi", "id": "t-1"}
    assert doc["same_candle_policy"] == "priority"
    assert doc["sizing"] == {"mode": "fixed_amount", "value": 100000}
    again = strategy_from_dict(doc)
    assert again == s
    assert [r.key for r in again.trigger_refs()] == ["t-1", "vol", "macd"]


def test_warning_when_entry_spends_all_cash_and_adds_exist() -> None:
    s = _strategy(
        management=(PyramidBuying(Decimal(5), 2),),
        sizing=PositionSizing(SizingMode.CASH_PERCENT, Decimal(100)),
    )
    assert [w.code for w in s.warnings()] == ["sizing.no_cash_for_adds"]


def test_with_trigger_refs_maps_entry_and_exit_references_only() -> None:
    sample = load_sample_strategy(sample_strategy_names()[0])
    stored = strategy_from_dict(strategy_to_dict(sample), strategy_id="7", version=3)
    crash = "Crash: close 3% below previous close"
    renamed = stored.with_trigger_refs(lambda r: TriggerRef("Crash", "12") if r.name == crash else r)
    assert [r.name for r in renamed.trigger_refs()] == [
        "RSI(14) below 20",
        "Crash",
        "Surge: close 5% above previous close",
    ]
    assert renamed.trigger_refs()[1].trigger_id == "12"
    assert (renamed.strategy_id, renamed.version) == ("7", 3)  # storage identity kept
    assert [r.type for r in renamed.management] == [r.type for r in stored.management]
    assert renamed.content_hash() != stored.content_hash()
    assert stored.with_trigger_refs(lambda r: r) == stored
