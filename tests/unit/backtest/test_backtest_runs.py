"""Whole runs: no look-ahead, determinism, progress/cancel, the 7-rule sample, storable records."""

from __future__ import annotations

import json
from decimal import Decimal

import numpy as np
import pytest

from upbit_auto_trading.domain.backtest import (
    BacktestCancelled,
    BacktestInputError,
    BacktestRecord,
    BacktestSettings,
    EngineRules,
    backtest_strategy,
    candle_hash,
    make_record,
    result_hash,
    run_backtest,
    same_result,
    strategy_signals,
)
from upbit_auto_trading.domain.backtest.sample_signals import basic_7_rule_signals
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.strategy import load_sample_strategy
from upbit_auto_trading.domain.work import CancelToken, Progress


def synthetic(n: int, seed: int = 7, sigma: float = 0.02) -> CandleArrays:
    """KRW-like random walk candles: open = previous close, ragged highs and lows, rounded to 1 KRW."""
    rng = np.random.default_rng(seed)
    cycle = 0.6 * sigma * np.sin(np.arange(n) * 2 * np.pi / 90)  # swings that push RSI to its extremes
    close = np.round(50_000_000 * np.exp(np.cumsum(rng.normal(0, sigma, n) + cycle)))
    open_ = np.r_[close[0], close[:-1]]
    high = np.maximum(open_, close) * (1 + rng.uniform(0, sigma, n))
    low = np.minimum(open_, close) * (1 - rng.uniform(0, sigma, n))
    start = 1_600_000_000 + np.arange(n, dtype=np.int64) * 3600
    return CandleArrays(
        "KRW-BTC", "1h", start, open_, np.round(high), np.round(low), close, np.ones(n), close
    )


MARKET_REASONS = (1, 2, 3, 8, 9)  # fills at an open, decided on the previous close


def decisions_before(res, cut: int) -> list[tuple[int, int]]:
    """(bar, reason) of every fill before the cut plus the market orders decided on the candle before it."""
    f = res.fills
    keep = (f.bar < cut) | ((f.bar == cut) & np.isin(f.reason, MARKET_REASONS))
    return list(zip(f.bar[keep].tolist(), f.reason[keep].tolist(), strict=True))


def seven_rule(candles: CandleArrays, **kw):
    strategy = load_sample_strategy()
    return backtest_strategy(candles, strategy, basic_7_rule_signals(candles.close), BacktestSettings(), **kw)


def test_seven_rule_sample_runs_with_adds_and_several_exit_reasons() -> None:
    res = seven_rule(synthetic(6000))
    reasons = {f.reason for f in res.fills_list()}
    assert {"entry_signal", "scale_in", "pyramid", "trailing_stop", "exit_signal"} <= reasons
    m = res.metrics
    assert m.trades >= 10
    assert m.fees == pytest.approx(float(res.fills.fee.sum()))
    assert res.metrics.final_equity == pytest.approx(float(res.equity[-1]))
    # every fill is on the KRW tick grid and above the minimum order total
    assert np.all(res.fills.price % 1000 == 0)
    assert np.all(res.fills.price * res.fills.quantity >= 5000 - 1e-6)
    # cash never goes negative: equity minus position value
    cash = res.equity - res.position * res.candles.close
    assert cash.min() > -1e-6


def test_no_look_ahead_altering_future_candles_keeps_earlier_decisions() -> None:
    base = synthetic(3000, seed=11)
    full = seven_rule(base)
    for cut in (700, 1500, 2400):
        rng = np.random.default_rng(cut)
        k = np.arange(len(base)) >= cut
        scale = np.where(k, rng.uniform(0.5, 1.5, len(base)), 1.0)
        wide = np.where(k, 1.01, 1.0)
        altered = CandleArrays(
            base.market, base.timeframe, base.start, base.open * scale, base.high * scale * wide,
            base.low * scale / wide, base.close * scale, base.volume, base.quote_volume,
        )  # fmt: skip
        other = seven_rule(altered)
        # fills in candles before the cut are identical; the equity up to the cut too
        a = full.fills.bar < cut
        b = other.fills.bar < cut
        assert a.sum() == b.sum() > 0
        for col in ("bar", "reason", "price", "quantity", "fee"):
            np.testing.assert_array_equal(getattr(full.fills, col)[a], getattr(other.fills, col)[b])
        np.testing.assert_array_equal(full.equity[:cut], other.equity[:cut])
        assert decisions_before(full, cut) == decisions_before(other, cut)


def test_deterministic_and_identical_compiled_or_python() -> None:
    c = synthetic(1500, seed=3)
    strategy = load_sample_strategy()
    sig = strategy_signals(strategy, basic_7_rule_signals(c.close), len(c))
    runs = [
        run_backtest(c, sig.entry, sig.exit, strategy=strategy, compiled=True),
        run_backtest(c, sig.entry, sig.exit, strategy=strategy, compiled=True, chunk_candles=97),
        run_backtest(c, sig.entry, sig.exit, strategy=strategy, compiled=False),
    ]
    hashes = {result_hash(r.fills, r.equity) for r in runs}
    assert len(hashes) == 1
    assert len(runs[0].fills) > 5


