"""The SQLite study store: lineage round trip (Decimal money as text), cells in evaluation order with their
daily returns, walk-forward records, status, listing and deleting (cells and windows go with the study)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np

from upbit_auto_trading.application.robustness.dto import (
    CANCELLED,
    COMPLETED,
    RUNNING,
    SWEEP,
    WALK_FORWARD,
    CellResult,
    RunCosts,
    StudyDefinition,
)
from upbit_auto_trading.application.robustness.ports import WalkForwardRecord, WalkForwardWindowRecord
from upbit_auto_trading.domain.robustness.space import ParameterSpace


def _definition(kind: str = SWEEP) -> StudyDefinition:
    return StudyDefinition(
        kind=kind, strategy_name="RSI swing", strategy_id=999, strategy_version=3, strategy_hash="abc",
        strategy={"name": "RSI swing", "sizing": {"mode": "cash_percent", "value": 50}},
        triggers={"RSI below 35": {"name": "RSI below 35"}}, markets=("KRW-BTC", "KRW-ETH"), timeframe="1h",
        start=datetime(2024, 1, 20, tzinfo=UTC), end=None,
        costs=RunCosts(Decimal("12345678.9"), Decimal("0.0005"), Decimal("0.001"), False),
        space=ParameterSpace.parse(["entry.0.params.period=10,14", "rules.stop_take_profit.take_profit_pct=6.5,8"]),
        sampler="optuna", trials=3, seed=7, objective="calmar", engine_version="9", data_hashes={"KRW-BTC": "h1"},
        total_cells=4, options={"note": "x"},
    )  # fmt: skip


def _cell(key: str, segment: str, equity: str = "10000000.5") -> CellResult:
    return CellResult(key, segment, "ok", metrics={"sharpe": 1.25, "trades": 3, "cagr": None},
                      final_equity=equity, result_hash="r" + key, signals_hash="s", strategy_hash="t",
                      first_day=1_704_034_800, daily_returns=np.array([0.01, -0.005, 0.0]))  # fmt: skip


def test_a_study_round_trips_with_its_lineage_and_cells(rs, tmp_path):
    store = rs.study_store(tmp_path)
    definition = _definition()
    study_id = store.create(definition, "2024-03-01T00:00:00Z")
    stored = store.get(study_id)
    # the lineage comes back as it went in; the strategy id only while that strategy exists (none has 999)
    assert stored.definition == replace(definition, strategy_id=None)
    assert stored.definition.costs == definition.costs and stored.definition.space == definition.space
    assert stored.definition.start == definition.start and stored.definition.end is None
    assert (stored.definition.sampler, stored.definition.trials, stored.definition.seed) == ("optuna", 3, 7)
    assert stored.summary.status == RUNNING and stored.summary.evaluated == 0
    assert stored.summary.parameters == ("entry.0.params.period", "rules.stop_take_profit.take_profit_pct")

    store.add_cells(study_id, [_cell("1,0", "KRW-BTC"), _cell("1,0", "KRW-ETH")], [{"a": "14"}, {"a": "14"}])
    store.add_cells(study_id, [_cell("0,1", "KRW-BTC", "9999999.12345678")], [{"a": "10"}])
    cells = store.cells(study_id)
    assert [(c.key, c.segment) for c in cells] == [("1,0", "KRW-BTC"), ("1,0", "KRW-ETH"), ("0,1", "KRW-BTC")]
    assert cells[2].final_equity == "9999999.12345678" and cells[0].metrics == {"sharpe": 1.25, "trades": 3, "cagr": None}
    assert np.array_equal(cells[0].daily_returns, [0.01, -0.005, 0.0]) and cells[0].first_day == 1_704_034_800
    assert store.get(study_id).summary.evaluated == 2  # distinct cells

    with sqlite3.connect(tmp_path / "strategies.sqlite3") as conn:  # money stays decimal text
        costs, equity = conn.execute(
            "SELECT s.costs, c.final_equity FROM robustness_studies s JOIN robustness_cells c ON c.study_id = s.id"
            " WHERE c.cell_key = '0,1'").fetchone()  # fmt: skip
    assert '"initial_capital": "12345678.9"' in costs and equity == "9999999.12345678"

    store.set_status(study_id, COMPLETED, "2024-03-01T00:05:00Z")
    assert store.get(study_id).summary.status == COMPLETED
    assert store.get(study_id).summary.finished_at == "2024-03-01T00:05:00Z"


def test_walk_forward_records_listing_and_deleting(rs, tmp_path):
    store = rs.study_store(tmp_path)
    sweep_id = store.create(_definition(), "2024-03-01T00:00:00Z")
    wf_id = store.create(_definition(WALK_FORWARD), "2024-03-02T00:00:00Z")
    assert store.walk_forward(wf_id) is None
    window = WalkForwardWindowRecord(1, 0, 10, 10, 20, "1,0", {"a": "14"}, 0.5, 0.02, {"total_return": 0.01}, "10100000")
    record = WalkForwardRecord((window,), np.array([10, 11, 12], dtype=np.int64), np.array([1e7, 1.01e7, 1.02e7]))
    store.save_walk_forward(wf_id, record)
    store.add_cells(wf_id, [_cell("1,0", "w1/train")], [{"a": "14"}])
    back = store.walk_forward(wf_id)
    assert back.windows == (window,) and back.times.tolist() == [10, 11, 12] and back.equity.tolist() == [1e7, 1.01e7, 1.02e7]
    assert [s.study_id for s in store.list()] == [wf_id, sweep_id]  # newest first
    assert [s.study_id for s in store.list(SWEEP)] == [sweep_id]
    store.set_status(sweep_id, CANCELLED)
    assert store.delete(wf_id) and not store.delete(wf_id)
    assert store.get(wf_id) is None and store.walk_forward(wf_id) is None and store.cells(wf_id) == []
    with sqlite3.connect(tmp_path / "strategies.sqlite3") as conn:
        assert conn.execute("SELECT COUNT(*) FROM robustness_windows").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM robustness_cells WHERE study_id = ?", (wf_id,)).fetchone()[0] == 0
    assert store.get(sweep_id).summary.status == CANCELLED
