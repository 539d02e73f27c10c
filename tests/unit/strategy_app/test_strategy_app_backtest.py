"""RunBacktest, RerunBacktest and the queue over fakes and synthetic candles (the real engine)."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pytest

from upbit_auto_trading.application.backtest.candle_window import WARMUP_CANDLES
from upbit_auto_trading.application.backtest.queue import BacktestQueue, JobStatus
from upbit_auto_trading.application.backtest.request import BacktestRequest
from upbit_auto_trading.application.backtest.signals import evaluate_signals, resolve_triggers
from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.domain.backtest import BacktestCancelled
from upbit_auto_trading.domain.backtest.sample_signals import basic_7_rule_signals
from upbit_auto_trading.domain.strategy import load_sample_strategy
from upbit_auto_trading.domain.work import CancelToken, Progress
from upbit_auto_trading.infrastructure.backtest.thread_pool import ThreadWorkerPool


def _req(**kw) -> BacktestRequest:  # noqa: ANN003
    base = {"strategy": "RSI swing", "market": "KRW-BTC", "timeframe": "1h"}
    return BacktestRequest(**(base | kw))


def test_sample_triggers_give_the_engine_reference_signals(support):
    """The seeded trigger definitions (RSI / ROC via the trigger engine) reproduce the engine engineer's
    reference arrays for basic_7_rule."""
    w = support.world(support.synthetic_candles(3000, seed=3))
    strategy = load_sample_strategy()
    ours = evaluate_signals(resolve_triggers(w.triggers, strategy), w.candles)
    ref = basic_7_rule_signals(w.candles.close)
    for key in ref:
        assert np.array_equal(ours[key], ref[key]), key
    assert ours["RSI(14) below 20"].sum() > 0 and ours["Crash: close 3% below previous close"].sum() > 0


def test_run_stores_a_record_that_reruns_identically(support):
    w = support.world()
    w.create.execute(support.rsi_document())
    seen: list[float] = []
    out = w.run.execute(_req(), progress=lambda p: seen.append(p.fraction))
    assert out.run_id == 1 and w.runs.get(1).record == out.record
    assert out.record.metrics["trades"] > 0
    assert seen == sorted(seen) and seen[-1] == 1.0
    report = w.rerun.execute(1)
    assert report.identical and report.differences == []


def test_rerun_uses_the_trigger_snapshot_after_the_trigger_changed(support):
    w = support.world()
    w.create.execute(support.rsi_document())
    first = w.run.execute(_req())
    old = w.triggers.get("RSI below 35")
    w.triggers.delete(old.condition_id)
    w.triggers.add(support.condition("RSI below 35", "RSI", {"period": 14}, "lt", "25"))
    assert w.rerun.execute(first.run_id).identical
    assert w.run.execute(_req()).record.signals_hash != first.record.signals_hash


def test_rerun_detects_changed_candles(support):
    w = support.world()
    w.create.execute(support.rsi_document())
    first = w.run.execute(_req())
    c = w.candles
    changed = replace(c, close=c.close * np.where(np.arange(len(c)) == 700, 1.01, 1.0))
    w.reader.series[("KRW-BTC", "1h")] = changed
    report = w.rerun.execute(first.run_id)
    assert not report.identical and not report.same_candles


def test_period_uses_warm_up_history_and_never_looks_ahead(support):
    w = support.world(support.synthetic_candles(2500))
    w.create.execute(support.rsi_document())
    start = datetime.fromtimestamp(int(w.candles.start[1200]), UTC)
    end = datetime.fromtimestamp(int(w.candles.start[2000]), UTC)
    out = w.run.execute(_req(start=start, end=end))
    assert out.record.candle_count == 801 and out.record.data_start == start.strftime("%Y-%m-%dT%H:%M:%SZ")
    # the entry signals inside the period equal those computed on the whole history (warm indicators)
    full = evaluate_signals(resolve_triggers(w.triggers, w.strategies.get("RSI swing").strategy), w.candles)
    assert WARMUP_CANDLES <= 1200
    entry_fills = [f["bar"] for f in out.record.fills if f["kind"] == "entry"]
    assert all(full["RSI below 35"][1200 + b - 1] for b in entry_fills)
    # altering candles after the period does not change anything
    c = w.candles
    future = replace(c, close=np.where(np.arange(len(c)) > 2000, c.close * 3, c.close))
    w.reader.series[("KRW-BTC", "1h")] = future
    again = w.run.execute(_req(start=start, end=end))
    assert again.record.result_hash == out.record.result_hash


def test_cancel_and_missing_data(support):
    w = support.world()
    w.create.execute(support.rsi_document())
    token = CancelToken()
    token.cancel()
    with pytest.raises(BacktestCancelled):
        w.run.execute(_req(), cancel=token)
    assert w.runs.list() == []
    with pytest.raises(ApplicationError, match="No 1h candles of KRW-ETH"):
        w.run.execute(_req(market="KRW-ETH"))


def test_request_settings_follow_the_market():
    krw = _req(fee_rate=Decimal("0.001")).settings()
    assert krw.tick_rounding and krw.min_order_total == Decimal(5000) and krw.fee_rate == Decimal("0.001")
    usd = _req(market="USD-BTC").settings()
    assert not usd.tick_rounding and usd.min_order_total is None


def test_queue_runs_in_order_and_cancels_waiting_jobs():
    gate = threading.Event()
    order: list[str] = []

    def run(request, progress, cancel):  # noqa: ANN001, ANN202
        if request.strategy == "first":
            gate.wait(5)
        if cancel.cancelled:
            raise BacktestCancelled("stop")
        progress(Progress(0.5, 1, "engine"))
        order.append(request.strategy)
        if request.strategy == "bad":
            raise ApplicationError("boom")
        return request.strategy

    queue = BacktestQueue(run, ThreadWorkerPool())
    done: list[int] = []
    jobs = [queue.submit(_req(strategy=n), on_done=lambda j: done.append(j.job_id)) for n in
            ("first", "second", "third", "bad")]  # fmt: skip
    assert jobs[1].status is JobStatus.QUEUED and queue.waiting() >= 2
    assert queue.cancel(jobs[2].job_id)
    assert jobs[2].status is JobStatus.CANCELLED and done == [3]  # out of the line at once, not when reached
    gate.set()
    for job in jobs:
        job.wait(5)
    queue.shutdown()
    assert order == ["first", "second", "bad"]
    assert [j.status for j in jobs] == [JobStatus.DONE, JobStatus.DONE, JobStatus.CANCELLED, JobStatus.FAILED]
    assert str(jobs[3].error) == "boom" and sorted(done) == [1, 2, 3, 4]
    assert not queue.cancel(jobs[0].job_id)


def test_running_job_cancelled_during_the_engine_is_not_stored(support):
    w = support.world(support.synthetic_candles(4000))
    w.create.execute(support.rsi_document())

    def run(request, progress, cancel):  # noqa: ANN001, ANN202
        def cancelling(p):  # noqa: ANN001, ANN202 - the user presses Cancel mid-run
            progress(p)
            if p.message == "engine":
                cancel.cancel()  # the token the queue handed in (job.token)

        return w.run.execute(request, cancelling, cancel)

    queue = BacktestQueue(run, ThreadWorkerPool())
    job = queue.submit(_req())
    job.wait(10)
    queue.shutdown()
    assert job.status is JobStatus.CANCELLED and job.phase == "cancelled"
    assert w.runs.list() == []


def test_a_start_after_the_end_is_refused_before_any_candle_is_read(support):
    """Issue 16: a reversed period read (and cached) the whole series, then said "no candles stored"."""
    w = support.world()
    w.create.execute(support.rsi_document())
    start, end = datetime(2024, 2, 1, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC)
    with pytest.raises(ApplicationError) as exc:
        w.run.execute(_req(start=start, end=end))
    assert str(exc.value) == (
        "The start (2024-02-01T00:00:00Z) is after the end (2024-01-01T00:00:00Z): "
        "the start must not be after the end"
    )
    assert w.reader.calls == 0 and w.runs.list() == []


def test_the_largest_allowed_capital_backtests_like_a_small_one(support):
    """The capital range is honest: at its top the engine still trades as it does with 10 million."""
    from upbit_auto_trading.domain.backtest.settings import MAX_INITIAL_CAPITAL

    w = support.world()
    w.create.execute(support.rsi_document())
    small = w.run.execute(_req(store=False)).record
    large = w.run.execute(_req(store=False, initial_capital=MAX_INITIAL_CAPITAL)).record
    assert large.metrics["trades"] == small.metrics["trades"] > 0
    assert large.metrics["total_return"] == pytest.approx(small.metrics["total_return"], abs=1e-6)
