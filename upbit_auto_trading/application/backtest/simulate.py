"""The shared core of a run and a re-run: signals from triggers, the engine, the storable record."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from upbit_auto_trading.application.backtest.candle_window import CandleWindow
from upbit_auto_trading.application.backtest.engine_runner import EngineJob, EngineRunner, in_thread_engine
from upbit_auto_trading.application.backtest.signals import evaluate_signals
from upbit_auto_trading.domain.backtest import (
    BacktestCancelled,
    BacktestRecord,
    BacktestResult,
    BacktestSettings,
    make_record,
    strategy_signals,
)
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.strategy import Strategy
from upbit_auto_trading.domain.trigger.condition import TradingCondition
from upbit_auto_trading.domain.work import CancelToken, Progress, ProgressCallback


@dataclass(eq=False)
class Simulation:
    result: BacktestResult
    record: BacktestRecord


def check_cancel(cancel: CancelToken | None, phase: str) -> None:
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
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Simulation:
    def report(fraction: float, phase: str) -> None:
        if progress is not None:
            progress(Progress(min(1.0, max(0.0, fraction)), 1.0, phase))

    report(0.10, "signals")
    signals_all = evaluate_signals(conditions, window.candles, other_timeframes)
    check_cancel(cancel, "evaluating the triggers")
    tested = window.tested
    signals = {key: arr[window.first :] for key, arr in signals_all.items()}
    sig = strategy_signals(strategy, signals, len(tested))
    report(0.30, "engine")

    def engine_progress(step: Progress) -> None:  # candles done of candles total
        report(0.30 + 0.60 * step.done / max(step.total, 1), "engine")

    job = EngineJob(tested, sig.entry, sig.exit, strategy, settings, progress=engine_progress, cancel=cancel)
    result = engine(job)
    check_cancel(cancel, "finishing")
    report(0.92, "metrics")
    record = make_record(result, strategy, sig.entry, sig.exit)
    return Simulation(result, record)
