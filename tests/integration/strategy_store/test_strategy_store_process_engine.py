"""The worker-process engine (long runs) gives the same result as the in-thread one and honours cancel."""

from __future__ import annotations

import pytest

from upbit_auto_trading.application.backtest.request import BacktestRequest
from upbit_auto_trading.application.backtest.run_backtest import RunBacktest
from upbit_auto_trading.domain.backtest import BacktestCancelled
from upbit_auto_trading.domain.work import CancelToken, Progress
from upbit_auto_trading.infrastructure.backtest.process_engine import ProcessEngine


def test_process_engine_matches_thread_engine_and_cancels(support):
    w = support.world(support.synthetic_candles(5000))
    w.create.execute(support.rsi_document())
    request = BacktestRequest("RSI swing", "KRW-BTC", "1h", store=False)
    in_thread = w.run.execute(request)
    in_process = RunBacktest(w.strategies, w.triggers, w.reader, w.runs, engine=ProcessEngine(min_candles=0))
    seen: list[float] = []
    out = in_process.execute(request, progress=lambda p: seen.append(p.fraction))
    assert out.record.result_hash == in_thread.record.result_hash and seen[-1] == 1.0

    token = CancelToken()

    def cancel_in_engine(p: Progress) -> None:
        if p.message == "engine":
            token.cancel()

    with pytest.raises(BacktestCancelled):
        in_process.execute(request, progress=cancel_in_engine, cancel=token)
