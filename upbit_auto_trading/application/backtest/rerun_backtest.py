"""Re-run a stored run from its snapshot (strategy, triggers, settings, candle range) and compare."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from upbit_auto_trading.application.backtest.candle_window import load_window
from upbit_auto_trading.application.backtest.engine_runner import EngineRunner, in_thread_engine
from upbit_auto_trading.application.backtest.ports import BacktestRepository
from upbit_auto_trading.application.backtest.signals import conditions_from_snapshot
from upbit_auto_trading.application.backtest.simulate import simulate
from upbit_auto_trading.application.errors import NotFoundError
from upbit_auto_trading.application.ports.candle_reader import CandleReader
from upbit_auto_trading.domain.backtest import ENGINE_VERSION, BacktestRecord
from upbit_auto_trading.domain.work import CancelToken, ProgressCallback


def parse_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


@dataclass(frozen=True)
class RerunReport:
    run_id: int
    identical: bool
    same_candles: bool
    same_signals: bool
    same_result: bool
    stored_engine_version: str
    engine_version: str
    record: BacktestRecord
    differences: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "run_id": self.run_id,
            "identical": self.identical,
            "same_candles": self.same_candles,
            "same_signals": self.same_signals,
            "same_result": self.same_result,
            "stored_engine_version": self.stored_engine_version,
            "engine_version": self.engine_version,
            "differences": self.differences,
            "final_equity": self.record.final_equity,
        }


class RerunBacktest:
    def __init__(
        self, runs: BacktestRepository, candles: CandleReader, engine: EngineRunner | None = None
    ) -> None:
        self._runs = runs
        self._candles = candles
        self._engine = engine or in_thread_engine

    def execute(
        self, run_id: int, progress: ProgressCallback | None = None, cancel: CancelToken | None = None
    ) -> RerunReport:
        stored = self._runs.get(run_id)
        if stored is None:
            raise NotFoundError(f"No stored backtest run {run_id}; `backtest list` shows them")
        old = stored.record
        window = load_window(
            self._candles, old.market, old.timeframe, parse_iso(old.data_start), parse_iso(old.data_end)
        )
        sim = simulate(
            old.strategy_object(),
            conditions_from_snapshot(stored.meta.triggers),
            window,
            window.other_timeframes(self._candles),
            old.settings_object(),
            engine=self._engine,
            progress=progress,
            cancel=cancel,
        )
        new = sim.record
        same_candles = new.candle_hash == old.candle_hash and new.candle_count == old.candle_count
        same_signals = new.signals_hash == old.signals_hash
        same_result = new.result_hash == old.result_hash
        differences: list[str] = []
        if not same_candles:
            differences.append(
                f"the stored candles changed ({old.candle_count} then, {new.candle_count} now in the same range)"
            )
        if not same_signals:
            differences.append("the trigger signals differ (warm-up history or the trigger engine changed)")
        if not same_result:
            differences.append("the fills or the equity curve differ")
        if old.engine_version != ENGINE_VERSION:
            differences.append(f"engine version {old.engine_version} then, {ENGINE_VERSION} now")
        return RerunReport(
            run_id=run_id,
            identical=same_candles and same_signals and same_result,
            same_candles=same_candles,
            same_signals=same_signals,
            same_result=same_result,
            stored_engine_version=old.engine_version,
            engine_version=ENGINE_VERSION,
            record=new,
            differences=differences,
        )
