"""The Robustness form's plain data: suggested ranges, the space a form makes and a stored space read back,
and the overfitting card in words (both languages)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from upbit_auto_trading.domain.robustness.errors import ParameterSpaceError
from upbit_auto_trading.domain.robustness.parameters import SweepableParameter
from upbit_auto_trading.domain.robustness.space import ParameterSpace
from upbit_auto_trading.domain.robustness.verdict import OverfittingCard
from upbit_auto_trading.presentation.desktop.i18n import set_language
from upbit_auto_trading.presentation.desktop.robustness.form import (
    ParameterRow,
    build_space,
    parameter_label,
    rows_with_space,
    suggested_row,
)
from upbit_auto_trading.presentation.desktop.robustness.verdict import verdict_view

D = Decimal


def test_suggested_ranges_stay_inside_the_bounds_and_keep_whole_numbers(english):
    rsi = suggested_row(SweepableParameter("entry.0.params.period", D(3), True, D(2), D(100), "RSI period"))
    assert (rsi.start, rsi.stop, rsi.step) == ("2", "5", "1")  # 1..5 clipped at the minimum of 2
    threshold = suggested_row(
        SweepableParameter("entry.0.value", D(20), False, D(0), D(100), "x: value compared against")
    )
    assert (threshold.start, threshold.stop, threshold.step, threshold.label) == (
        "15",
        "25",
        "2.5",
        "x: threshold",
    )
    assert build_space([replace(threshold, swept=True)]).dimensions[0].values == (
        D(15), D("17.5"), D(20), D("22.5"), D(25))  # fmt: skip
    unset = suggested_row(SweepableParameter("rules.stop_take_profit.stop_loss_pct", None, False))
    assert (unset.current, unset.start, unset.label) == ("", "", "Fixed stop-loss / take-profit: Stop-loss %")
    size = SweepableParameter("sizing.value", D(50), False, None, None, "position size (cash_percent)")
    assert parameter_label(size) == "Position size (cash_percent)"


def test_a_list_wins_over_the_range_and_an_incomplete_range_is_refused(english):
    row = ParameterRow("entry.0.params.period", "RSI period", "14", True, True, "10", "20", "5", "7, 14 ,21")
    assert build_space([row]).dimensions[0].values == (D(7), D(14), D(21))
    with pytest.raises(ParameterSpaceError, match="RSI period: give from, to and step, or a list of values"):
        build_space([ParameterRow("entry.0.params.period", "RSI period", "14", True, True, "10", "", "5")])


def test_a_stored_space_ticks_its_rows_as_a_range_or_as_a_list():
    rows = [ParameterRow("entry.0.params.period", "p", "14", True), ParameterRow("entry.0.value", "v", "20", False),
            ParameterRow("cooldown_candles", "c", "0", True, swept=True, values="1,2")]  # fmt: skip
    space = ParameterSpace.parse(
        ["entry.0.params.period=6:18:3", "entry.0.value=20,30", "exit.0.value=1:2:1"]
    )
    filled, missing = rows_with_space(rows, space)
    assert [(r.path, r.swept, r.start, r.stop, r.step, r.values) for r in filled] == [
        ("entry.0.params.period", True, "6", "18", "3", ""),
        ("entry.0.value", True, "", "", "", "20,30"),  # two values: a list
        ("cooldown_candles", False, "", "", "", "1,2"),  # not in the stored space: unticked
    ]
    assert missing == ["exit.0.value"]  # the strategy has no such parameter any more


def _card(verdict: str, dsr: float | None, pbo: float | None) -> OverfittingCard:
    return OverfittingCard(verdict, "", 12, 300, 1.1, 0.9, dsr, pbo, 16, 0.25, -0.5)


def test_the_verdict_card_is_coloured_and_worded_in_both_languages():
    set_language("en")
    robust = verdict_view(_card("likely_robust", 0.97, 0.1))
    assert (robust.tone, robust.title) == ("good", "Likely robust")
    assert (
        "Of 12 parameter sets tried" in robust.text
        and "97%" in robust.text
        and "in 10% of the splits" in robust.text
    )
    assert dict(robust.figures)["Overfitting probability (PBO)"] == "10%"
    assert verdict_view(_card("likely_overfit", 0.3, 0.7)).tone == "bad"
    assert verdict_view(_card("inconclusive", 0.9, 0.3)).tone == "warn"
    empty = verdict_view(_card("not_enough_data", None, None))
    assert empty.tone == "neutral" and empty.text.startswith("Not enough data for a verdict")
    set_language("ko")
    overfit = verdict_view(_card("likely_overfit", 0.3, 0.7))
    assert overfit.title == "과최적화 가능성이 높음" and "12개 조합" in overfit.text and "70%" in overfit.text
