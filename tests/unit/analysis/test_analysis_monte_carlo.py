"""Monte Carlo of a run's trades: order shuffling and bootstrap, seeded and reproducible."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from upbit_auto_trading.domain.analysis.monte_carlo import Method, account_returns, simulate
from upbit_auto_trading.domain.backtest import BacktestSettings, EngineRules, run_backtest
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays


def test_shuffling_keeps_the_final_equity_and_moves_the_drawdown() -> None:
    r = np.array([0.10, -0.05, 0.02, -0.10, 0.07, -0.03, 0.04])
    mc = simulate(r, 1000.0, method=Method.SHUFFLE, paths=500, seed=42)
    final = 1000.0 * np.prod(1 + r)
    assert mc.final_equity.p5 == pytest.approx(final) and mc.final_equity.p95 == pytest.approx(final)
    assert mc.actual_final_equity == pytest.approx(final)
    # In real order: peak 1100 -> 1045 -> 1065.9 -> 959.31: -12.79 % from the peak.
    assert mc.actual_max_drawdown == pytest.approx(959.31 / 1100 - 1)
    # The deepest possible order puts every loss in a row after the gains: 1 - 0.95 * 0.90 * 0.97.
    worst = 0.95 * 0.90 * 0.97 - 1
    assert (
        worst - 1e-12 <= mc.max_drawdown.p5 <= mc.max_drawdown.median <= mc.max_drawdown.p95 <= -0.03 + 1e-12
    )
    assert mc.max_drawdown.p5 < mc.actual_max_drawdown < mc.max_drawdown.p95
    assert mc.loss_probability == 0.0
    assert (mc.trades, mc.paths, mc.seed) == (7, 500, 42)


def test_bootstrap_loss_probability_matches_the_binomial_odds() -> None:
    """Two trades, +50 % and -50 %: drawing two with replacement ends at 2.25, 0.75, 0.75 or 0.25 times the
    start, so P(loss of 20 % or more) = 3/4 and the median path ends at 0.75."""
    mc = simulate(
        np.array([0.5, -0.5]), 100.0, method=Method.BOOTSTRAP, paths=20_000, seed=3, loss_threshold=0.2
    )
    assert mc.loss_probability == pytest.approx(0.75, abs=0.01)
    assert mc.final_equity.median == pytest.approx(75.0)
    assert mc.final_equity.p5 == pytest.approx(25.0) and mc.final_equity.p95 == pytest.approx(225.0)
    assert mc.total_return.median == pytest.approx(-0.25)
    strict = simulate(
        np.array([0.5, -0.5]), 100.0, method=Method.BOOTSTRAP, paths=20_000, seed=3, loss_threshold=0.8
    )
    assert strict.loss_probability == 0.0


def test_same_seed_same_result_and_an_unseeded_run_reports_its_seed() -> None:
    r = np.random.default_rng(0).normal(0.01, 0.05, 50)
    a = simulate(r, 1.0, method=Method.BOOTSTRAP, paths=300, seed=7)
    b = simulate(r, 1.0, method=Method.BOOTSTRAP, paths=300, seed=7)
    c = simulate(r, 1.0, method=Method.BOOTSTRAP, paths=300, seed=8)
    assert a == b and a != c
    free = simulate(r, 1.0, method=Method.BOOTSTRAP, paths=300)
    assert simulate(r, 1.0, method=Method.BOOTSTRAP, paths=300, seed=free.seed) == free


def test_chunking_does_not_change_the_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    from upbit_auto_trading.domain.analysis import monte_carlo

    r = np.random.default_rng(1).normal(0.0, 0.05, 40)
    whole = simulate(r, 1.0, method=Method.SHUFFLE, paths=100, seed=5)
    monkeypatch.setattr(monte_carlo, "_CHUNK_ELEMENTS", 400)  # ten paths per block
    parts = simulate(r, 1.0, method=Method.SHUFFLE, paths=100, seed=5)
    assert parts.final_equity == whole.final_equity
    assert parts.max_drawdown.median == pytest.approx(whole.max_drawdown.median, abs=0.05)


def test_refuses_an_empty_run_and_bad_arguments() -> None:
    with pytest.raises(ValueError):
        simulate(np.array([]), 1.0)
    with pytest.raises(ValueError):
        simulate(np.array([0.1]), 1.0, paths=0)
    with pytest.raises(ValueError):
        simulate(np.array([0.1]), 1.0, loss_threshold=1.5)


def test_account_returns_scale_a_trade_by_the_share_of_equity_it_used() -> None:
    c = np.array([100, 100, 120, 120, 120, 100, 100.0])
    n = c.shape[0]
    candles = CandleArrays("X-Y", "1d", 1_600_000_000 + np.arange(n) * 86400, c, c, c, c, np.ones(n), c)
    e = np.zeros(n, bool)
    x = np.zeros(n, bool)
    e[[0, 3]] = True
    x[[1, 4]] = True
    settings = BacktestSettings.for_non_krw(
        initial_capital=Decimal(1000), fee_rate=Decimal(0), quantity_step=None
    )
    res = run_backtest(candles, e, x, strategy=EngineRules(sizing_cash_fraction=0.5), settings=settings)
    # Trade 1: 500 at 100 -> 120 = +100 on 1000 (+10 %); trade 2: 550 at 120 -> 100 = -91.67 on 1100.
    assert res.trade_arrays.return_.tolist() == pytest.approx([0.2, -1 / 6])
    acc = account_returns(res.trade_arrays, res.equity, res.start_equity)
    assert acc.tolist() == pytest.approx([0.1, -(550 / 6) / 1100])
    # Compounded they give the run's final equity.
    assert 1000 * np.prod(1 + acc) == pytest.approx(res.final_equity)
