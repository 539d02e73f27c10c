"""SQLite strategy and backtest repositories, the migrations, and a stored run that re-runs identically."""

from __future__ import annotations

import numpy as np
import pytest

from upbit_auto_trading.application.backtest.open_run import OpenRun
from upbit_auto_trading.application.backtest.request import BacktestRequest
from upbit_auto_trading.application.backtest.rerun_backtest import RerunBacktest
from upbit_auto_trading.application.backtest.run_backtest import RunBacktest
from upbit_auto_trading.application.errors import ConflictError
from upbit_auto_trading.application.strategy.seed_samples import SeedSampleStrategies
from upbit_auto_trading.domain.strategy import load_sample_strategy, strategy_from_dict
from upbit_auto_trading.infrastructure.sqlite.backtest_repository import SqliteBacktestRepository
from upbit_auto_trading.infrastructure.sqlite.catalogue_repository import SqliteCatalogueRepository
from upbit_auto_trading.infrastructure.sqlite.strategy_repository import (
    SqliteStrategyRepository,
    SqliteStrategySeedLedger,
)
from upbit_auto_trading.infrastructure.sqlite.trigger_repository import SqliteTriggerRepository


def test_migrations_create_the_tables(session):
    conn = session.strategies.connection()
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"strategy_versions", "strategy_seed_ledger", "backtest_trades", "backtest_fills",
            "backtest_curves"} <= tables  # fmt: skip
    columns = {r[1] for r in conn.execute("PRAGMA table_info(backtest_results)")}
    assert {"strategy_snapshot", "strategy_hash", "candle_hash", "engine_version", "data_start",
            "trigger_snapshot", "result_hash"} <= columns  # fmt: skip
    assert conn.execute("PRAGMA user_version").fetchone()[0] >= 31


def test_strategy_repository_versions_conflicts_and_delete(session, support):
    repo = SqliteStrategyRepository(session)
    s1 = strategy_from_dict(support.rsi_document())
    stored = repo.add(s1)
    assert stored.version == 1 and repo.get("RSI swing").strategy == s1
    with pytest.raises(ConflictError):
        repo.add(s1)
    v2 = repo.save_version(stored.strategy_id, strategy_from_dict(support.rsi_document(cooldown_candles=4)))
    assert v2.version == 2 and repo.get_by_id(stored.strategy_id).strategy.cooldown_candles == 4
    assert [v.version for v in repo.versions(stored.strategy_id)] == [2, 1]
    assert repo.get_version(stored.strategy_id, 1).strategy == s1
    assert [s.name for s in repo.list("swi")] == ["RSI swing"] and repo.list("100%") == []
    other = repo.add(strategy_from_dict(support.rsi_document(name="Other")))
    with pytest.raises(ConflictError):
        repo.save_version(other.strategy_id, s1)  # renaming onto an existing name
    assert repo.get("Other").version == 1  # the failed write left nothing behind
    assert repo.delete(stored.strategy_id) and repo.get("RSI swing") is None
    conn = session.strategies.connection()
    assert conn.execute("SELECT COUNT(*) FROM strategy_versions WHERE strategy_id = ?",
                        (stored.strategy_id,)).fetchone()[0] == 0  # fmt: skip


def test_sample_seeding_into_sqlite_and_a_stored_run_reruns_identically(session, support):
    strategies = SqliteStrategyRepository(session)
    triggers = SqliteTriggerRepository(session)
    runs = SqliteBacktestRepository(session)
    seeded = SeedSampleStrategies(strategies, SqliteStrategySeedLedger(session), triggers,
                                  SqliteCatalogueRepository(session)).execute()  # fmt: skip
    assert len(seeded) == 4
    sample = load_sample_strategy()
    assert strategies.get(sample.name).content_hash == sample.content_hash()

    candles = support.synthetic_candles(3000, seed=11)
    reader = support.FakeCandleReader(candles)
    out = RunBacktest(strategies, triggers, reader, runs).execute(
        BacktestRequest(strategy=sample.name, market="KRW-BTC", timeframe="1h")
    )
    stored = runs.get(out.run_id)
    assert stored.record == out.record  # metrics, trades, fills, hashes survive the round trip exactly
    assert stored.meta.strategy_id == strategies.get(sample.name).strategy_id
    curves = runs.curves(out.run_id)
    assert np.array_equal(curves.equity, out.result.equity)
    assert np.array_equal(curves.position, out.result.position)
    conn = session.strategies.connection()
    for value in conn.execute("SELECT price, quantity, fee FROM backtest_fills").fetchall():
        assert all(isinstance(v, str) for v in value)  # Decimal as TEXT

    report = RerunBacktest(runs, reader).execute(out.run_id)
    assert report.identical, report.differences

    charts = OpenRun(runs, reader).execute(out.run_id)
    assert charts.candles is not None and len(charts.candles) == 3000
    assert charts.buy_and_hold[0] == pytest.approx(10_000_000)

    listed = runs.list()
    assert [r.run_id for r in listed] == [out.run_id] and listed[0].trades == out.record.metrics["trades"]
    assert runs.delete(out.run_id) and runs.get(out.run_id) is None
    assert conn.execute("SELECT COUNT(*) FROM backtest_trades").fetchone()[0] == 0
