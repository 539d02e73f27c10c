"""Progress, cancel and resume (grid and Optuna), re-running a stored sweep from its lineage, and the local
process pool giving the very results of the in-process worker."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.robustness.dto import (
    CANCELLED,
    COMPLETED,
    OPTUNA,
    ExecutorSpec,
    SweepRequest,
)
from upbit_auto_trading.domain.robustness.space import ParameterSpace
from upbit_auto_trading.domain.work import CancelToken, Progress

START = datetime(2024, 1, 20, tzinfo=UTC)
SPACE = ["entry.0.params.period=8:20:2", "entry.0.value=25:40:5"]  # 7 x 4 = 28 cells


def _cancel_after(cells: int, token: CancelToken, seen: list[Progress]):  # noqa: ANN202
    def progress(step: Progress) -> None:
        seen.append(step)
        if step.message == "cells" and step.done >= cells:
            token.cancel()

    return progress


def _by_key(store, study_id: int) -> dict[str, tuple[str, str, dict]]:  # noqa: ANN001
    return {c.key: (c.result_hash, c.final_equity, dict(c.metrics)) for c in store.cells(study_id)}


def test_a_cancelled_grid_sweep_keeps_its_cells_and_resumes_to_the_same_results(rs, tmp_path):
    w = rs.world(tmp_path)
    request = SweepRequest("RSI swing", ("KRW-BTC",), "1h", ParameterSpace.parse(SPACE), start=START)
    token, seen = CancelToken(), []
    first = w.run_sweep.execute(request, progress=_cancel_after(5, token, seen), cancel=token)
    assert first.status == CANCELLED and first.evaluated == 5 and first.total == 28
    assert w.store.get(first.study_id).summary.status == CANCELLED
    assert len(w.store.cells(first.study_id)) == 5  # stored as they finished
    assert seen[0].message == "loading" and [p.done for p in seen if p.message == "cells"][:6] == [0, 1, 2, 3, 4, 5]
    assert first.report.rows and all(r.key in _by_key(w.store, first.study_id) for r in first.report.rows)

    resumed: list[Progress] = []
    again = w.resume_sweep.execute(first.study_id, progress=resumed.append)
    assert again.status == COMPLETED and again.evaluated == 28 and again.study_id == first.study_id
    assert [p.done for p in resumed if p.message == "cells"][0] == 5  # continued, did not start over
    assert len(w.store.cells(first.study_id)) == 28

    other = rs.world(tmp_path / "other")
    fresh = other.run_sweep.execute(request)  # the same sweep, never interrupted
    assert _by_key(w.store, first.study_id) == _by_key(other.store, fresh.study_id)
    assert [r.key for r in again.report.rows] == [r.key for r in fresh.report.rows]
    assert w.resume_sweep.execute(first.study_id).status == COMPLETED  # nothing left: returned as it is


def test_an_optuna_sweep_evaluates_its_trials_once_each_and_resumes(rs, tmp_path):
    pytest.importorskip("optuna")  # the `optuna` extra (in `dev`, so CI runs this)
    w = rs.world(tmp_path)
    request = SweepRequest("RSI swing", ("KRW-BTC",), "1h", ParameterSpace.parse(SPACE), start=START,
                           sampler=OPTUNA, trials=10, seed=3)  # fmt: skip
    token = CancelToken()
    first = w.run_sweep.execute(request, progress=_cancel_after(4, token, []), cancel=token)
    assert first.status == CANCELLED and first.total == 10 and 4 <= first.evaluated < 10
    again = w.resume_sweep.execute(first.study_id)
    assert again.status == COMPLETED and again.evaluated == 10
    keys = [c.key for c in w.store.cells(first.study_id)]
    assert len(keys) == len(set(keys)) == 10  # ten distinct grid cells, none run twice
    assert all(k in {c.key for c in ParameterSpace.parse(SPACE).cells()} for k in keys)
    definition = w.store.get(first.study_id).definition
    assert (definition.sampler, definition.trials, definition.seed) == (OPTUNA, 10, 3)


def test_a_stored_sweep_reruns_identically_from_its_lineage_until_the_candles_change(rs, tmp_path):
    w = rs.world(tmp_path)
    request = SweepRequest("RSI swing", ("KRW-BTC",), "1h", ParameterSpace.parse(SPACE), start=START)
    outcome = w.run_sweep.execute(request)
    # the saved strategy and trigger change afterwards: the re-run uses the sweep's snapshots
    rs.save_trigger_with(w, "RSI above 65", value="80")
    report = w.rerun_sweep.execute(outcome.study_id, sample=6)
    assert report.all_identical and report.checked == report.identical == 6 and report.differences == []

    candles = w.candles[0]
    candles.close[-50] *= 1.03  # the stored candles change (a re-import, say)
    changed = w.rerun_sweep.execute(outcome.study_id, sample=3)
    assert not changed.all_identical and not changed.same_data
    assert "candles of KRW-BTC changed" in changed.differences[0]
    w.store.set_status(outcome.study_id, CANCELLED)
    with pytest.raises(ApplicationError, match="changed since study"):
        w.resume_sweep.execute(outcome.study_id)  # its remaining cells would not compare with the stored ones


def test_the_local_process_pool_gives_the_in_process_results_also_cancelled_and_resumed(rs, tmp_path):
    w = rs.world(tmp_path, executors=True)
    request = SweepRequest("RSI swing", ("KRW-BTC",), "1h", ParameterSpace.parse(SPACE), start=START)
    inline = w.run_sweep.execute(request, ExecutorSpec(workers=1))
    token = CancelToken()
    stopped = w.run_sweep.execute(request, ExecutorSpec(workers=2), progress=_cancel_after(3, token, []),
                                  cancel=token)  # fmt: skip
    assert stopped.status == CANCELLED and 3 <= stopped.evaluated < 28  # the batches under way finished
    pooled = w.resume_sweep.execute(stopped.study_id, ExecutorSpec(workers=2))
    assert pooled.status == COMPLETED and pooled.evaluated == 28
    a, b = w.store.cells(inline.study_id), w.store.cells(pooled.study_id)
    assert len(a) == len(b) == 28
    by_key = {c.key: c for c in b}
    for cell in a:
        other = by_key[cell.key]
        assert (cell.result_hash, cell.final_equity, dict(cell.metrics)) == (
            other.result_hash, other.final_equity, dict(other.metrics))
        assert np.array_equal(cell.daily_returns, other.daily_returns) and cell.first_day == other.first_day
    assert [r.key for r in inline.report.rows] == [r.key for r in pooled.report.rows]
    assert inline.report.card == pooled.report.card
