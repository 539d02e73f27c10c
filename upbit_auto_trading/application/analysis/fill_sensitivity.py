"""Fill sensitivity of a stored run: re-simulate it with the stop first, the take-profit first and, when finer
candles of the market cover its period, along their path; then the spread and the verdict
(``domain/analysis/fill_sensitivity.py``; definitions in docs/backtest-model.md, "Fill sensitivity").

The run is reopened as ``backtest rerun`` reopens it: its candle range, its trigger snapshot and settings.
The stop-first reading is the run itself; ``reproduces_stored`` says whether it came out bit-identical (it
does unless the stored candles, the trigger engine or the kernel changed since).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from upbit_auto_trading.application.backtest.candle_window import load_window
from upbit_auto_trading.application.backtest.ports import BacktestRepository, StoredRun
from upbit_auto_trading.application.backtest.rerun_backtest import parse_iso
from upbit_auto_trading.application.backtest.signals import conditions_from_snapshot, evaluate_signals
from upbit_auto_trading.application.errors import ApplicationError, NotFoundError
from upbit_auto_trading.application.market_data.dto import SeriesInfo
from upbit_auto_trading.application.ports.candle_reader import CandleReader
from upbit_auto_trading.application.trigger.candle_source import finer_sources
from upbit_auto_trading.domain.analysis.fill_sensitivity import OPTIMISM_THRESHOLD, FillAssessment, assess
from upbit_auto_trading.domain.backtest import (
    BacktestCancelled,
    BacktestResult,
    BacktestSettings,
    StrategySignals,
    engine_rules,
    run_backtest,
    same_result,
    strategy_signals,
)
from upbit_auto_trading.domain.backtest.path_replay import PathReplay, coarse_ends, fine_path, replay_path
from upbit_auto_trading.domain.backtest.settings import IntrabarOrder
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.domain.strategy import Strategy
from upbit_auto_trading.domain.work import CancelToken, Progress, ProgressCallback

# Shares of the progress bar: signals, the two readings, loading the finer candles, the path replay.
_SIGNALS, _STOP, _PROFIT, _LOAD = 0.15, 0.30, 0.45, 0.55


class StoredSeriesCatalog(Protocol):
    """Which candle series are stored (the candle store)."""

    def series(self) -> Sequence[SeriesInfo]:
        """Every stored (market, timeframe) with its first and last candle start."""
        ...


@dataclass(frozen=True)
class SensitivityReport:
    """The fill sensitivity of stored run ``run_id``: what was re-simulated, and ``assessment`` (the
    readings, their spread, ``depends_on_optimism``, the warning, the summary and the replay's notes)."""

    run_id: int
    strategy_name: str
    market: str
    timeframe: str
    data_start: str
    data_end: str
    candle_count: int
    reproduces_stored: bool
    assessment: FillAssessment

    @property
    def depends_on_optimism(self) -> bool:
        return self.assessment.depends_on_optimism

    @property
    def warning(self) -> str | None:
        return self.assessment.warning

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "strategy": self.strategy_name,
            "market": self.market,
            "timeframe": self.timeframe,
            "data_start": self.data_start,
            "data_end": self.data_end,
            "candle_count": self.candle_count,
            "reproduces_stored": self.reproduces_stored,
            **self.assessment.to_dict(),
        }


@dataclass(frozen=True, eq=False)
class _Inputs:
    candles: CandleArrays  # the run's candles (warm-up history excluded)
    strategy: Strategy
    settings: BacktestSettings
    signals: StrategySignals


class _Stage:
    """Reports one stage's progress as a share of the whole bar; raises on a cancel between stages."""

    def __init__(self, progress: ProgressCallback | None, cancel: CancelToken | None) -> None:
        self._progress = progress
        self._cancel = cancel

    def at(self, fraction: float, phase: str) -> None:
        if self._cancel is not None and self._cancel.cancelled:
            raise BacktestCancelled(f"Fill sensitivity cancelled while {phase}")
        if self._progress is not None:
            self._progress(Progress(min(1.0, fraction), 1.0, phase))

    def between(self, lo: float, hi: float, phase: str) -> ProgressCallback:
        def report(step: Progress) -> None:
            self.at(lo + (hi - lo) * step.done / max(step.total, 1), phase)

        return report


