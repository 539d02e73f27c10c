"""Daily returns on the KST calendar and their annualised (365-day) Sharpe ratio."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest

from upbit_auto_trading.domain.analysis.returns import (
    DAYS_PER_YEAR,
    annualised_sharpe,
    annualised_volatility,
    daily_returns,
)

HOUR = 3600
DAY = 86_400


def utc(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def test_a_year_is_365_days() -> None:
    assert DAYS_PER_YEAR == 365


def test_days_are_kst_calendar_days_ending_at_the_days_last_equity() -> None:
    # Hourly candles from 2024-01-01 13:00 UTC (22:00 KST) for 4 hours: 22:00 and 23:00 KST belong to
    # 2024-01-01 KST, 00:00 and 01:00 KST to 2024-01-02 KST.
    times = np.array([utc("2024-01-01T13:00:00") + i * HOUR for i in range(4)])
    equity = np.array([100.0, 110.0, 99.0, 121.0])
    starts, rets = daily_returns(times, equity)
    # KST midnight is 15:00 UTC of the previous day.
    assert starts.tolist() == [utc("2023-12-31T15:00:00"), utc("2024-01-01T15:00:00")]
    # Day 1 against the first observation: 110 / 100; day 2 against day 1's last equity: 121 / 110.
    assert rets == pytest.approx([0.10, 0.10])


def test_days_without_observations_return_zero_and_keep_the_chain() -> None:
    times = np.array([utc("2024-03-01T00:00:00"), utc("2024-03-04T00:00:00")])
    equity = np.array([100.0, 150.0])
    starts, rets = daily_returns(times, equity)
    assert len(starts) == 4
    assert np.diff(starts).tolist() == [DAY] * 3
    assert rets == pytest.approx([0.0, 0.0, 0.0, 0.5])
    assert np.prod(1 + rets) == pytest.approx(1.5)


def test_empty_and_mismatched_inputs() -> None:
    starts, rets = daily_returns(np.array([], dtype=np.int64), np.array([]))
    assert starts.shape == (0,) and rets.shape == (0,)
    with pytest.raises(ValueError):
        daily_returns(np.array([1, 2]), np.array([1.0]))


def test_annualised_sharpe_is_mean_over_sample_sd_times_sqrt_365() -> None:
    daily = np.array([0.01, -0.005, 0.02, 0.0, 0.004])
    expected = daily.mean() / daily.std(ddof=1) * math.sqrt(365)
    assert annualised_sharpe(daily) == pytest.approx(expected)
    assert annualised_volatility(daily) == pytest.approx(daily.std(ddof=1) * math.sqrt(365))


def test_annualised_sharpe_is_none_without_risk_or_data() -> None:
    assert annualised_sharpe(np.array([0.01])) is None
    assert annualised_sharpe(np.array([0.01, 0.01, 0.01])) is None
    assert annualised_sharpe(np.array([])) is None
    assert annualised_volatility(np.array([0.01])) is None


def test_weekly_marks_give_the_same_annualised_sharpe_as_weekly_returns() -> None:
    """Zero-return days between weekly marks keep the annualisation right: the daily Sharpe times
    sqrt(365) is the weekly Sharpe times sqrt(365 / 7) (up to the mean's square in the variance)."""
    rng = np.random.default_rng(3)
    weekly = rng.normal(0.004, 0.03, 300)
    equity = 100 * np.cumprod(1 + weekly)
    times = utc("2020-01-06T00:00:00") + np.arange(300) * 7 * DAY
    _, daily = daily_returns(times, equity)
    from_weekly = weekly[1:].mean() / weekly[1:].std(ddof=1) * math.sqrt(365 / 7)
    assert annualised_sharpe(daily) == pytest.approx(from_weekly, rel=0.02)
