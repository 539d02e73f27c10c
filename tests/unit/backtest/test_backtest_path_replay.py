"""The path replay (domain/backtest/path_replay.py): a run's decisions kept on the coarse closes, the insides of
each candle walked along finer candles."""

from __future__ import annotations

import importlib.util
import math
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from upbit_auto_trading.domain.backtest import (
    BacktestCancelled,
    BacktestInputError,
    BacktestSettings,
    EngineRules,
    FillReason,
    result_hash,
    run_backtest,
)
from upbit_auto_trading.domain.backtest.path_replay import fine_path, replay_path
from upbit_auto_trading.domain.backtest.settings import IntrabarOrder
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.work import CancelToken, Progress

R = FillReason
Row = tuple[float, float, float, float]


def load_finer() -> ModuleType:
    name = "finer_candles"
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[2] / "support" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


finer = load_finer()


def hours(rows: list[Row], market: str = "X-Y") -> CandleArrays:
    a = np.asarray(rows, dtype=np.float64)
    start = np.arange(len(rows), dtype=np.int64) * 3600 + 1_700_000_000
    return CandleArrays(market, "1h", start, a[:, 0], a[:, 1], a[:, 2], a[:, 3], np.ones(len(rows)), a[:, 3])


def walk(n: int, seed: int) -> CandleArrays:
    """KRW-BTC-like hours with wide candles: stops, profits, both in one candle, and gaps all happen."""
    rng = np.random.default_rng(seed)
    close = np.round(50_000_000 * np.exp(np.cumsum(rng.normal(0, 0.01, n))))
    open_ = np.round(np.r_[close[0], close[:-1]] * (1 + rng.normal(0, 0.003, n)))
    high = np.round(np.maximum(open_, close) * (1 + rng.uniform(0, 0.01, n)))
    low = np.round(np.minimum(open_, close) * (1 - rng.uniform(0, 0.01, n)))
    start = 1_600_000_000 + np.arange(n, dtype=np.int64) * 3600
    return CandleArrays("KRW-BTC", "1h", start, open_, high, low, close, np.ones(n), close)


def random_rules(rng: np.random.Generator, trailing: bool) -> EngineRules:
    def maybe(lo: float, hi: float) -> float:
        return float(rng.uniform(lo, hi)) if rng.random() < 0.8 else math.nan

    return EngineRules(
        stop_loss=maybe(0.003, 0.02), take_profit=maybe(0.003, 0.03),
        trailing_activate=maybe(0.001, 0.01) if trailing else math.nan,
        trailing_distance=float(rng.uniform(0.001, 0.01)), pyramid_drop=float(rng.uniform(0.001, 0.01)),
        pyramid_max=int(rng.integers(0, 3)), pyramid_size=float(rng.uniform(0.1, 1.0)),
        scale_in_rise=float(rng.uniform(0.001, 0.01)), scale_in_max=int(rng.integers(0, 3)),
        scale_in_size=float(rng.uniform(0.1, 1.0)), partial_profit=maybe(0.001, 0.01),
        partial_sell=float(rng.uniform(0.1, 1.0)), time_exit_candles=int(rng.integers(0, 40)),
        cooldown_candles=int(rng.integers(0, 5)), priority_policy=bool(rng.random() < 0.5),
        sizing_fixed_amount=None if rng.random() < 0.5 else float(rng.uniform(3_000, 3_000_000)),
    )  # fmt: skip


def krw(seed: int, order: IntrabarOrder = IntrabarOrder.STOP_FIRST) -> BacktestSettings:
    if seed % 2:
        return BacktestSettings(initial_capital=Decimal("10000000"), slippage_rate=Decimal("0.0005"),
                                intrabar_order=order)  # fmt: skip
    return BacktestSettings.for_non_krw(initial_capital=Decimal("10000000"), intrabar_order=order)


def same(a, b) -> bool:  # noqa: ANN001
    return result_hash(a.fills, a.equity) == result_hash(b.fills, b.equity)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("compiled", [True, False])
def test_replaying_the_run_on_its_own_candles_is_the_run_bit_for_bit(seed: int, compiled: bool) -> None:
    """Every rule, trailing stop included: the replay adds no rule of its own."""
    rng = np.random.default_rng(seed)
    c = walk(1500, seed)
    entry, exit_ = rng.random(len(c)) < 0.05, rng.random(len(c)) < 0.03
    rules = random_rules(rng, trailing=True)
    run = run_backtest(c, entry, exit_, strategy=rules, settings=krw(seed), compiled=compiled)
    replay = replay_path(c, fine_path(c, c), entry, exit_, rules=rules, settings=krw(seed), compiled=compiled)
    assert len(run.fills) > 20
    assert same(run, replay.result)
    np.testing.assert_array_equal(run.position, replay.result.position)
    assert (run.refused_orders, run.ambiguous_candles) == (replay.result.refused_orders,
                                                           replay.result.ambiguous_candles)  # fmt: skip
    assert replay.path.candles_covered == len(c) and replay.path.candles_mismatched == 0


