"""``analyse(result)``: the whole analysis of one engine run, consistent with the run's own metrics."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pytest

from upbit_auto_trading.domain.analysis.run_analysis import analyse
from upbit_auto_trading.domain.backtest import BacktestSettings, EngineRules, run_backtest
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays

HOUR = 3600


def hourly_run(n: int = 24 * 200, seed: int = 4):  # noqa: ANN201
    rng = np.random.default_rng(seed)
    close = 100 * np.cumprod(1 + rng.normal(0.0002, 0.01, n))
    start = int(datetime(2023, 11, 1, tzinfo=UTC).timestamp()) + np.arange(n, dtype=np.int64) * HOUR
    candles = CandleArrays(
        "KRW-BTC", "1h", start, close, close * 1.005, close * 0.995, close, np.ones(n), close
    )
    fast = np.convolve(close, np.ones(10) / 10, mode="full")[:n]
    slow = np.convolve(close, np.ones(40) / 40, mode="full")[:n]
    above = fast > slow
    entry = above & ~np.r_[False, above[:-1]]
    exit_ = ~above & np.r_[False, above[:-1]]
    entry[:40] = exit_[:40] = False
    settings = BacktestSettings.for_non_krw(initial_capital=Decimal(1_000_000), fee_rate=Decimal("0.0005"),
                                            quantity_step=None)  # fmt: skip
    result = run_backtest(candles, entry, exit_, strategy=EngineRules(stop_loss=0.03), settings=settings)
    return result, entry


def test_analysis_is_consistent_with_the_run() -> None:
    result, entry = hourly_run()
    a = analyse(result, [("Golden cross", entry)])
    m = result.metrics
    assert a.metrics is m
    assert a.final_equity == pytest.approx(m.final_equity)
    # Calendar returns chain to the run's total return.
    assert np.prod([1 + x.ret for x in a.monthly]) - 1 == pytest.approx(m.total_return)
    assert np.prod([1 + x.ret for x in a.yearly]) - 1 == pytest.approx(m.total_return)
    assert np.prod(1 + a.daily) - 1 == pytest.approx(m.total_return)
    assert [(x.year, x.month) for x in a.monthly][:2] == [(2023, 11), (2023, 12)]
    # 200 days of hourly candles from 09:00 KST: 201 KST calendar days are touched.
    assert a.daily.shape[0] == 201
    # The deepest drawdown episode is the run's maximum drawdown.
    assert a.worst_drawdowns[0].depth == pytest.approx(m.max_drawdown)
    assert len(a.worst_drawdowns) == 5
    assert [d.depth for d in a.worst_drawdowns] == sorted(d.depth for d in a.worst_drawdowns)
    # Trades: every closed one is in each breakdown once.
    closed = m.trades
    assert closed > 10
    for part in (
        a.breakdowns.by_exit_reason,
        a.breakdowns.by_weekday,
        a.breakdowns.by_hour,
        a.breakdowns.by_month,
    ):
        assert sum(b.trades for b in part) == closed
    assert {b.key for b in a.breakdowns.by_exit_reason} <= {"stop_loss", "exit_signal"}
    assert [b.key for b in a.breakdowns.by_entry_trigger] == ["Golden cross"]
    assert sum(b.count for b in a.holding_histogram) == closed
    assert sum(b.count for b in a.return_histogram) == closed
    assert a.trades.closed == closed
    # Daily risk uses 365-day annualisation on the KST daily returns.
    assert a.risk.sharpe == pytest.approx(a.daily.mean() / a.daily.std(ddof=1) * math.sqrt(365))
    assert a.rolling_days.shape[0] == a.daily.shape[0] - 89
    assert a.exposure.shape == result.equity.shape
    assert np.nanmax(a.exposure) <= 1.0 + 1e-9 and np.nanmin(a.exposure) >= 0.0
    assert a.buy_and_hold is not None


def test_the_analysis_as_json() -> None:
    result, _ = hourly_run(24 * 120)
    a = analyse(result)
    doc = json.loads(json.dumps(a.to_dict(series=True)))
    assert doc["market"] == "KRW-BTC" and doc["metrics"]["trades"] == result.metrics.trades
    assert doc["worst_drawdowns"][0]["start"].endswith("Z")
    assert doc["daily"][0]["day"] == "2023-10-31T15:00:00Z"  # 2023-11-01 00:00 KST
    assert len(doc["rolling"]["points"]) == len(doc["daily"]) - 89
    assert doc["breakdowns"]["by_entry_trigger"][0]["key"] == "entry signal"
    assert "daily" not in a.to_dict()


def test_a_run_without_trades_or_closes() -> None:
    n = 48
    c = np.full(n, np.nan)
    start = 1_700_000_000 + np.arange(n, dtype=np.int64) * HOUR
    candles = CandleArrays("X-Y", "1h", start, c, c, c, c, np.ones(n), c)
    result, _ = hourly_run(n)
    blind = type(result)(
        candles, result.settings, result.rules, result.fills, result.equity, result.position, 0
    )
    a = analyse(blind)
    assert a.buy_and_hold is None
    assert a.trades.closed == result.metrics.trades
    assert np.isnan(a.exposure).all()  # unknown closes: unknown exposure, not zero
    assert a.final_equity == pytest.approx(result.final_equity)
    json.dumps(a.to_dict(series=True))
