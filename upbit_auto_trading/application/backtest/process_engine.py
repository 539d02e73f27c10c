"""Run the engine step in a worker process (for very long runs), keeping progress and cancel.

The parent polls a shared progress value and forwards a cancel to the worker through a manager Event; the
worker sends back only the fills and curves (the parent keeps its candles).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, wait
from typing import Any

import numpy as np

from upbit_auto_trading.application.backtest.simulate import ENGINE_CHUNK, in_thread_engine
from upbit_auto_trading.domain.backtest import (
    BacktestCancelled,
    BacktestResult,
    BacktestSettings,
    CancelSignal,
    engine_rules,
    run_backtest,
)
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.strategy import Strategy, strategy_from_dict, strategy_to_dict


class _EventCancel:
    def __init__(self, event: Any) -> None:
        self._event = event

    @property
    def cancelled(self) -> bool:
        return bool(self._event.is_set())


def _engine_job(
    candles: CandleArrays,
    entry: np.ndarray,
    exit_: np.ndarray | None,
    strategy_doc: dict[str, Any],
    settings_doc: dict[str, Any],
    event: Any,
    done: Any,
) -> tuple[Any, np.ndarray, np.ndarray, int]:
    def progress(k: int, total: int) -> None:
        done.value = k

    result = run_backtest(
        candles, entry, exit_, strategy=strategy_from_dict(strategy_doc),
        settings=BacktestSettings.from_dict(settings_doc), progress=progress, cancel=_EventCancel(event),
        chunk_candles=ENGINE_CHUNK,
    )  # fmt: skip
    return result.fills, result.equity, result.position, result.refused_orders


class ProcessEngine:
    """An ``EngineRunner``: runs of at least ``min_candles`` candles go to a worker process, shorter ones stay
    in the calling thread (a process costs about a second to start)."""

    def __init__(self, min_candles: int = 2_000_000, poll_seconds: float = 0.1) -> None:
        self._min = min_candles
        self._poll = poll_seconds

    def __call__(
        self,
        candles: CandleArrays,
        entry: np.ndarray,
        exit_: np.ndarray | None,
        strategy: Strategy,
        settings: BacktestSettings,
        progress: Callable[[int, int], None] | None,
        cancel: CancelSignal | None,
    ) -> BacktestResult:
        if len(candles) < self._min:
            return in_thread_engine(candles, entry, exit_, strategy, settings, progress, cancel)
        ctx = multiprocessing.get_context("spawn")
        with ctx.Manager() as manager, ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
            event = manager.Event()
            done = manager.Value("q", 0)
            future = pool.submit(
                _engine_job,
                candles,
                entry,
                exit_,
                strategy_to_dict(strategy),
                settings.to_dict(),
                event,
                done,
            )
            while not future.done():
                wait([future], timeout=self._poll)
                if cancel is not None and cancel.cancelled:
                    event.set()
                if progress is not None:
                    progress(int(done.value), len(candles))
            if cancel is not None and cancel.cancelled:
                raise BacktestCancelled("Backtest cancelled")
            fills, equity, position, refused = future.result()
        return BacktestResult(
            candles=candles, settings=settings, rules=engine_rules(strategy), fills=fills, equity=equity,
            position=position, refused_orders=refused,
        )  # fmt: skip
