from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal as D

import pytest

from upbit_auto_trading.domain.errors import DomainError
from upbit_auto_trading.domain.trading.order import InvalidOrderError
from upbit_auto_trading.domain.trading.risk import (
    DrawdownMonitor,
    OrderIntent,
    RiskConfigError,
    RiskLimits,
    RiskState,
    check_order,
    trading_day,
)

KST = timezone(timedelta(hours=9))
START = D("10000000")
DAY = date(2025, 3, 10)
MORNING = datetime(2025, 3, 10, 10, 0, tzinfo=KST)  # 10:00 KST, inside the 2025-03-10 trading day


def _monitor(limits: RiskLimits | None = None) -> DrawdownMonitor:
    monitor = DrawdownMonitor(limits or RiskLimits())
    monitor.start_day(DAY, START)
    return monitor


# --- RiskLimits -------------------------------------------------------------------------------------


def test_defaults() -> None:
    limits = RiskLimits()
    assert limits.max_position_krw is None and limits.daily_loss_limit_krw is None
    assert (limits.caution_loss_pct, limits.defense_loss_pct, limits.halt_loss_pct) == (D(3), D(5), D(8))
    assert [limits.scale_for(s) for s in RiskState] == [D("1"), D("0.7"), D("0.4"), D("0")]
    assert RiskConfigError.__mro__[1] is DomainError
    hash(limits)  # frozen and usable as a key


def test_from_mapping_parses_numbers_strings_and_null() -> None:
    limits = RiskLimits.from_mapping(
        {
            "max_position_krw": "1,000,000",
            "max_total_krw": 3000000,
            "max_open_positions": 3,
            "daily_loss_limit_krw": None,
            "caution_loss_pct": 2.5,
            "size_scale": {"caution": 0.6},
        }
    )
    assert limits.max_position_krw == D("1000000")
    assert limits.max_total_krw == D("3000000")
    assert limits.max_open_positions == 3
    assert limits.daily_loss_limit_krw is None
    assert limits.caution_loss_pct == D("2.5")
    assert limits.scale_for(RiskState.CAUTION) == D("0.6")
    assert limits.scale_for(RiskState.DEFENSE) == D("0.4")  # default kept


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"max_position_krw": -1}, "max_position_krw"),
        ({"max_total_krw": 0}, "max_total_krw"),
        ({"daily_loss_limit_krw": "lots"}, "daily_loss_limit_krw"),
        ({"daily_loss_limit_krw": True}, "daily_loss_limit_krw"),
        ({"max_open_positions": 0}, "max_open_positions"),
        ({"max_open_positions": 2.5}, "max_open_positions"),
        ({"halt_loss_pct": 100}, "halt_loss_pct"),
        ({"caution_loss_pct": "NaN"}, "caution_loss_pct"),
        ({"defense_loss_pct": 2}, "defense_loss_pct"),  # below caution 3
        ({"halt_loss_pct": 4}, "halt_loss_pct"),  # below defense 5
        ({"max_postion_krw": 1}, "max_postion_krw"),  # misspelt
        ({"size_scale": {"caution": 1.5}}, "size_scale.caution"),
        ({"size_scale": {"panic": 0.5}}, "size_scale.panic"),
        ({"size_scale": {"halt": 0.1}}, "size_scale.halt"),
        ({"size_scale": {"defense": None}}, "size_scale.defense"),
        ({"size_scale": 0.5}, "size_scale"),
    ],
)
def test_from_mapping_names_the_bad_key(data: dict[str, object], named: str) -> None:
    with pytest.raises(RiskConfigError, match=named.replace(".", r"\.")):
        RiskLimits.from_mapping(data)


def test_thresholds_can_be_off_and_equal() -> None:
    limits = RiskLimits(caution_loss_pct=None, defense_loss_pct=D(5), halt_loss_pct=D(5))
    assert limits.threshold_for(RiskState.CAUTION) is None


def test_constructor_validates_too() -> None:
    with pytest.raises(RiskConfigError, match="max_position_krw"):
        RiskLimits(max_position_krw=D("-5"))
    with pytest.raises(RiskConfigError, match="size_scale has no multiplier for halt"):
        RiskLimits(size_scale={s: D(1) for s in RiskState if s is not RiskState.HALT})


# --- trading day ------------------------------------------------------------------------------------


def test_trading_day_starts_at_0900_kst() -> None:
    assert trading_day(datetime(2025, 3, 11, 8, 59, 59, tzinfo=KST)) == date(2025, 3, 10)
    assert trading_day(datetime(2025, 3, 11, 9, 0, tzinfo=KST)) == date(2025, 3, 11)
    assert trading_day(datetime(2025, 3, 11, 0, 0, tzinfo=UTC)) == date(2025, 3, 11)
    with pytest.raises(RiskConfigError):
        trading_day(datetime(2025, 3, 11, 9, 0))