@pytest.mark.parametrize("seed", range(6))
def test_a_path_that_goes_up_first_is_the_take_profit_first_run_and_down_first_the_stop_first_run(
    seed: int,
) -> None:
    """Without a trailing stop (whose high moves per finer candle) the finer path decides exactly as the
    matching intrabar order does: 15-minute candles tracing open, high, low, close give the take-profit-first
    run; open, low, high, close the stop-first run."""
    rng = np.random.default_rng(50 + seed)
    c = walk(1500, seed)
    entry, exit_ = rng.random(len(c)) < 0.05, rng.random(len(c)) < 0.03
    rules = random_rules(rng, trailing=False)
    stop = run_backtest(c, entry, exit_, strategy=rules, settings=krw(seed))
    profit = run_backtest(
        c, entry, exit_, strategy=rules, settings=krw(seed, IntrabarOrder.TAKE_PROFIT_FIRST)
    )
    up = fine_path(c, finer.split_candles(c, "15m", True))
    down = fine_path(c, finer.split_candles(c, "15m", False))
    assert up.candles_mismatched == down.candles_mismatched == 0
    up_run = replay_path(c, up, entry, exit_, rules=rules, settings=krw(seed)).result
    down_run = replay_path(c, down, entry, exit_, rules=rules, settings=krw(seed)).result
    assert same(up_run, profit) and same(down_run, stop)
    assert up_run.ambiguous_candles == down_run.ambiguous_candles == 0  # the finer path left nothing open
    if stop.ambiguous_candles:
        assert not same(stop, profit)


def test_the_path_replay_follows_each_candle_its_own_way() -> None:
    """A falling hour went up first (the take-profit), a rising one down first (the stop)."""
    rules = EngineRules(stop_loss=0.05, take_profit=0.10)
    rows: list[Row] = [(100, 100, 100, 100), (100, 101, 99, 100), (100, 120, 80, 90), (90, 90, 90, 90),
                       (90, 90, 90, 90), (100, 100, 100, 100), (100, 120, 80, 110), (110, 110, 110, 110)]  # fmt: skip
    c = hours(rows)
    entry = np.zeros(len(c), dtype=bool)
    entry[[0, 4]] = True
    cfg = BacktestSettings.for_non_krw(initial_capital=Decimal(1000), fee_rate=Decimal(0), quantity_step=None)
    run = run_backtest(c, entry, None, strategy=rules, settings=cfg)
    replay = replay_path(c, fine_path(c, finer.split_candles(c, "15m", finer.bearish_high_first(c))), entry,
                         None, rules=rules, settings=cfg).result  # fmt: skip

    def level_exits(res) -> list[tuple[int, int, float]]:  # noqa: ANN001
        f = res.fills
        return [
            (int(b), int(r), round(float(p), 6))
            for b, r, p in zip(f.bar, f.reason, f.price, strict=True)
            if r >= 4
        ]

    assert level_exits(run) == [(2, R.STOP_LOSS, 95.0), (6, R.STOP_LOSS, 95.0)]
    assert level_exits(replay) == [(2, R.TAKE_PROFIT, 110.0), (6, R.STOP_LOSS, 95.0)]
    assert run.ambiguous_candles == 2 and replay.ambiguous_candles == 0
    assert replay.final_equity > run.final_equity


def test_the_trailing_stop_moves_with_each_finer_candle() -> None:
    """The documented difference: inside an hour that first rose 20 % and then fell back, the run cannot
    know the order and keeps its trail; the finer candles show the high came first, so the trail moved up
    with it and fired in the same hour."""
    rules = EngineRules(trailing_activate=0.05, trailing_distance=0.03)
    rows: list[Row] = [(100, 100, 100, 100), (100, 100, 100, 100), (100, 120, 95, 100), (100, 100, 100, 100)]
    c = hours(rows)
    entry = np.array([True, False, False, False])
    cfg = BacktestSettings.for_non_krw(initial_capital=Decimal(1000), fee_rate=Decimal(0), quantity_step=None)
    run = run_backtest(c, entry, None, strategy=rules, settings=cfg)
    replay = replay_path(c, fine_path(c, finer.split_candles(c, "15m", True)), entry, None, rules=rules,
                         settings=cfg).result  # fmt: skip
    assert (int(run.fills.bar[-1]), int(run.fills.reason[-1]), float(run.fills.price[-1])) == (
        3, R.TRAILING_STOP, 100.0)  # fmt: skip
    # 15m candles: 100 -> 120 (arms the trail at 116.4), then 120 -> 95: out at 116.4 inside hour 2
    assert int(replay.fills.bar[-1]) == 2 and int(replay.fills.reason[-1]) == R.TRAILING_STOP
    assert float(replay.fills.price[-1]) == pytest.approx(116.4)