class FillSensitivity:
    """``execute(run_id)`` -> ``SensitivityReport``. ``fine_timeframe`` picks the finer series of the path
    replay (default: the finest stored one that covers the run's period)."""

    def __init__(
        self,
        runs: BacktestRepository,
        candles: CandleReader,
        catalog: StoredSeriesCatalog,
        *,
        compiled: bool = True,
    ) -> None:
        self._runs = runs
        self._candles = candles
        self._catalog = catalog
        self._compiled = compiled

    def execute(
        self,
        run_id: int,
        *,
        fine_timeframe: str | None = None,
        threshold: float = OPTIMISM_THRESHOLD,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> SensitivityReport:
        if not threshold > 0:
            raise ApplicationError(f"The warning threshold must be above 0 (got {threshold})")
        stored = self._runs.get(int(run_id))
        if stored is None:
            raise NotFoundError(f"No stored backtest run {run_id}; `backtest list` shows them")
        stage = _Stage(progress, cancel)
        stage.at(0.0, "signals")
        inputs = self._inputs(stored)
        stop = self._reading(
            inputs, IntrabarOrder.STOP_FIRST, stage.between(_SIGNALS, _STOP, "stop first"), cancel
        )
        profit = self._reading(
            inputs,
            IntrabarOrder.TAKE_PROFIT_FIRST,
            stage.between(_STOP, _PROFIT, "take-profit first"),
            cancel,
        )
        stage.at(_PROFIT, "finer candles")
        replay, unavailable = self._replay(inputs, fine_timeframe, stage, cancel)
        stage.at(1.0, "done")
        as_stored = profit if inputs.settings.intrabar_order is IntrabarOrder.TAKE_PROFIT_FIRST else stop
        rec = stored.record
        return SensitivityReport(
            run_id=stored.run_id,
            strategy_name=stored.strategy_name,
            market=rec.market,
            timeframe=rec.timeframe,
            data_start=rec.data_start,
            data_end=rec.data_end,
            candle_count=len(inputs.candles),
            reproduces_stored=same_result(rec, as_stored),
            assessment=assess(stop, profit, replay, threshold=threshold, replay_unavailable=unavailable),
        )

    # ---- the run, reopened

    def _inputs(self, stored: StoredRun) -> _Inputs:
        rec = stored.record
        window = load_window(
            self._candles, rec.market, rec.timeframe, parse_iso(rec.data_start), parse_iso(rec.data_end)
        )
        strategy = rec.strategy_object()
        conditions = conditions_from_snapshot(stored.meta.triggers)
        every = evaluate_signals(conditions, window.candles, window.other_timeframes(self._candles))
        tested = window.tested
        signals = strategy_signals(strategy, {k: a[window.first :] for k, a in every.items()}, len(tested))
        return _Inputs(tested, strategy, rec.settings_object(), signals)

    def _reading(
        self, inputs: _Inputs, order: IntrabarOrder, progress: ProgressCallback, cancel: CancelToken | None
    ) -> BacktestResult:
        return run_backtest(
            inputs.candles, inputs.signals.entry, inputs.signals.exit, strategy=inputs.strategy,
            settings=replace(inputs.settings, intrabar_order=order), progress=progress, cancel=cancel,
            compiled=self._compiled,
        )  # fmt: skip

    # ---- the path replay

    def _replay(
        self, inputs: _Inputs, asked: str | None, stage: _Stage, cancel: CancelToken | None
    ) -> tuple[PathReplay | None, str | None]:
        """The path replay on the chosen finer series, or None and why not."""
        coarse = inputs.candles
        fine_tf, why_not = self._finer_timeframe(coarse, asked)
        if fine_tf is None:
            return None, why_not
        first = datetime.fromtimestamp(int(coarse.start[0]), UTC)
        last = datetime.fromtimestamp(int(coarse_ends(coarse)[-1]) - 1, UTC)
        fine = self._candles.load_arrays(coarse.market, fine_tf, first, last)
        stage.at(_LOAD, "path replay")
        path = fine_path(coarse, fine)
        replay = replay_path(
            coarse, path, inputs.signals.entry, inputs.signals.exit, rules=engine_rules(inputs.strategy),
            settings=replace(inputs.settings, intrabar_order=IntrabarOrder.STOP_FIRST),
            progress=stage.between(_LOAD, 1.0, "path replay"), cancel=cancel, compiled=self._compiled,
        )  # fmt: skip
        return replay, None

    def _finer_timeframe(self, coarse: CandleArrays, asked: str | None) -> tuple[str | None, str | None]:
        """The finest stored series of the market that covers the run's period (or the one asked for)."""
        market, timeframe = coarse.market, coarse.timeframe
        finer = [tf.code for tf in finer_sources(timeframe)]
        if asked is not None:
            code = Timeframe.from_code(asked).code
            if code not in finer:
                raise ApplicationError(
                    f"{code} candles cannot replay a {timeframe} run: pick one of {', '.join(finer) or 'none'}"
                )
            finer = [code]
        if not finer:
            return None, f"No path replay: {timeframe} candles have no finer timeframe."
        stored = {
            s.timeframe: s for s in self._catalog.series() if s.market == market and s.timeframe in finer
        }
        first_end, last_start = int(coarse_ends(coarse)[0]), int(coarse.start[-1])
        covering = [tf for tf in finer if tf in stored and _covers(stored[tf], first_end, last_start)]
        if covering:
            return min(covering, key=lambda tf: Timeframe.from_code(tf).seconds or 0), None
        if asked is not None:
            raise ApplicationError(_not_covered(market, finer, stored, coarse))
        return None, _not_covered(market, finer, stored, coarse)


def _covers(info: SeriesInfo, first_end: int, last_start: int) -> bool:
    """The series starts inside the run's first candle (or before) and reaches its last candle."""
    return info.first < first_end and info.last >= last_start


def _not_covered(market: str, finer: list[str], stored: dict[str, SeriesInfo], coarse: CandleArrays) -> str:
    period = f"{_day(int(coarse.start[0]))} to {_day(int(coarse.start[-1]))}"
    if not stored:
        return (
            f"No path replay: no finer candles of {market} are stored ({', '.join(finer)} would do; "
            "download or import them to replay each candle's path)."
        )
    spans = "; ".join(f"{tf} from {_day(s.first)} to {_day(s.last)}" for tf, s in stored.items())
    return f"No path replay: the finer candles of {market} do not cover {period} (stored: {spans})."


def _day(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d")