# --- DrawdownMonitor --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("equity", "state"),
    [
        ("9700001", RiskState.NORMAL),
        ("9700000", RiskState.CAUTION),  # exactly 3%
        ("9500001", RiskState.CAUTION),
        ("9500000", RiskState.DEFENSE),  # exactly 5%
        ("9200001", RiskState.DEFENSE),
        ("9200000", RiskState.HALT),  # exactly 8%
    ],
)
def test_thresholds_apply_at_exactly_their_percent(equity: str, state: RiskState) -> None:
    monitor = _monitor()
    monitor.update(D(equity), MORNING)
    assert monitor.state is state


def test_transition_reason_is_readable() -> None:
    transition = _monitor().update(D("9420000"), MORNING)
    assert transition is not None
    assert (transition.previous, transition.state) == (RiskState.NORMAL, RiskState.DEFENSE)
    assert "equity 9,420,000 KRW is 5.8% under the day's start 10,000,000 KRW" in transition.reason
    assert "40%" in transition.reason
    assert transition.loss_pct == D("5.8")


def test_no_transition_when_state_unchanged() -> None:
    monitor = _monitor()
    assert monitor.update(D("9900000"), MORNING) is None
    assert monitor.update(D("10500000"), MORNING) is None


def test_states_move_both_ways_below_halt() -> None:
    monitor = _monitor()
    steps = [("9500000", RiskState.DEFENSE), ("9700000", RiskState.CAUTION), ("9800000", RiskState.NORMAL)]
    for equity, state in steps:
        transition = monitor.update(D(equity), MORNING)
        assert transition is not None and transition.state is state
    assert "full size" in transition.reason


def test_halt_is_sticky_for_the_day() -> None:
    monitor = _monitor()
    transition = monitor.update(D("9200000"), MORNING)
    assert transition is not None and transition.state is RiskState.HALT
    assert "09:00 KST" in transition.reason
    assert monitor.update(D("10500000"), MORNING + timedelta(hours=5)) is None
    assert monitor.state is RiskState.HALT
    # 08:59 KST next morning is still the same trading day
    assert monitor.update(D("10500000"), datetime(2025, 3, 11, 8, 59, tzinfo=KST)) is None
    assert monitor.state is RiskState.HALT


def test_halt_resets_at_the_next_trading_day() -> None:
    monitor = _monitor()
    monitor.update(D("9000000"), MORNING)
    at = datetime(2025, 3, 11, 9, 0, tzinfo=KST)
    transition = monitor.update(D("9000000"), at)
    assert transition is not None
    assert (transition.previous, transition.state) == (RiskState.HALT, RiskState.NORMAL)
    assert monitor.day == date(2025, 3, 11)
    assert monitor.start_equity == D("9000000")  # the new day is measured from its own start
    assert monitor.update(D("8730000"), at) is not None  # 3% under the new start
    assert monitor.state is RiskState.CAUTION


def test_new_day_from_normal_returns_nothing() -> None:
    monitor = _monitor()
    assert monitor.update(D("10000000"), datetime(2025, 3, 11, 9, 0, tzinfo=KST)) is None
    assert monitor.day == date(2025, 3, 11)


def test_first_update_without_start_day_starts_the_day() -> None:
    monitor = DrawdownMonitor(RiskLimits())
    assert monitor.update(D("5000000"), MORNING) is None
    assert (monitor.day, monitor.start_equity) == (DAY, D("5000000"))


def test_late_update_from_previous_day_does_not_reset() -> None:
    monitor = _monitor()
    monitor.update(D("9000000"), MORNING)
    assert monitor.update(D("10000000"), datetime(2025, 3, 10, 8, 0, tzinfo=KST)) is None
    assert monitor.state is RiskState.HALT and monitor.day == DAY


def test_restart_restores_a_halted_day() -> None:
    monitor = DrawdownMonitor(RiskLimits())
    monitor.start_day(DAY, START, state=RiskState.HALT)
    assert monitor.update(D("11000000"), MORNING) is None
    assert monitor.state is RiskState.HALT


def test_daily_loss_limit_trips_halt_before_the_percent() -> None:
    monitor = _monitor(RiskLimits(daily_loss_limit_krw=D("200000")))
    assert monitor.update(D("9800001"), MORNING) is None
    transition = monitor.update(D("9800000"), MORNING)  # exactly 200,000 KRW down, only 2%
    assert transition is not None and transition.state is RiskState.HALT
    assert "daily loss limit of 200,000 KRW" in transition.reason
    assert monitor.update(D("10000000"), MORNING) is None  # sticky as well


def test_percent_thresholds_off() -> None:
    monitor = _monitor(RiskLimits(caution_loss_pct=None, defense_loss_pct=None, halt_loss_pct=None))
    assert monitor.update(D("5000000"), MORNING) is None
    assert monitor.state is RiskState.NORMAL


def test_start_day_rejects_non_positive_equity() -> None:
    with pytest.raises(RiskConfigError):
        DrawdownMonitor(RiskLimits()).start_day(DAY, D(0))


