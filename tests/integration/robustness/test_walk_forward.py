"""Walk-forward: windows that never overlap their test data, no decision from a later candle (changing the
candles after a window, or inside its test span, leaves what that window decided untouched), the test run
equal to a backtest of the chosen values over the test span, the stitched out-of-sample equity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from upbit_auto_trading.application.backtest.request import BacktestRequest
from upbit_auto_trading.application.robustness.dto import COMPLETED, WalkForwardRequest
from upbit_auto_trading.application.robustness.walk_forward import GetWalkForward
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.robustness.space import ParameterSpace

DAY = 86_400
SPACE = ["entry.0.params.period=10,14", "entry.0.value=30:40:5"]


def _request(**extra: object) -> WalkForwardRequest:
    return WalkForwardRequest("RSI swing", "KRW-BTC", "1h", ParameterSpace.parse(SPACE), train_seconds=20 * DAY,
                              test_seconds=10 * DAY, **extra)  # fmt: skip


def _changed_from(candles: CandleArrays, epoch: int, seed: int, until: int | None = None) -> CandleArrays:
    """A copy whose candles from ``epoch`` (to ``until``) move on another random path."""
    rng = np.random.default_rng(seed)
    mask = (candles.start >= epoch) & (candles.start < (until or 2**62))
    factor = np.ones(len(candles))
    factor[mask] = np.exp(np.cumsum(rng.normal(0, 0.02, int(mask.sum()))))
    if until is not None:  # back on the original path after the span
        factor[candles.start >= until] = 1.0
    return CandleArrays(candles.market, candles.timeframe, candles.start.copy(), candles.open * factor,
                        candles.high * factor, candles.low * factor, candles.close * factor, candles.volume.copy(),
                        candles.quote_volume * factor)  # fmt: skip


def _decisions(store, study_id: int) -> dict[str, tuple[str, str]]:  # noqa: ANN001
    """segment/cell -> result hash of every stored run."""
    return {f"{c.segment}|{c.key}": c.result_hash for c in store.cells(study_id)}


def test_windows_chosen_parameters_and_the_stitched_out_of_sample_equity(rs, tmp_path):
    w = rs.world(tmp_path)
    outcome = w.walk_forward.execute(_request())
    assert outcome.status == COMPLETED and outcome.report is not None
    report = outcome.report
    assert len(report.windows) == 8  # 100 days: a 20-day train window, then 8 test windows of 10 days
    for a, b in zip(report.windows, report.windows[1:], strict=False):
        assert b.test_start == a.test_end and b.train_start == a.train_start + timedelta(days=10)
    for win in report.windows:
        assert win.train_end == win.test_start  # the test window starts where its train window ends
        assert win.chosen_key and set(win.chosen) == {"entry.0.params.period", "entry.0.value"}
    times = report.times
    assert np.all(np.diff(times) > 0) and times[0] == int(report.windows[0].test_start.timestamp())
    assert times[-1] < int(report.windows[-1].test_end.timestamp())
    growth = np.prod([1 + win.test_metrics["total_return"] for win in report.windows])
    assert report.equity[-1] == pytest.approx(10_000_000 * growth, rel=1e-9)
    assert report.oos_total_return == pytest.approx(growth - 1, rel=1e-9)
    stored = w.store.get(outcome.study_id)
    assert stored.summary.status == COMPLETED and stored.definition.options["train_seconds"] == 20 * DAY
    again = GetWalkForward(w.store).execute(outcome.study_id)  # reopened from the store
    assert again.windows == report.windows and np.array_equal(again.equity, report.equity)
    assert again.efficiency == report.efficiency


def test_a_test_window_equals_a_backtest_of_its_chosen_values_over_that_span(rs, tmp_path):
    w = rs.world(tmp_path)
    report = w.walk_forward.execute(_request()).report
    cells = {(c.segment, c.key): c for c in w.store.cells(report.summary.study_id)}
    for win in (report.windows[1], report.windows[5]):
        rs.save_trigger_with(w, "RSI below 35", params={"period": win.chosen["entry.0.params.period"]},
                             value=win.chosen["entry.0.value"])  # fmt: skip
        record = w.backtest.execute(BacktestRequest("RSI swing", "KRW-BTC", "1h", start=win.test_start,
                                                    end=win.test_end - timedelta(seconds=1), store=False)).record  # fmt: skip
        cell = cells[(f"w{win.number}/test", win.chosen_key)]
        assert cell.result_hash == record.result_hash and dict(cell.metrics) == record.metrics


def test_no_decision_uses_a_later_candle(rs, tmp_path):
    base = rs.world(tmp_path / "a")
    original = base.candles[0]
    first = base.walk_forward.execute(_request()).report
    k = first.windows[3]
    cut = int(k.test_end.timestamp())

    # 1. Everything after window k's test span moves on another path: windows 1..k decide and trade the same
    later = rs.world(tmp_path / "b", _changed_from(original, cut, seed=99))
    second = later.walk_forward.execute(_request()).report
    before, after = _decisions(base.store, first.summary.study_id), _decisions(later.store, second.summary.study_id)
    for win in first.windows[:4]:
        mine = {key: h for key, h in before.items() if key.startswith(f"w{win.number}/")}
        assert mine and mine == {key: after[key] for key in mine}, win.number
    assert [w.chosen_key for w in second.windows[:4]] == [w.chosen_key for w in first.windows[:4]]
    assert any(before[key] != after.get(key) for key in before if key.startswith("w8/"))  # the change is seen later

    # 2. Window k's own test span changes: what its train window chose cannot change (it never saw it)
    inside = rs.world(tmp_path / "c", _changed_from(original, int(k.test_start.timestamp()), seed=7, until=cut))
    third = inside.walk_forward.execute(_request()).report
    changed = _decisions(inside.store, third.summary.study_id)
    train = {key: h for key, h in before.items() if key.startswith(f"w{k.number}/train")}
    assert train == {key: changed[key] for key in train}
    assert third.windows[3].chosen_key == k.chosen_key
    test_key = f"w{k.number}/test|{k.chosen_key}"
    assert changed[test_key] != before[test_key]  # while its test result does change: the test can fail


def test_anchored_windows_train_from_the_start(rs, tmp_path):
    w = rs.world(tmp_path)
    report = w.walk_forward.execute(_request(anchored=True, select="best")).report
    starts = {win.train_start for win in report.windows}
    assert starts == {datetime.fromtimestamp(int(w.candles[0].start[0]), UTC)}
    assert report.definition.options["anchored"] is True and report.definition.options["select"] == "best"
