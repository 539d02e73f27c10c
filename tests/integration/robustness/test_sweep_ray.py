"""The Ray path on a local Ray instance gives the same table as the in-process worker and the local pool
(skipped only where Ray is not installed: pip install -e ".[ray]")."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from upbit_auto_trading.application.robustness.dto import COMPLETED, ExecutorSpec, SweepRequest
from upbit_auto_trading.domain.robustness.space import ParameterSpace

ray = pytest.importorskip("ray")

START = datetime(2024, 1, 20, tzinfo=UTC)


@pytest.fixture
def local_ray():  # noqa: ANN201
    yield "local"
    ray.shutdown()


@pytest.mark.slow  # starting Ray takes 10-20 s
def test_a_sweep_on_local_ray_equals_the_local_run(rs, tmp_path, local_ray):
    w = rs.world(tmp_path, executors=True)
    space = ParameterSpace.parse(["entry.0.params.period=8:20:4", "entry.0.value=30,35,40"])
    request = SweepRequest("RSI swing", ("KRW-BTC",), "1h", space, start=START)
    local = w.run_sweep.execute(request, ExecutorSpec(workers=1))
    on_ray = w.run_sweep.execute(request, ExecutorSpec(workers=2, ray_address=local_ray))
    assert on_ray.status == COMPLETED and on_ray.evaluated == local.evaluated == 12
    assert ray.is_initialized()  # it really ran on Ray
    a = {c.key: c for c in w.store.cells(local.study_id)}
    b = {c.key: c for c in w.store.cells(on_ray.study_id)}
    assert a.keys() == b.keys()
    for key, cell in a.items():
        other = b[key]
        assert (cell.result_hash, cell.signals_hash, cell.final_equity, dict(cell.metrics)) == (
            other.result_hash, other.signals_hash, other.final_equity, dict(other.metrics))
        assert np.array_equal(cell.daily_returns, other.daily_returns)
    assert [r.to_dict() for r in local.report.rows] == [r.to_dict() for r in on_ray.report.rows]  # the same table
    assert local.report.card == on_ray.report.card
