"""The kernel's two paths: plain Python and numba. The Python path must stay Python after the kernel was
compiled (once its helpers were swapped for their compiled versions, so "compiled equals Python" compared
numba with numba), and the two must agree on every rule, not only on the 7-rule sample."""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from types import CodeType, FrameType
from typing import Any

import numpy as np
import pytest

from upbit_auto_trading.domain.backtest import (
    BacktestSettings,
    EngineRules,
    kernel,
    result_hash,
    run_backtest,
)
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays


def candles(n: int, seed: int) -> CandleArrays:
    """A KRW-BTC-like random walk with wide candles, so that stops, profits and gaps all happen."""
    rng = np.random.default_rng(seed)
    close = np.round(50_000_000 * np.exp(np.cumsum(rng.normal(0, 0.01, n))))
    open_ = np.r_[close[0], close[:-1]] * (1 + rng.normal(0, 0.003, n))  # gaps at the open
    high = np.maximum(open_, close) * (1 + rng.uniform(0, 0.01, n))
    low = np.minimum(open_, close) * (1 - rng.uniform(0, 0.01, n))
    start = 1_600_000_000 + np.arange(n, dtype=np.int64) * 60
    return CandleArrays("KRW-BTC", "1m", start, np.round(open_), np.round(high), np.round(low), close,
                        np.ones(n), close)  # fmt: skip


def every_rule(rng: np.random.Generator) -> EngineRules:
    def maybe(lo: float, hi: float) -> float:
        return float(rng.uniform(lo, hi)) if rng.random() < 0.8 else math.nan

    return EngineRules(
        stop_loss=maybe(0.003, 0.02),
        take_profit=maybe(0.003, 0.03),
        trailing_activate=maybe(0.001, 0.01),
        trailing_distance=float(rng.uniform(0.001, 0.01)),
        pyramid_drop=float(rng.uniform(0.001, 0.01)),
        pyramid_max=int(rng.integers(0, 3)),
        pyramid_size=float(rng.uniform(0.1, 1.0)),
        scale_in_rise=float(rng.uniform(0.001, 0.01)),
        scale_in_max=int(rng.integers(0, 3)),
        scale_in_size=float(rng.uniform(0.1, 1.0)),
        partial_profit=maybe(0.001, 0.01),
        partial_sell=float(rng.uniform(0.1, 1.0)),
        time_exit_candles=int(rng.integers(0, 40)),
        cooldown_candles=int(rng.integers(0, 5)),
        sizing_fixed_amount=None if rng.random() < 0.5 else float(rng.uniform(3_000, 3_000_000)),
        priority_policy=bool(rng.random() < 0.5),
        rank_exit_signal=int(rng.integers(0, 4)),
        rank_time_exit=int(rng.integers(0, 4)),
        rank_pyramid=int(rng.integers(0, 4)),
        rank_scale_in=int(rng.integers(0, 4)),
    )


@contextmanager
def python_calls() -> Iterator[set[CodeType]]:
    """The code objects of every Python function called inside the block. Compiled code makes no frames; a
    trace function, not a profile one: numba shows profilers a made-up frame for each compiled call."""
    seen: set[CodeType] = set()

    def trace(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call":
            seen.add(frame.f_code)

    previous = sys.gettrace()  # a coverage tracer, say
    sys.settrace(trace)
    try:
        yield seen
    finally:
        sys.settrace(previous)


@pytest.mark.parametrize("seed", range(8))
def test_compiled_and_python_kernels_agree_on_every_rule(seed: int) -> None:
    rng = np.random.default_rng(seed)
    c = candles(1200, seed)
    entry, exit_ = rng.random(len(c)) < 0.05, rng.random(len(c)) < 0.03
    rules = every_rule(rng)
    settings = (BacktestSettings(initial_capital=Decimal("10000000"), slippage_rate=Decimal("0.0005"))
                if seed % 2 else BacktestSettings.for_non_krw(initial_capital=Decimal("10000000")))  # fmt: skip
    runs = [run_backtest(c, entry, exit_, strategy=rules, settings=settings, compiled=compiled, chunk_candles=k)
            for compiled, k in ((True, 65_536), (False, 65_536), (False, 97))]  # fmt: skip
    assert len(runs[0].fills) > 10
    assert len({result_hash(r.fills, r.equity) for r in runs}) == 1
    np.testing.assert_array_equal(runs[0].position, runs[1].position)
    assert runs[0].refused_orders == runs[1].refused_orders


def test_compiled_and_python_kernels_agree_on_refused_orders() -> None:
    """8,000 KRW orders: half of one for a partial take-profit, or a pyramid of half the entry, is under the
    5,000 KRW minimum and refused; a refusal still uses up the partial and counts towards the adds."""
    rng = np.random.default_rng(11)
    c = candles(1200, 11)
    entry, exit_ = rng.random(len(c)) < 0.05, rng.random(len(c)) < 0.03
    rules = EngineRules(stop_loss=0.006, take_profit=0.01, partial_profit=0.002, partial_sell=0.5,
                        pyramid_drop=0.001, pyramid_max=2, pyramid_size=0.5, sizing_fixed_amount=8_000.0)  # fmt: skip
    settings = BacktestSettings(initial_capital=Decimal("10000000"))
    compiled, python = (run_backtest(c, entry, exit_, strategy=rules, settings=settings, compiled=flag)
                        for flag in (True, False))  # fmt: skip
    assert compiled.refused_orders > 10 and len(compiled.fills) > 10
    assert result_hash(compiled.fills, compiled.equity) == result_hash(python.fills, python.equity)
    assert compiled.refused_orders == python.refused_orders


def test_the_python_path_runs_python_helpers_after_the_kernel_was_compiled() -> None:
    c = candles(600, 3)
    rng = np.random.default_rng(3)
    entry, exit_ = rng.random(len(c)) < 0.05, rng.random(len(c)) < 0.03
    rules = EngineRules(stop_loss=0.006, take_profit=0.008, trailing_activate=0.002, trailing_distance=0.002,
                        partial_profit=0.003, partial_sell=0.5, pyramid_drop=0.001, pyramid_max=2,
                        pyramid_size=0.5, scale_in_rise=0.001, scale_in_max=2, scale_in_size=0.5)  # fmt: skip
    settings = BacktestSettings(initial_capital=Decimal("10000000"))  # KRW ticks: round_price does work
    compiled = run_backtest(c, entry, exit_, strategy=rules, settings=settings, compiled=True)
    with python_calls() as seen:
        python = run_backtest(c, entry, exit_, strategy=rules, settings=settings, compiled=False)
    assert result_hash(python.fills, python.equity) == result_hash(compiled.fills, compiled.equity)
    helpers = [kernel.round_price, kernel._floor_step, kernel._record_fill, kernel._fill_pending,
               kernel._open_position, kernel._add_to_position, kernel._sell_part, kernel._sell_all]  # fmt: skip
    assert [fn.__name__ for fn in helpers if fn.__code__ not in seen] == []
