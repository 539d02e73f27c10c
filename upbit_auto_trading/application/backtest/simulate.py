"""The shared core of a run and a re-run: signals from triggers, the engine, the storable record."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from upbit_auto_trading.application.backtest.candle_window import CandleWindow
from upbit_auto_trading.application.backtest.request import ProgressFn
from upbit_auto_trading.application.backtest.signals import evaluate_signals
from upbit_auto_trading.domain.backtest import (
    BacktestCancelled,
    BacktestRecord,
    BacktestResult,
    BacktestSettings,
    CancelSignal,
    make_record,
    run_backtest,
    strategy_signals,
)
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.strategy import Strategy
from upbit_auto_trading.domain.trigger.condition import TradingCondition

ENGINE_CHUNK = 16_384
"""Candles per engine step: progress and cancel are looked at between steps (results do not depend on it)."""


class EngineRunner(Protocol):
    def __call__(
        self,
        candles: CandleArrays,
        entry: np.ndarray,
        exit_: np.ndarray | None,
        strategy: Strategy,
        settings: BacktestSettings,
        progress: Callable[[int, int], None] | None,
        cancel: CancelSignal | None,
    ) -> BacktestResult: ...


def in_thread_engine(
    candles: CandleArrays,
    entry: np.ndarray,
    exit_: np.ndarray | None,
    strategy: Strategy,
    settings: BacktestSettings,
    progress: Callable[[int, int], None] | None,
    cancel: CancelSignal | None,
) -> BacktestResult:
    """Runs the (numba, nogil) engine in the calling thread."""
    return run_backtest(
        candles, entry, exit_, strategy=strategy, settings=settings, progress=progress, cancel=cancel,
        chunk_candles=ENGINE_CHUNK,
    )  # fmt: skip


@dataclass(eq=False)
class Simulation:
    result: BacktestResult
    record: BacktestRecord


def check_cancel(cancel: CancelSignal | None, phase: str) -> None:
    if cancel is not None and cancel.cancelled:
        raise BacktestCancelled(f"Backtest cancelled while {phase}")


def simulate(
    strategy: Strategy,
    conditions: Mapping[str, TradingCondition],
    window: CandleWindow,
    other_timeframes: Callable[[str], CandleArrays] | None,
    settings: BacktestSettings,
    *,
    engine: EngineRunner = in_thread_engine,
    progress: ProgressFn | None = None,
    cancel: CancelSignal | None = None,
) -> Simulation:
    def report(fraction: float, phase: str) -> None:
        if progress is not None:
            progress(min(1.0, max(0.0, fraction)), phase)

    report(0.10, "signals")
    signals_all = evaluate_signals(conditions, window.candles, other_timeframes)
    check_cancel(cancel, "evaluating the triggers")
    tested = window.tested
    signals = {key: arr[window.first :] for key, arr in signals_all.items()}
    sig = strategy_signals(strategy, signals, len(tested))
    report(0.30, "engine")

    def engine_progress(done: int, total: int) -> None:
        report(0.30 + 0.60 * done / max(total, 1), "engine")

    result = engine(tested, sig.entry, sig.exit, strategy, settings, engine_progress, cancel)
    check_cancel(cancel, "finishing")
    report(0.92, "metrics")
    record = make_record(result, strategy, sig.entry, sig.exit)
    return Simulation(result, record)
