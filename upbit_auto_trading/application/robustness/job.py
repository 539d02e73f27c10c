"""What every worker of a study holds (``SweepJob``, shipped once per worker) and how it runs one cell
(``SweepWorker``): the same steps as a single backtest (``application/backtest/simulate.py``) on the same
candle window, so a cell equals ``RunBacktest`` with those parameters bit for bit.

The worker keeps one trigger evaluator per segment across cells: an indicator series computed for one cell
(SMA(20) over the window) is reused by the next cell that needs it. The series depend only on the candles
and the variable's parameters, so reusing them changes nothing in the results.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from upbit_auto_trading.application.backtest.candle_window import CandleWindow
from upbit_auto_trading.application.backtest.engine_runner import EngineJob, in_thread_engine
from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.robustness.dto import INVALID, OK, CellResult, CellSpec
from upbit_auto_trading.domain.analysis.returns import daily_closes
from upbit_auto_trading.domain.backtest import (
    BacktestResult,
    BacktestSettings,
    StrategySignals,
    result_hash,
    signals_hash,
    strategy_signals,
)
from upbit_auto_trading.domain.backtest.fills import dec
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.robustness.errors import InvalidCell
from upbit_auto_trading.domain.robustness.parameters import apply_values
from upbit_auto_trading.domain.robustness.paths import ParameterPath, parse_path
from upbit_auto_trading.domain.strategy import Strategy
from upbit_auto_trading.domain.trigger.condition import TradingCondition, VariableRef
from upbit_auto_trading.domain.trigger.errors import TriggerError
from upbit_auto_trading.domain.trigger.evaluation import TriggerEvaluator
from upbit_auto_trading.domain.trigger.variables import FOLLOW_POSITION, Catalogue

CACHE_BYTES = 512 * 1024 * 1024
"""Indicator series a worker keeps per segment (beyond it the cache starts over)."""


@dataclass(frozen=True, eq=False)
class Segment:
    """The candles one group of cells runs on: a window as ``load_window`` returns it for a backtest (warm-up
    history, then the tested candles), the other timeframes its triggers read, the run settings, and
    whether results keep their equity curve (walk-forward test windows)."""

    market: str
    window: CandleWindow
    settings: BacktestSettings
    others: Mapping[str, CandleArrays] = field(default_factory=dict)
    keep_curve: bool = False


@dataclass(frozen=True, eq=False)
class SweepJob:
    strategy: Strategy
    conditions: Mapping[str, TradingCondition]
    catalogue: Catalogue
    segments: Mapping[str, Segment]


def other_timeframes_needed(conditions: Mapping[str, TradingCondition], timeframe: str) -> set[str]:
    """Timeframes other than ``timeframe`` that the triggers' variables read (a sweep cannot change them:
    they are choices, not numbers)."""
    needed: set[str] = set()
    for condition in conditions.values():
        for ref in (condition.variable, condition.target):
            if isinstance(ref, VariableRef):
                tf = str(ref.params.get("timeframe", FOLLOW_POSITION))
                if tf not in (FOLLOW_POSITION, timeframe):
                    needed.add(tf)
    return needed


class _BoundedEvaluator(TriggerEvaluator):
    """A ``TriggerEvaluator`` whose series cache starts over once it holds ``limit`` series."""

    def __init__(self, segment: Segment) -> None:
        candles = segment.window.candles
        super().__init__(candles, other_timeframes=self._other(segment))
        self._limit = max(8, CACHE_BYTES // max(1, 8 * len(candles)))

    @staticmethod
    def _other(segment: Segment) -> Callable[[str], CandleArrays]:
        def load(timeframe: str) -> CandleArrays:
            found = segment.others.get(timeframe)
            if found is None:
                raise TriggerError(f"{timeframe} candles of {segment.market} were not loaded for this sweep")
            return found

        return load

    def series(self, ref: VariableRef) -> np.ndarray:
        if len(self._cache) >= self._limit and ref.key() not in self._cache:
            self.clear()
        return super().series(ref)


class DailyIndex:
    """Which candle closes each KST day of a segment: the same for every cell, so worked out once.

    ``returns(equity)`` equals ``domain.analysis.returns.daily_returns(times, equity)`` bit for bit (the
    index is ``daily_closes`` of the candle numbers; the returns are computed with the same operations),
    a tenth of its cost on a million candles."""

    def __init__(self, times: np.ndarray) -> None:
        self.starts, numbers = daily_closes(times, np.arange(times.shape[0], dtype=np.float64))
        self._index = numbers.astype(np.int64)

    def returns(self, equity: np.ndarray) -> np.ndarray:
        curve = np.asarray(equity, dtype=np.float64)
        closes = curve[self._index]
        if closes.shape[0] == 0:
            return closes
        prev = np.concatenate(([float(curve[0])], closes[:-1]))
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(prev > 0, closes / prev - 1.0, 0.0)


class SweepWorker:
    """Runs cells of one ``SweepJob`` (in this process, a pool process or a Ray actor)."""

    def __init__(self, job: SweepJob) -> None:
        self._job = job
        self._evaluators: dict[str, _BoundedEvaluator] = {}
        self._days: dict[str, DailyIndex] = {}
        self._paths: dict[str, ParameterPath] = {}

    def run(self, spec: CellSpec) -> CellResult:
        try:
            strategy, conditions = self.inputs(spec)
        except InvalidCell as exc:
            return CellResult(spec.key, spec.segment, INVALID, error=str(exc))
        segment = self._job.segments[spec.segment]
        result, sig = self.simulate(spec.segment, strategy, conditions)
        tested = segment.window.tested
        days = self._days.get(spec.segment)
        if days is None:
            days = self._days[spec.segment] = DailyIndex(tested.start)
        starts, rets = days.starts, days.returns(result.equity)
        keep = segment.keep_curve
        return CellResult(
            spec.key, spec.segment, OK, metrics=result.metrics.to_dict(),
            final_equity=format(dec(result.final_equity), "f"), result_hash=result_hash(result.fills, result.equity),
            signals_hash=signals_hash(np.asarray(sig.entry, dtype=bool), None if sig.exit is None
                                      else np.asarray(sig.exit, dtype=bool)),
            strategy_hash=strategy.content_hash(), first_day=int(starts[0]) if starts.shape[0] else 0,
            daily_returns=rets, times=tested.start if keep else None, equity=result.equity if keep else None,
        )  # fmt: skip

    def inputs(self, spec: CellSpec) -> tuple[Strategy, dict[str, TradingCondition]]:
        """The strategy and triggers of the cell (InvalidCell when its values make no valid strategy)."""
        values = [(self._path(p), Decimal(v)) for p, v in spec.values]
        return apply_values(self._job.strategy, self._job.conditions, self._job.catalogue, values)

    def simulate(
        self, segment_name: str, strategy: Strategy, conditions: Mapping[str, TradingCondition]
    ) -> tuple[BacktestResult, StrategySignals]:
        """``simulate()`` of a single backtest, with this worker's evaluator for the segment."""
        segment = self._job.segments[segment_name]
        evaluator = self._evaluator(segment_name)
        signals_all = {key: self._signal(evaluator, c) for key, c in conditions.items()}
        window = segment.window
        tested = window.tested
        signals = {key: arr[window.first :] for key, arr in signals_all.items()}
        sig = strategy_signals(strategy, signals, len(tested))
        result = in_thread_engine(EngineJob(tested, sig.entry, sig.exit, strategy, segment.settings))
        return result, sig

    def check(self) -> None:
        """Evaluates the job's triggers once on every segment: a trigger a backtest cannot evaluate (one that
        reads the position) fails here, before any cell runs, with the backtest's message."""
        for name in self._job.segments:
            evaluator = self._evaluator(name)
            for condition in self._job.conditions.values():
                self._signal(evaluator, condition)

    def _evaluator(self, name: str) -> _BoundedEvaluator:
        found = self._evaluators.get(name)
        if found is None:
            found = self._evaluators[name] = _BoundedEvaluator(self._job.segments[name])
        return found

    @staticmethod
    def _signal(evaluator: TriggerEvaluator, condition: TradingCondition) -> np.ndarray:
        try:
            return np.asarray(evaluator.evaluate(condition), dtype=bool)
        except (TriggerError, ValueError) as exc:  # worded as application/backtest/signals.py words it
            raise ApplicationError(
                f"Trigger {condition.name!r} cannot be evaluated in a backtest: {exc}. Entry and exit "
                "triggers must read candles (price, indicators), not the position or account"
            ) from exc

    def _path(self, text: str) -> ParameterPath:
        found = self._paths.get(text)
        if found is None:
            found = self._paths[text] = parse_path(text)
        return found
