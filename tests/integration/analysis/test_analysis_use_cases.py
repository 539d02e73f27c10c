"""The analysis use cases over real SQLite stores: a run stored by ``RunBacktest`` is reopened (no re-run),
analysed, Monte-Carlo'd and compared; the bundled Upbit KRW-BTC 1h candles are the data."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from upbit_auto_trading.application.analysis.analyse_run import AnalyseRun
from upbit_auto_trading.application.analysis.compare_runs import CompareRuns
from upbit_auto_trading.application.analysis.monte_carlo import RunMonteCarlo
from upbit_auto_trading.application.backtest.request import BacktestRequest
from upbit_auto_trading.application.errors import ApplicationError, NotFoundError
from upbit_auto_trading.domain.analysis.run_analysis import analyse
from upbit_auto_trading.infrastructure.market_data.candle_store import SqliteCandleStore
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession

REPO = Path(__file__).resolve().parents[3]
TWO_GROUPS = "Two ways in"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, support):  # noqa: ANN001, ANN201
    doc = support.rsi_document(name=TWO_GROUPS)
    doc["entry"] = {
        "groups": [{"triggers": ["RSI below 35"]}, {"triggers": ["Crash: close 3% below previous close"]}]
    }
    w = support.stored_world(tmp_path_factory.mktemp("analysis"), doc)
    run, runs, candles, session = w.run, w.runs, w.candles, w.session

    def backtest(start: str, end: str, capital: str = "10000000"):  # noqa: ANN202
        return run.execute(
            BacktestRequest(
                strategy=TWO_GROUPS, market="KRW-BTC", timeframe="1h",
                start=datetime.fromisoformat(start).replace(tzinfo=UTC),
                end=datetime.fromisoformat(end).replace(tzinfo=UTC), initial_capital=Decimal(capital),
            )
        )  # fmt: skip

    year = backtest("2022-01-01", "2022-12-31T23:00:00")
    same_year = backtest("2022-01-01", "2022-12-31T23:00:00", capital="5000000")
    other = backtest("2021-01-01", "2021-06-30T23:00:00")
    yield type("World", (), dict(session=session, candles=candles, runs=runs, year=year, same_year=same_year,
                                 other=other))  # fmt: skip
    session.close_all()


def test_a_reopened_run_analyses_like_the_fresh_result(world) -> None:  # noqa: ANN001
    stored = AnalyseRun(world.runs, world.candles).execute(world.year.run_id)
    fresh = analyse(world.year.result)
    assert stored.metrics.trades == fresh.metrics.trades > 5
    assert stored.metrics.to_dict() == world.year.record.metrics  # as stored, not recomputed
    assert stored.final_equity == pytest.approx(fresh.final_equity)
    np.testing.assert_array_equal(stored.times, fresh.times)
    np.testing.assert_allclose(stored.daily, fresh.daily)
    assert stored.risk.sharpe == pytest.approx(fresh.risk.sharpe)
    assert stored.risk.psr == pytest.approx(fresh.risk.psr)
    assert [m.ret for m in stored.monthly] == pytest.approx([m.ret for m in fresh.monthly])
    # UTC 2022 ends at 2023-01-01 09:00 KST: its last nine hours fall into KST January 2023.
    assert [(m.year, m.month) for m in stored.monthly][-2:] == [(2022, 12), (2023, 1)]
    assert len(stored.monthly) == 13 and [y.year for y in stored.yearly] == [2022, 2023]
    # Fills come back from their stored 8-decimal text: trade figures agree to that precision.
    assert stored.trades.expectancy_pnl == pytest.approx(fresh.trades.expectancy_pnl, rel=1e-6)
    assert stored.trades.sqn == pytest.approx(fresh.trades.sqn, rel=1e-6)
    assert stored.buy_and_hold is not None
    np.testing.assert_allclose(stored.buy_and_hold, fresh.buy_and_hold)


def test_entries_are_attributed_to_the_group_that_fired(world) -> None:  # noqa: ANN001
    a = AnalyseRun(world.runs, world.candles).execute(world.year.run_id)
    groups = {"RSI below 35", "Crash: close 3% below previous close"}
    keys = {b.key for b in a.breakdowns.by_entry_trigger}
    allowed = groups | {"RSI below 35 | Crash: close 3% below previous close"}
    assert keys <= allowed and keys & groups
    assert sum(b.trades for b in a.breakdowns.by_entry_trigger) == a.metrics.trades


def test_without_the_candles_the_analysis_still_reads_the_stored_curves(world, tmp_path: Path) -> None:  # noqa: ANN001
    # A candle database without that market (deleted, or another profile's): the stored curves remain.
    empty = DatabaseSession({n: tmp_path / f"{n}.sqlite3" for n in ("settings", "strategies", "market_data")})
    empty.migrate_all()
    try:
        a = AnalyseRun(world.runs, SqliteCandleStore(empty)).execute(world.year.run_id)
    finally:
        empty.close_all()
    assert a.buy_and_hold is None
    assert a.metrics.trades == world.year.record.metrics["trades"]
    assert a.final_equity == pytest.approx(float(world.year.record.final_equity))
    assert [b.key for b in a.breakdowns.by_entry_trigger] == ["entry signal"]


def test_monte_carlo_of_a_stored_run(world) -> None:  # noqa: ANN001
    report = RunMonteCarlo(world.runs).execute(world.year.run_id, paths=300, seed=12, loss_threshold=0.1)
    assert report.shuffle.seed == report.bootstrap.seed == 12
    assert report.shuffle.trades == world.year.record.metrics["trades"]
    closed_final = world.year.result.final_position == 0
    if closed_final:
        assert report.shuffle.actual_final_equity == pytest.approx(world.year.result.final_equity, rel=1e-6)
    assert report.shuffle.final_equity.p5 == pytest.approx(report.shuffle.final_equity.p95)
    assert report.bootstrap.final_equity.p5 < report.bootstrap.final_equity.p95
    again = RunMonteCarlo(world.runs).execute(world.year.run_id, paths=300, seed=12, loss_threshold=0.1)
    assert again == report
    with pytest.raises(ApplicationError):
        RunMonteCarlo(world.runs).execute(world.year.run_id, paths=0)


def test_compare_flags_the_run_over_another_period(world) -> None:  # noqa: ANN001
    ids = [world.year.run_id, world.same_year.run_id, world.other.run_id]
    c = CompareRuns(world.runs).execute(ids)
    assert [r.run_id for r in c.runs] == ids
    assert [r.period_flagged for r in c.runs] == [False, False, True]
    assert c.periods.differ and c.periods.distinct == 2
    first, second = c.runs[0], c.runs[1]
    assert first.initial_capital == Decimal("10000000") and second.initial_capital == Decimal("5000000")
    assert first.fee_rate == Decimal("0.0005") and first.slippage_rate == Decimal("0")
    assert first.data_hash == second.data_hash != c.runs[2].data_hash
    assert first.strategy_hash == second.strategy_hash and first.strategy_version == 1
    assert first.period_end == "2023-01-01T00:00:00Z"
    doc = c.to_dict()
    assert doc["periods_differ"] is True and doc["runs"][1]["initial_capital"] == "5000000"
    same = CompareRuns(world.runs).execute(ids[:2])
    assert not same.periods.differ and not any(r.period_flagged for r in same.runs)


def test_missing_runs_and_wrong_counts(world) -> None:  # noqa: ANN001
    with pytest.raises(NotFoundError):
        AnalyseRun(world.runs, world.candles).execute(9999)
    with pytest.raises(NotFoundError):
        RunMonteCarlo(world.runs).execute(9999)
    with pytest.raises(NotFoundError):
        CompareRuns(world.runs).execute([world.year.run_id, 9999])
    with pytest.raises(ApplicationError):
        CompareRuns(world.runs).execute([world.year.run_id])
    with pytest.raises(ApplicationError):
        CompareRuns(world.runs).execute([world.year.run_id] * 2)
