"""Every sweep cell equals a single backtest (``RunBacktest``, not stored) of the strategy and triggers saved
with that cell's values, bit for bit: same fills and equity curve (result hash), same signals, same metrics
and final equity. The study store is a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from upbit_auto_trading.application.backtest.request import BacktestRequest
from upbit_auto_trading.application.robustness.dto import COMPLETED, INVALID, OK, SweepRequest
from upbit_auto_trading.domain.robustness.space import Cell, ParameterSpace
from upbit_auto_trading.domain.strategy import strategy_from_dict

START = datetime(2024, 1, 20, tzinfo=UTC)


def _backtest(w, strategy: str = "RSI swing"):  # noqa: ANN001, ANN202
    request = BacktestRequest(strategy, "KRW-BTC", "1h", start=START, store=False)
    return w.backtest.execute(request).record


def test_sampled_cells_equal_backtests_of_the_saved_values(rs, tmp_path):
    w = rs.world(tmp_path)
    space = ParameterSpace.parse([
        "entry.0.params.period=10:18:4", "entry.0.value=30,35", "exit.0.value=65,70",
        "rules.stop_take_profit.take_profit_pct=6,8.5",
    ])  # fmt: skip
    outcome = w.run_sweep.execute(SweepRequest("RSI swing", ("KRW-BTC",), "1h", space, start=START))
    assert outcome.status == COMPLETED and outcome.evaluated == outcome.total == space.size == 24
    cells = {c.key: c for c in w.store.cells(outcome.study_id)}
    assert len(cells) == 24 and all(c.status == OK for c in cells.values())
    assert len({c.result_hash for c in cells.values()}) > 12  # the parameters matter: the test can fail
    for key in ("0,0,0,0", "1,1,0,1", "2,0,1,1", "2,1,1,0", "0,1,1,1"):
        values = space.labelled(Cell.from_key(key))
        rs.save_trigger_with(w, "RSI below 35", params={"period": values["entry.0.params.period"]},
                             value=values["entry.0.value"])  # fmt: skip
        rs.save_trigger_with(w, "RSI above 65", value=values["exit.0.value"])
        take = Decimal(values["rules.stop_take_profit.take_profit_pct"])
        rs.save_strategy_with(w, "RSI swing", lambda s, t=take: rs.with_rule(s, "stop_take_profit", take_profit_pct=t))
        record, cell = _backtest(w), cells[key]
        assert cell.result_hash == record.result_hash, key
        assert cell.signals_hash == record.signals_hash and cell.strategy_hash == record.strategy_hash
        assert dict(cell.metrics) == record.metrics and cell.final_equity == record.final_equity
        assert record.metrics["trades"] > 0


def test_linked_paths_cooldown_and_sizing_equal_backtests_too(rs, tmp_path):
    w = rs.world(tmp_path)
    space = ParameterSpace.parse(["entry.0.params.period,exit.0.params.period=9,21", "cooldown_candles=0,5",
                                  "sizing.value=30,100"])  # fmt: skip
    outcome = w.run_sweep.execute(SweepRequest("RSI swing", ("KRW-BTC",), "1h", space, start=START))
    cells = {c.key: c for c in w.store.cells(outcome.study_id)}
    for key in ("1,1,0", "0,0,1"):
        values = space.labelled(Cell.from_key(key))
        period = values["entry.0.params.period,exit.0.params.period"]
        rs.save_trigger_with(w, "RSI below 35", params={"period": period})
        rs.save_trigger_with(w, "RSI above 65", params={"period": period})

        def change(s, v=values):  # noqa: ANN001, ANN202
            from dataclasses import replace

            from upbit_auto_trading.domain.strategy import PositionSizing

            return replace(s, cooldown_candles=int(v["cooldown_candles"]),
                           sizing=PositionSizing(s.sizing.mode, Decimal(v["sizing.value"])))  # fmt: skip

        rs.save_strategy_with(w, "RSI swing", change)
        record = _backtest(w)
        assert cells[key].result_hash == record.result_hash and dict(cells[key].metrics) == record.metrics


def test_values_that_make_an_invalid_strategy_are_invalid_cells_and_the_sweep_goes_on(rs, support, tmp_path):
    w = rs.world(tmp_path)
    doc = support.rsi_document("RSI partial")
    doc["management"].append({"type": "partial_take_profit", "profit_pct": 5, "sell_pct": 50})
    w.strategies.add(strategy_from_dict(doc))
    space = ParameterSpace.parse(["rules.partial_take_profit.profit_pct=4,9", "entry.0.value=30,35"])
    outcome = w.run_sweep.execute(SweepRequest("RSI partial", ("KRW-BTC",), "1h", space, start=START))
    assert outcome.status == COMPLETED
    rows = {r.key: r for r in outcome.report.rows}
    assert rows["1,0"].status == INVALID and "never fires before the take-profit" in rows["1,0"].error and rows["1,0"].rank is None
    assert rows["0,0"].status == OK and rows["0,0"].rank is not None
    assert outcome.report.card.trials == 2  # invalid cells ran no backtest: not trials


def test_paths_and_values_the_strategy_cannot_take_are_refused_before_anything_runs(rs, tmp_path):
    from upbit_auto_trading.domain.robustness.errors import ParameterPathError, ParameterSpaceError

    w = rs.world(tmp_path)
    for spec, error, says in (
        ("rules.trailing_stop.trail_pct=1,2", ParameterPathError, "no trailing_stop rule"),
        ("entry.0.params.period=10.5,12", ParameterSpaceError, "whole numbers"),
        ("entry.0.value=50:120:10", ParameterSpaceError, "at most 100"),
    ):
        with pytest.raises(error) as err:
            w.run_sweep.execute(SweepRequest("RSI swing", ("KRW-BTC",), "1h", ParameterSpace.parse([spec])))
        assert says in str(err.value)
    assert w.store.list() == []  # nothing stored