def test_time_exit_and_cooldown_count_the_runs_candles_not_the_finer_ones() -> None:
    rows: list[Row] = [(100, 100, 100, 100)] * 12
    c = hours(rows)
    path = fine_path(c, finer.split_candles(c, "15m", True))
    cfg = BacktestSettings.for_non_krw(initial_capital=Decimal(1000), fee_rate=Decimal(0), quantity_step=None)
    entry = np.zeros(12, dtype=bool)
    entry[[0, 4, 5, 6, 7]] = True
    rules = EngineRules(time_exit_candles=3, cooldown_candles=3)
    run = run_backtest(c, entry, None, strategy=rules, settings=cfg)
    replay = replay_path(c, path, entry, None, rules=rules, settings=cfg).result
    bars = [(int(b), int(r)) for b, r in zip(replay.fills.bar, replay.fills.reason, strict=True)]
    assert bars == [(1, R.ENTRY_SIGNAL), (4, R.TIME_EXIT), (8, R.ENTRY_SIGNAL), (11, R.TIME_EXIT)]
    assert same(run, replay)


def test_fine_path_groups_finer_candles_and_counts_gaps_and_mismatches() -> None:
    rows: list[Row] = [(100, 110, 90, 105), (105, 108, 100, 101), (101, 103, 99, 102), (102, 104, 98, 100)]
    c = hours(rows)
    fine = finer.split_candles(c, "15m", True)
    keep = np.ones(len(fine), dtype=bool)
    keep[4:8] = False  # hour 1 has no 15m candles
    closes = fine.close.copy()
    closes[15] = 99.0  # hour 3's last 15m candle closes elsewhere than the hour (another source)
    fine = CandleArrays(fine.market, "15m", fine.start[keep], fine.open[keep], fine.high[keep],
                        fine.low[keep], closes[keep], fine.volume[keep], fine.quote_volume[keep])  # fmt: skip
    early = CandleArrays("X-Y", "15m", np.array([int(c.start[0]) - 900]), *(np.array([1.0]),) * 6)
    path = fine_path(c, _concat(early, fine))  # a candle before the run's first hour is ignored
    assert path.offsets.tolist() == [0, 4, 5, 9, 13]
    assert path.covered.tolist() == [True, False, True, True]
    assert path.mismatched.tolist() == [False, False, False, True]
    assert (path.candles_covered, path.candles_without_finer, path.candles_mismatched) == (3, 1, 1)
    assert path.open[4] == 105 and path.high[4] == 108 and path.low[4] == 100 and path.close[4] == 101
    # hour 0 as 15m candles: 100 -> 110, 110 -> 90, 90 -> 105, flat at 105
    assert path.high[:4].tolist() == [110, 110, 105, 105] and path.low[:4].tolist() == [100, 90, 90, 105]
    with pytest.raises(BacktestInputError, match="KRW-ETH"):
        fine_path(c, CandleArrays.empty("KRW-ETH", "15m"))


def _concat(a: CandleArrays, b: CandleArrays) -> CandleArrays:
    cols = ("start", "open", "high", "low", "close", "volume", "quote_volume")
    return CandleArrays(
        a.market, b.timeframe, *(np.concatenate([getattr(a, k), getattr(b, k)]) for k in cols)
    )


def test_replay_reports_progress_and_honours_cancel() -> None:
    c = walk(10_000, 1)
    entry = np.random.default_rng(1).random(len(c)) < 0.05
    path = fine_path(c, c)
    rules = EngineRules(stop_loss=0.01, take_profit=0.01)
    seen: list[Progress] = []
    replay_path(c, path, entry, None, rules=rules, settings=krw(0), progress=seen.append)
    assert seen[-1] == Progress(len(c), len(c), "path replay") and len(seen) >= 2
    token = CancelToken()

    def cancel_midway(p: Progress) -> None:
        token.cancel()

    with pytest.raises(BacktestCancelled):
        replay_path(c, path, entry, None, rules=rules, settings=krw(0), progress=cancel_midway, cancel=token)
    with pytest.raises(BacktestInputError):
        replay_path(c.slice(0, 10), path, entry[:10], None, rules=rules, settings=krw(0))