def test_progress_reports_and_cancel_stops() -> None:
    c = synthetic(1000)
    seen: list[tuple[float, float]] = []
    res = seven_rule(c, progress=lambda p: seen.append((p.done, p.total)))
    assert res is not None
    token = CancelToken()

    def cancel_midway(p: Progress) -> None:
        if p.done >= 300:
            token.cancel()

    strategy = load_sample_strategy()
    sig = strategy_signals(strategy, basic_7_rule_signals(c.close), len(c))
    with pytest.raises(BacktestCancelled):
        run_backtest(c, sig.entry, sig.exit, strategy=strategy, progress=cancel_midway, cancel=token,
                     chunk_candles=100)  # fmt: skip
    assert seen[-1] == (1000, 1000)
    res = run_backtest(
        c, sig.entry, sig.exit, strategy=strategy, progress=seen.append and None, chunk_candles=100
    )
    assert len(res.equity) == 1000


def test_record_serialises_and_proves_an_identical_rerun() -> None:
    c = synthetic(2000, seed=5)
    strategy = load_sample_strategy()
    sig = strategy_signals(strategy, basic_7_rule_signals(c.close), len(c))
    settings = BacktestSettings(initial_capital=Decimal(5_000_000), slippage_rate=Decimal("0.0002"))
    res = run_backtest(c, sig.entry, sig.exit, strategy=strategy, settings=settings)
    record = make_record(res, strategy, sig.entry, sig.exit)
    stored = json.loads(record.to_json())
    back = BacktestRecord.from_dict(stored)
    assert back == record
    assert back.candle_hash == candle_hash(c)
    assert back.strategy_hash == strategy.content_hash()
    assert back.data_start == "2020-09-13T12:26:40Z" and back.candle_count == 2000
    rerun = run_backtest(
        c, sig.entry, sig.exit, strategy=back.strategy_object(), settings=back.settings_object()
    )
    assert same_result(back, rerun)
    other = run_backtest(c, sig.entry, sig.exit, strategy=strategy, settings=BacktestSettings())
    assert not same_result(back, other)
    summary = back.summary()
    assert set(summary) == {"metrics", "final_equity", "trades", "warnings"}
    first = summary["trades"][0]
    assert {"entry_time", "entry_price", "exit_time", "exit_price", "quantity", "fee", "exit_reason"} <= set(
        first
    )
    assert first["entry_time"].endswith("Z")


def test_input_errors_are_specific() -> None:
    c = synthetic(10)
    with pytest.raises(BacktestInputError, match="entry signal"):
        run_backtest(c, np.zeros(9, bool), strategy=EngineRules())
    with pytest.raises(BacktestInputError, match="exit triggers"):
        run_backtest(c, np.zeros(10, bool), None, strategy=load_sample_strategy())
    with pytest.raises(BacktestInputError, match="No candles"):
        run_backtest(c.slice(0, 0), np.zeros(0, bool), strategy=EngineRules())
    bad = CandleArrays(
        c.market, c.timeframe, c.start, c.open, c.high, c.low * 0, c.close, c.volume, c.quote_volume
    )
    with pytest.raises(BacktestInputError, match="low"):
        run_backtest(bad, np.zeros(10, bool), strategy=EngineRules())
    with pytest.raises(BacktestInputError, match="fee"):
        BacktestSettings(fee_rate=Decimal("0.5"))
    with pytest.raises(BacktestInputError, match="No signal array"):
        backtest_strategy(c, load_sample_strategy(), {})


def test_the_look_ahead_check_catches_a_peeking_signal() -> None:
    """Sanity check of the test above: a signal that reads the next close does change earlier decisions."""
    base = synthetic(3000, seed=11)

    def peeking(c: CandleArrays) -> np.ndarray:
        nxt = np.r_[c.close[1:], c.close[-1]]
        return nxt < c.close * 0.99  # "the next close is lower": uses the future

    rules = EngineRules(time_exit_candles=1)
    settings = BacktestSettings.for_non_krw(quantity_step=None)
    a = run_backtest(base, peeking(base), None, strategy=rules, settings=settings)
    caught = 0
    for cut in range(1500, 1510):
        scale = np.where(np.arange(len(base)) >= cut, 0.7, 1.0)
        altered = CandleArrays(
            base.market, base.timeframe, base.start, base.open * scale, base.high * scale, base.low * scale,
            base.close * scale, base.volume, base.quote_volume,
        )  # fmt: skip
        b = run_backtest(altered, peeking(altered), None, strategy=rules, settings=settings)
        caught += decisions_before(a, cut) != decisions_before(b, cut)
    assert caught >= 3