# --- check_order ------------------------------------------------------------------------------------


def _check(
    limits: RiskLimits,
    state: RiskState = RiskState.NORMAL,
    *,
    kind: str = "entry",
    total: str = "100000",
    position_after: str | None = None,
    total_after: str | None = None,
    open_after: int = 1,
):
    return check_order(
        limits,
        state,
        kind=kind,
        market="KRW-BTC",
        order_total_krw=D(total),
        position_krw_after=D(position_after or total),
        total_krw_after=D(total_after or total),
        open_positions_after=open_after,
    )


def test_plain_entry_is_allowed_unchanged() -> None:
    verdict = _check(RiskLimits())
    assert verdict.allowed and verdict.scaled_total == D("100000")
    assert "within the risk limits" in verdict.reason


@pytest.mark.parametrize("state", list(RiskState))
def test_exits_are_always_allowed(state: RiskState) -> None:
    limits = RiskLimits(max_position_krw=D("10000"), max_total_krw=D("10000"), max_open_positions=1)
    verdict = _check(limits, state, kind="exit", total="3000", open_after=9)
    assert verdict.allowed and verdict.scaled_total == D("3000")


@pytest.mark.parametrize("kind", ["entry", "add", OrderIntent.ADD])
def test_halt_refuses_entries_and_adds(kind: str | OrderIntent) -> None:
    verdict = check_order(
        RiskLimits(),
        RiskState.HALT,
        kind=kind,
        market="KRW-BTC",
        order_total_krw=D("100000"),
        position_krw_after=D("100000"),
        total_krw_after=D("100000"),
        open_positions_after=1,
    )
    assert not verdict.allowed and verdict.scaled_total == 0
    assert "09:00 KST" in verdict.reason and "Exits still run" in verdict.reason


@pytest.mark.parametrize(
    ("state", "expected"),
    [(RiskState.NORMAL, "100000"), (RiskState.CAUTION, "70000"), (RiskState.DEFENSE, "40000")],
)
def test_entries_are_scaled_by_state(state: RiskState, expected: str) -> None:
    verdict = _check(RiskLimits(), state)
    assert verdict.allowed and verdict.scaled_total == D(expected)


def test_scaling_floors_to_whole_krw_and_keeps_exact_minimum() -> None:
    assert _check(RiskLimits(), RiskState.CAUTION, total="7143").scaled_total == D("5000")  # 5,000.1


def test_scaled_under_minimum_is_refused() -> None:
    verdict = _check(RiskLimits(), RiskState.DEFENSE, total="12000")  # 4,800
    assert not verdict.allowed
    assert "4,800 KRW" in verdict.reason and "5,000 KRW minimum" in verdict.reason


def test_position_cap_trims_the_order() -> None:
    limits = RiskLimits(max_position_krw=D("1000000"))
    verdict = _check(limits, kind="add", total="300000", position_after="1200000")
    assert verdict.allowed and verdict.scaled_total == D("100000")
    assert "per-market position limit of 1,000,000 KRW" in verdict.reason


def test_cap_leaving_exactly_minimum_is_allowed() -> None:
    limits = RiskLimits(max_position_krw=D("1000000"))
    verdict = _check(limits, kind="add", total="300000", position_after="1295000")
    assert verdict.allowed and verdict.scaled_total == D("5000")


def test_cap_leaving_under_minimum_is_refused() -> None:
    limits = RiskLimits(max_position_krw=D("1000000"))
    verdict = _check(limits, kind="add", total="300000", position_after="1295001")
    assert not verdict.allowed
    assert "max_position_krw" in verdict.reason and "4,999 KRW" in verdict.reason


def test_total_cap_applies_after_scaling() -> None:
    limits = RiskLimits(max_total_krw=D("500000"))
    # 440,000 already invested; caution scales 100,000 to 70,000, then the total cap trims it to 60,000
    verdict = _check(limits, RiskState.CAUTION, total="100000", total_after="540000")
    assert verdict.allowed and verdict.scaled_total == D("60000")
    assert "70%" in verdict.reason and "total invested limit" in verdict.reason


def test_over_total_limit_already_is_refused() -> None:
    limits = RiskLimits(max_total_krw=D("500000"))
    verdict = _check(limits, total="100000", total_after="700000")
    assert not verdict.allowed and "max_total_krw" in verdict.reason


def test_open_positions_limit_refuses_entries_only() -> None:
    limits = RiskLimits(max_open_positions=2)
    assert _check(limits, open_after=2).allowed
    refused = _check(limits, open_after=3)
    assert not refused.allowed and "max_open_positions" in refused.reason
    assert _check(limits, kind="add", open_after=3).allowed


def test_check_order_rejects_bad_inputs() -> None:
    with pytest.raises(InvalidOrderError, match="entry, add or exit"):
        _check(RiskLimits(), kind="short")
    with pytest.raises(InvalidOrderError):
        _check(RiskLimits(), total="0")
