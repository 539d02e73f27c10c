"""``FillSensitivity`` over real SQLite stores: a run stored by ``RunBacktest`` on the bundled Upbit KRW-BTC 1h
candles, read stop first, take-profit first and, once 15m (and 5m) candles of the same market are stored,
replayed along them. The finer candles are made from the stored hours (each hour traced open, high, low,
close when it fell, open, low, high, close when it rose), so their hours are the stored hours exactly."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from upbit_auto_trading.application.analysis.fill_sensitivity import FillSensitivity
from upbit_auto_trading.application.backtest.engine_runner import EngineJob, in_thread_engine
from upbit_auto_trading.application.backtest.request import BacktestRequest
from upbit_auto_trading.application.backtest.run_backtest import RunBacktest
from upbit_auto_trading.application.errors import ApplicationError, NotFoundError
from upbit_auto_trading.application.market_data.dto import ImportSpec
from upbit_auto_trading.application.market_data.import_candles import ImportCandles
from upbit_auto_trading.domain.analysis.fill_sensitivity import FillVariant
from upbit_auto_trading.domain.backtest import BacktestCancelled, strategy_signals
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.strategy import strategy_from_dict
from upbit_auto_trading.domain.work import CancelToken, Progress
from upbit_auto_trading.infrastructure.backtest.process_engine import ProcessEngine
from upbit_auto_trading.infrastructure.market_data.candle_store import SqliteCandleStore
from upbit_auto_trading.infrastructure.market_data.importers.reader import CsvCandleFileReader
from upbit_auto_trading.infrastructure.sqlite.backtest_repository import SqliteBacktestRepository
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession
from upbit_auto_trading.infrastructure.sqlite.strategy_repository import SqliteStrategyRepository
from upbit_auto_trading.infrastructure.sqlite.trigger_repository import SqliteTriggerRepository

REPO = Path(__file__).resolve().parents[3]
UPBIT_FILE = REPO / "upbit_auto_trading" / "resources" / "candles" / "upbit_krw-btc_1h_2017-09_2023-05.csv.gz"
TIGHT = "Tight levels"
JANUARY = (datetime(2022, 1, 1, tzinfo=UTC), datetime(2022, 1, 31, 23, tzinfo=UTC))


def _load(name: str) -> ModuleType:
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "tests" / "support" / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def as_candles(arrays: CandleArrays) -> list[Candle]:
    def d(x: float) -> Decimal:
        return Decimal(repr(float(x)))

    return [
        Candle(
            arrays.market,
            arrays.timeframe,
            datetime.fromtimestamp(int(t), UTC),
            d(o),
            d(h),
            d(lo),
            d(c),
            d(v),
            d(q),
        )  # fmt: skip
        for t, o, h, lo, c, v, q in zip(
            arrays.start,
            arrays.open,
            arrays.high,
            arrays.low,
            arrays.close,
            arrays.volume,
            arrays.quote_volume,
            strict=True,
        )  # fmt: skip
    ]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    support, finer = _load("strategy_app_support"), _load("finer_candles")
    directory = tmp_path_factory.mktemp("fill_sensitivity")
    session = DatabaseSession(
        {n: directory / f"{n}.sqlite3" for n in ("settings", "strategies", "market_data")}
    )
    session.migrate_all()
    candles = SqliteCandleStore(session)
    ImportCandles(CsvCandleFileReader(), candles).execute(ImportSpec(UPBIT_FILE, "KRW-BTC", "1h", "upbit"))
    triggers = SqliteTriggerRepository(session)
    for condition in support.SAMPLE_CONDITIONS:
        triggers.add(condition)
    strategies = SqliteStrategyRepository(session)
    doc = support.rsi_document(name=TIGHT)
    doc["management"] = [{"type": "stop_take_profit", "stop_loss_pct": "0.4", "take_profit_pct": "0.4"}]
    strategies.add(strategy_from_dict(doc))
    runs = SqliteBacktestRepository(session)
    out = RunBacktest(strategies, triggers, candles, runs).execute(
        BacktestRequest(strategy=TIGHT, market="KRW-BTC", timeframe="1h", start=JANUARY[0], end=JANUARY[1])
    )
    hours = candles.load_arrays("KRW-BTC", "1h", *JANUARY)
    split = {tf: finer.split_candles(hours, tf, finer.bearish_high_first(hours)) for tf in ("15m", "5m")}
    yield type("World", (), dict(session=session, candles=candles, runs=runs, run=out, hours=hours,
                                 split=split))  # fmt: skip
    session.close_all()


def sensitivity(world) -> FillSensitivity:  # noqa: ANN001
    return FillSensitivity(world.runs, world.candles, world.candles)


def test_without_finer_candles_two_readings_and_the_run_reproduced(world) -> None:  # noqa: ANN001
    report = sensitivity(world).execute(world.run.run_id)
    a = report.assessment
    assert report.reproduces_stored and report.candle_count == len(world.hours) == 744
    assert [o.variant for o in a.outcomes] == [FillVariant.STOP_FIRST, FillVariant.TAKE_PROFIT_FIRST]
    stop, tp = a.outcomes
    assert stop.final_equity == Decimal(world.run.record.final_equity)
    assert stop.ambiguous_candles == a.ambiguous_candles > 5
    assert tp.total_return > stop.total_return
    assert a.depends_on_optimism and a.warning  # 0.4 % levels on hours: the order decides a lot
    assert a.replay is None
    assert a.notes == ("No path replay: no finer candles of KRW-BTC are stored (30m, 15m, 10m, 5m, 3m, 1m "
                       "would do; download or import them to replay each candle's path).",)  # fmt: skip
    doc = report.to_dict()
    assert doc["run_id"] == world.run.run_id and doc["strategy"] == TIGHT and doc["timeframe"] == "1h"
    assert doc["depends_on_optimism"] is True and len(doc["outcomes"]) == 2


def test_finer_candles_covering_part_of_the_period_are_not_used(world) -> None:  # noqa: ANN001
    fine = world.split["15m"]
    half = fine.slice(0, len(fine) // 2)
    world.candles.upsert(as_candles(half))
    try:
        report = sensitivity(world).execute(world.run.run_id)
        assert report.assessment.replay is None
        assert report.assessment.notes == (
            "No path replay: the finer candles of KRW-BTC do not cover 2022-01-01 to 2022-01-31 "
            "(stored: 15m from 2022-01-01 to 2022-01-16).",
        )
        with pytest.raises(ApplicationError, match="do not cover"):
            sensitivity(world).execute(world.run.run_id, fine_timeframe="15m")
        with pytest.raises(ApplicationError, match="4h candles cannot replay a 1h run"):
            sensitivity(world).execute(world.run.run_id, fine_timeframe="4h")
    finally:
        world.candles.delete_series("KRW-BTC", "15m")


def test_the_path_replay_sides_with_each_hours_own_path(world) -> None:  # noqa: ANN001
    world.candles.upsert(as_candles(world.split["15m"]))
    seen: list[Progress] = []
    report = sensitivity(world).execute(world.run.run_id, progress=seen.append)
    a = report.assessment
    stop, tp, replay = a.outcomes
    assert replay.variant is FillVariant.PATH_REPLAY and replay.label == "15m path replay"
    assert a.replay is not None
    assert (a.replay.timeframe, a.replay.candles, a.replay.covered, a.replay.without_finer,
            a.replay.mismatched) == ("15m", 744, 744, 0, 0)  # fmt: skip
    # falling hours that held both levels took the profit, rising ones the stop: the replay lies between
    assert stop.total_return < replay.total_return < tp.total_return
    assert replay.ambiguous_candles == 0  # each 15m candle here runs one way
    assert replay.trades == stop.trades
    assert "path replay returns" in a.summary and "of the way from the stop-first" in a.summary
    assert any("stay on the 1h closes" in n for n in a.notes)
    assert a.spread.total_return == pytest.approx(tp.total_return - stop.total_return)
    fractions = [p.done for p in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert {"stop first", "take-profit first", "path replay"} <= {p.message for p in seen}


def test_the_finest_covering_series_is_replayed_unless_one_is_asked_for(world) -> None:  # noqa: ANN001
    world.candles.upsert(as_candles(world.split["15m"]))
    world.candles.upsert(as_candles(world.split["5m"]))
    try:
        default = sensitivity(world).execute(world.run.run_id).assessment
        asked = sensitivity(world).execute(world.run.run_id, fine_timeframe="15m").assessment
        assert default.replay is not None and default.replay.timeframe == "5m"
        assert asked.replay is not None and asked.replay.timeframe == "15m"
        # the 5m path has the same turning points as the 15m one: the same replay
        assert default.outcomes[2].final_equity == asked.outcomes[2].final_equity
    finally:
        world.candles.delete_series("KRW-BTC", "5m")


def test_cancel_and_a_missing_run(world) -> None:  # noqa: ANN001
    token = CancelToken()
    token.cancel()
    with pytest.raises(BacktestCancelled):
        sensitivity(world).execute(world.run.run_id, cancel=token)
    with pytest.raises(NotFoundError):
        sensitivity(world).execute(999_999)
    with pytest.raises(ApplicationError, match="threshold"):
        sensitivity(world).execute(world.run.run_id, threshold=0)


def test_the_worker_process_engine_carries_the_ambiguous_candles(world) -> None:  # noqa: ANN001
    stored = world.runs.get(world.run.run_id)
    strategy = stored.record.strategy_object()
    entry = np.zeros(len(world.hours), dtype=bool)
    entry[::24] = True  # one entry decision a day
    sig = strategy_signals(strategy, {"RSI below 35": entry}, len(world.hours))
    job = EngineJob(world.hours, sig.entry, sig.exit, strategy, stored.record.settings_object())
    here, there = in_thread_engine(job), ProcessEngine(min_candles=0)(job)
    assert here.ambiguous_candles == there.ambiguous_candles > 0
