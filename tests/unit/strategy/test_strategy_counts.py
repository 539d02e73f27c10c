"""Issue 16: whole-number fields of a strategy document are counts, within a range, never booleans.

``isinstance(True, int)`` holds in Python, so ``"schema_version": true`` compared equal to 1 and a JSON
``true`` count read as 1; 10^30 candles of cooldown were saved and overflowed the engine's counters."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from upbit_auto_trading.domain.strategy import (
    PositionSizing,
    SizingMode,
    Strategy,
    StrategySchemaError,
    StrategyValidationError,
    TimeExit,
    TriggerGroup,
    TriggerGroups,
    TriggerRef,
    strategy_from_json,
    validate_strategy_document,
)


def _doc(**extra: object) -> dict:
    doc = {
        "schema_version": 1,
        "name": "counts",
        "entry": {"groups": [{"triggers": ["a"]}]},
        "management": [],
        "sizing": {"mode": "cash_percent", "value": 50},
    }
    return doc | extra


def _problems(doc: dict) -> list[str]:
    with pytest.raises(StrategyValidationError) as exc:
        strategy_from_json(json.dumps(doc))
    return [str(p) for p in exc.value.problems]


@pytest.mark.parametrize("value", [10**30, True, False, "1e999999999", 1e30, 100_001, -1, 2.5, "NaN"])
def test_cooldown_outside_its_range_is_refused_naming_field_and_range(value: object) -> None:
    [problem] = _problems(_doc(cooldown_candles=value))
    assert problem.startswith("cooldown_candles: must be a whole number from 0 to 100,000 (got "), problem


@pytest.mark.parametrize(
    ("rule", "field", "range_text"),
    [
        ({"type": "time_exit", "candles": 10**30}, "candles", "from 1 to 100,000"),
        ({"type": "time_exit", "candles": True}, "candles", "from 1 to 100,000"),
        ({"type": "pyramid", "drop_pct": 5, "max_times": True}, "max_times", "from 1 to 20"),
        ({"type": "scale_in", "rise_pct": 5, "max_times": 10**30}, "max_times", "from 1 to 20"),
        ({"type": "scale_in", "rise_pct": 5, "max_times": "1e999999999"}, "max_times", "from 1 to 20"),
    ],
)
def test_rule_counts_outside_their_range_are_refused(rule: dict, field: str, range_text: str) -> None:
    [problem] = _problems(_doc(management=[rule]))
    assert problem.startswith(f"management[0].{field}: must be a whole number {range_text} (got "), problem


def test_the_largest_counts_are_accepted() -> None:
    doc = _doc(cooldown_candles=100_000, management=[{"type": "time_exit", "candles": 100_000}])
    strategy = strategy_from_json(json.dumps(doc))
    assert strategy.cooldown_candles == 100_000 and strategy.management[0] == TimeExit(100_000)
    assert validate_strategy_document(doc) == []


@pytest.mark.parametrize("version", [True, 1.5, "1", None])
def test_schema_version_must_be_the_number_one(version: object) -> None:
    with pytest.raises(StrategySchemaError) as exc:
        strategy_from_json(json.dumps(_doc(schema_version=version)))
    assert "schema_version" in str(exc.value) and "must be the whole number 1" in str(exc.value)


def test_a_number_beyond_pythons_digit_limit_is_a_schema_error_not_a_crash() -> None:
    text = json.dumps(_doc()).replace(
        '"management": []', '"cooldown_candles": 1' + "0" * 5000 + ', "management": []'
    )
    with pytest.raises(StrategySchemaError, match="more than 4,300 digits"):
        strategy_from_json(text)


def test_a_strategy_built_in_code_refuses_a_boolean_or_absurd_count_too() -> None:
    entry = TriggerGroups((TriggerGroup((TriggerRef("a"),)),))
    sizing = PositionSizing(SizingMode.CASH_PERCENT, Decimal(50))
    for cooldown in (True, 10**30):
        with pytest.raises(StrategyValidationError, match="cooldown_candles: must be a whole number from 0"):
            Strategy("x", entry, (), sizing, cooldown_candles=cooldown)  # type: ignore[arg-type]
    with pytest.raises(StrategyValidationError, match=r"management\[0\].candles"):
        Strategy("x", entry, (TimeExit(True),), sizing)  # type: ignore[arg-type]
