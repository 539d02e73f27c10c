"""Monthly and yearly returns (KST), the worst drawdowns, rolling Sharpe ratio and volatility."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest

from upbit_auto_trading.domain.analysis.periodic import (
    DrawdownPeriod,
    PeriodReturn,
    monthly_returns,
    rolling_sharpe,
    rolling_volatility,
    worst_drawdowns,
    yearly_returns,
)

DAY = 86_400


def utc(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def test_months_follow_the_kst_calendar() -> None:
    # 2024-01-31 16:00 UTC is 2024-02-01 01:00 KST: that mark belongs to February.
    times = np.array([utc("2024-01-10T00:00:00"), utc("2024-01-31T14:00:00"), utc("2024-01-31T16:00:00")])
    equity = np.array([100.0, 120.0, 90.0])
    assert monthly_returns(times, equity) == [
        PeriodReturn(2024, 1, pytest.approx(0.2)),
        PeriodReturn(2024, 2, pytest.approx(-0.25)),
    ]


def test_monthly_and_yearly_returns_chain_to_the_total_return() -> None:
    times = utc("2023-11-15T00:00:00") + np.arange(120) * DAY  # into March 2024
    equity = 100 * np.cumprod(1 + np.random.default_rng(5).normal(0.002, 0.02, 120))
    months = monthly_returns(times, equity)
    assert [(m.year, m.month) for m in months] == [(2023, 11), (2023, 12), (2024, 1), (2024, 2), (2024, 3)]
    total = equity[-1] / equity[0]
    assert np.prod([1 + m.ret for m in months]) == pytest.approx(total)
    years = yearly_returns(times, equity)
    assert [(y.year, y.month) for y in years] == [(2023, None), (2024, None)]
    assert np.prod([1 + y.ret for y in years]) == pytest.approx(total)
    # The year 2023 is the compound of November and December.
    assert 1 + years[0].ret == pytest.approx((1 + months[0].ret) * (1 + months[1].ret))


def test_worst_drawdowns_are_non_overlapping_episodes_deepest_first() -> None:
    equity = np.array([100, 90, 100, 120, 60, 80, 130, 125, 110, 115.0])
    times = np.arange(equity.shape[0])
    dds = worst_drawdowns(times, equity, k=5)
    assert dds == [
        DrawdownPeriod(start=3, trough=4, end=6, depth=pytest.approx(-0.5)),
        DrawdownPeriod(start=6, trough=8, end=None, depth=pytest.approx(110 / 130 - 1)),
        DrawdownPeriod(start=0, trough=1, end=2, depth=pytest.approx(-0.1)),
    ]
    assert worst_drawdowns(times, equity, k=1) == dds[:1]
    assert worst_drawdowns(times[:3], np.array([1.0, 2.0, 3.0])) == []
    assert all(d.depth <= 0 for d in dds)


def test_rolling_sharpe_and_volatility_over_full_windows() -> None:
    n = 200
    times = utc("2024-01-01T00:00:00") + np.arange(n) * DAY
    rets = np.random.default_rng(9).normal(0.001, 0.02, n)
    equity = 100 * np.cumprod(1 + rets)
    days, sharpe = rolling_sharpe(times, equity, window_days=30)
    _, vol = rolling_volatility(times, equity, window_days=30)
    assert days.shape == sharpe.shape == vol.shape == (n - 29,)
    # The last window holds the last 30 daily returns.
    from upbit_auto_trading.domain.analysis.returns import daily_returns

    starts, daily = daily_returns(times, equity)
    last = daily[-30:]
    assert days[-1] == starts[-1]
    assert sharpe[-1] == pytest.approx(last.mean() / last.std(ddof=1) * math.sqrt(365))
    assert vol[-1] == pytest.approx(last.std(ddof=1) * math.sqrt(365))


def test_rolling_sharpe_is_nan_while_flat_and_empty_when_too_short() -> None:
    times = utc("2024-01-01T00:00:00") + np.arange(10) * DAY
    _, s = rolling_sharpe(times, np.full(10, 100.0), window_days=5)
    assert np.isnan(s).all()
    days, s = rolling_sharpe(times, np.full(10, 100.0), window_days=90)
    assert days.shape == s.shape == (0,)
    with pytest.raises(ValueError):
        rolling_volatility(times, np.full(10, 100.0), window_days=1)


def test_worst_drawdowns_on_a_long_random_curve_are_consistent_episodes() -> None:
    rng = np.random.default_rng(21)
    equity = 1000 * np.cumprod(1 + rng.normal(0, 0.01, 20_000))
    times = np.arange(equity.shape[0])
    dds = worst_drawdowns(times, equity, k=10)
    peak = np.maximum.accumulate(equity)
    assert dds[0].depth == pytest.approx((equity / peak - 1).min())
    spans = sorted((d.start, d.end if d.end is not None else equity.shape[0]) for d in dds)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:], strict=False))
    for d in dds:
        assert equity[d.start] == peak[d.start]  # it starts at a running peak
        assert d.depth == pytest.approx(equity[d.trough] / equity[d.start] - 1)
        window = equity[d.start : d.end if d.end is not None else None]
        assert equity[d.trough] == window.min()
        if d.end is not None:
            assert equity[d.end] >= equity[d.start] > equity[d.end - 1]
