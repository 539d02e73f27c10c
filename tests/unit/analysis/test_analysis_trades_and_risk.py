"""Trade statistics, breakdowns, histograms, exposure and the daily risk figures, on real engine runs."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pytest

from upbit_auto_trading.domain.analysis.breakdowns import ENTRY_SIGNAL_LABEL, breakdowns, entry_trigger_labels
from upbit_auto_trading.domain.analysis.distributions import (
    HOLDING_EDGES,
    exposure_timeline,
    holding_histogram,
    return_histogram,
)
from upbit_auto_trading.domain.analysis.risk import (
    DailyRisk,
    historical_cvar,
    historical_var,
    omega_ratio,
    ulcer_index,
)
from upbit_auto_trading.domain.analysis.trade_stats import TradeStats, longest_streaks, system_quality_number
from upbit_auto_trading.domain.backtest import BacktestSettings, EngineRules, run_backtest
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays

DAY = 86_400
# 2024-01-01 00:00 UTC = 09:00 KST on a Monday.
MONDAY = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp())


def run(closes: list[float], entries: list[int], exits: list[int], *, step: int = DAY, rules=None):  # noqa: ANN001, ANN201
    c = np.asarray(closes, dtype=np.float64)
    n = c.shape[0]
    start = MONDAY + np.arange(n, dtype=np.int64) * step
    candles = CandleArrays("X-Y", "1d" if step == DAY else "1h", start, c, c, c, c, np.ones(n), c)
    e = np.zeros(n, bool)
    x = np.zeros(n, bool)
    e[entries] = True
    x[exits] = True
    settings = BacktestSettings.for_non_krw(
        initial_capital=Decimal(1000), fee_rate=Decimal(0), quantity_step=None
    )
    return run_backtest(candles, e, x, strategy=rules or EngineRules(), settings=settings)


# Trades (signal on a close, fill at the next open = that candle's close here):
#   1: buy 100 (bar 1), sell 110 (bar 3) +10 %   2: buy 100 (bar 5), sell 120 (bar 7) +20 %
#   3: buy 100 (bar 9), sell 90 (bar 11) -10 %   4: buy 100 (bar 13), sell 95 (bar 15) -5 %
#   5: buy 100 (bar 17), sell 105 (bar 19) +5 %
CLOSES = [100, 100, 105, 110, 100, 100, 110, 120, 100, 100, 95, 90, 100, 100, 97, 95, 100, 100, 102, 105, 100]
ENTRIES = [0, 4, 8, 12, 16]
EXITS = [2, 6, 10, 14, 18]


def test_trade_stats_by_hand() -> None:
    res = run(CLOSES, ENTRIES, EXITS)
    assert res.trade_arrays.return_.tolist() == pytest.approx([0.10, 0.20, -0.10, -0.05, 0.05])
    stats = TradeStats.of(res.trade_arrays, res.candles.start)
    assert (stats.closed, stats.wins, stats.losses) == (5, 3, 2)
    assert (stats.longest_win_streak, stats.longest_loss_streak) == (2, 2)
    # P&L: the whole account goes in each time: 1000 -> 1100 -> 1320 -> 1188 -> 1128.6 -> 1185.03
    assert stats.expectancy_pnl == pytest.approx((1185.03 - 1000) / 5)
    assert stats.payoff_ratio == pytest.approx((0.35 / 3) / 0.075)
    r = np.array([0.10, 0.20, -0.10, -0.05, 0.05])
    assert stats.sqn == pytest.approx(math.sqrt(5) * r.mean() / r.std(ddof=1))
    assert stats.average_holding_seconds == 2 * DAY and stats.longest_holding_seconds == 2 * DAY
    # The run metrics keep what they already had (not duplicated here).
    assert res.metrics.win_rate == pytest.approx(0.6)


def test_streaks_and_sqn_cap() -> None:
    assert longest_streaks(np.array([1, 2, -1, 3, 4, 5, 0, -1, -2, -3, -4])) == (3, 4)
    assert longest_streaks(np.array([])) == (0, 0)
    r = np.tile([0.02, -0.01], 200)  # 400 trades
    assert system_quality_number(r) == pytest.approx(
        10 * r.mean() / r.std(ddof=1)
    )  # sqrt(100), not sqrt(400)
    assert system_quality_number(np.array([0.01])) is None
    assert system_quality_number(np.array([0.01, 0.01])) is None


def test_no_closed_trade_gives_empty_stats() -> None:
    res = run([100, 100, 110, 120], [0], [])
    stats = TradeStats.of(res.trade_arrays, res.candles.start)
    assert stats.closed == 0 and stats.sqn is None and stats.expectancy_pnl is None


def test_breakdowns_by_reason_weekday_hour_month_and_trigger() -> None:
    # Trade 3 (bought at 100 on bar 9) opens bar 10 at 95, below its 4 % stop: stopped at that open.
    rules = EngineRules(stop_loss=0.04)
    res = run(CLOSES, ENTRIES, EXITS, rules=rules)
    b = breakdowns(res.trade_arrays, res.candles.start)
    reasons = {x.key: x for x in b.by_exit_reason}
    assert reasons["exit_signal"].trades == 4 and reasons["stop_loss"].trades == 1
    assert reasons["stop_loss"].mean_return == pytest.approx(-0.05)
    assert reasons["stop_loss"].profit_factor == 0.0  # losses only
    assert reasons["stop_loss"].win_rate == 0.0
    # Entries on bars 1, 5, 9, 13, 17 from Monday 2024-01-01 09:00 KST: Tue, Sat, Wed, Sun, Thu.
    assert [(x.label, x.trades) for x in b.by_weekday] == [
        ("Tue", 1), ("Wed", 1), ("Thu", 1), ("Sat", 1), ("Sun", 1)
    ]  # fmt: skip
    assert [(x.label, x.trades) for x in b.by_hour] == [("09:00", 5)]
    assert [(x.key, x.trades) for x in b.by_month] == [("2024-01", 5)]
    assert [(x.key, x.trades) for x in b.by_entry_trigger] == [(ENTRY_SIGNAL_LABEL, 5)]
    total = sum(x.pnl for x in b.by_weekday)
    assert total == pytest.approx(float(np.nansum(res.trade_arrays.pnl)))


def test_entry_trigger_is_the_group_true_on_the_deciding_close() -> None:
    n = 10
    rsi = np.zeros(n, bool)
    cross = np.zeros(n, bool)
    rsi[[0, 4]] = True
    cross[[4, 7]] = True
    labels = entry_trigger_labels(np.array([1, 5, 8, 3]), [("RSI < 30", rsi), ("Golden cross", cross)])
    assert labels == ["RSI < 30", "RSI < 30 | Golden cross", "Golden cross", ENTRY_SIGNAL_LABEL]
    assert entry_trigger_labels(np.array([1, 2]), None) == [ENTRY_SIGNAL_LABEL] * 2


def test_histograms_and_exposure() -> None:
    h = holding_histogram(np.array([10, 3600, 3 * 3600, 5 * DAY, 200 * DAY]))
    assert len(h) == len(HOLDING_EDGES)
    counts = {(b.low, b.high): b.count for b in h}
    assert counts[(0, 3600)] == 1 and counts[(3600, 4 * 3600)] == 2 and counts[(4 * DAY, 7 * DAY)] == 1
    assert h[-1].high is None and h[-1].count == 1
    assert sum(b.count for b in h) == 5
    r = return_histogram(np.array([-0.1, 0.0, 0.1, 0.1]), bins=4)
    assert [b.count for b in r] == [1, 0, 1, 2]
    assert r[0].low == pytest.approx(-0.1) and r[-1].high == pytest.approx(0.1)
    assert return_histogram(np.array([])) == []
    res = run(CLOSES, ENTRIES, EXITS)
    x = exposure_timeline(res.position, res.candles.close, res.equity)
    assert x[0] == 0.0 and x[1] == pytest.approx(1.0) and x[3] == 0.0


def test_omega_ulcer_var_cvar_by_hand() -> None:
    daily = np.array([0.02, -0.01, 0.03, -0.02, 0.0, 0.01, -0.04, 0.02, 0.01, -0.01,
                      0.02, 0.01, -0.03, 0.0, 0.01, 0.02, -0.01, 0.01, 0.0, 0.02])  # fmt: skip
    assert omega_ratio(daily) == pytest.approx(0.18 / 0.12)
    assert omega_ratio(np.array([0.01, 0.02])) is None
    # 20 days: the 5 % quantile taken as an observed day is the worst day.
    assert historical_var(daily) == pytest.approx(-0.04)
    assert historical_cvar(daily) == pytest.approx(-0.04)
    many = np.linspace(-0.05, 0.05, 101)  # -0.05, -0.049, ... : 5 % of 101 days lie at or below -0.045
    assert historical_var(many) == pytest.approx(-0.045)
    assert historical_cvar(many) == pytest.approx(np.mean(many[:6]))
    closes = np.array([100, 110, 99, 110, 121.0])
    dd = np.array([0, 0, -0.1, 0, 0])
    assert ulcer_index(closes) == pytest.approx(math.sqrt(np.mean(dd**2)))


def test_daily_risk_collects_the_figures() -> None:
    rng = np.random.default_rng(11)
    daily = rng.normal(0.001, 0.02, 500)
    closes = 1000 * np.cumprod(1 + daily)
    risk = DailyRisk.of(daily, closes)
    assert risk.days == 500
    assert risk.sharpe == pytest.approx(daily.mean() / daily.std(ddof=1) * math.sqrt(365))
    assert 0 < risk.psr < 1 and risk.kurtosis == pytest.approx(3.0, abs=0.6)
    assert risk.var_95 < 0 and risk.cvar_95 <= risk.var_95
    flat = DailyRisk.of(np.zeros(5), np.full(5, 1000.0))
    assert flat.sharpe is None and flat.psr is None and flat.omega is None and flat.ulcer_index == 0.0
