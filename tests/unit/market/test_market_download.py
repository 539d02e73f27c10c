from __future__ import annotations

from datetime import UTC, datetime

import pytest

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.market_data.download_candles import DownloadCandles, DownloadCommand
from upbit_auto_trading.application.market_data.errors import DownloadError
from upbit_auto_trading.application.ports.candle_page_fetcher import NetworkUnavailableError
from upbit_auto_trading.domain.work import CancelToken

H = 3600
BASE = 1_704_067_200  # 2024-01-01T00:00Z
N = 450


class FakeExchange:
    """Answers like Upbit: up to ``count`` candles starting before ``to``, newest first."""

    def __init__(self, make, starts, fail_on_call: int | None = None, error: Exception | None = None) -> None:
        self.candles = {s: make(s, close=str(100 + (s - BASE) // H)) for s in starts}
        self.calls: list[datetime | None] = []
        self.fail_on_call = fail_on_call
        self.error = error or RuntimeError("HTTP 500")

    def fetch_candles(self, market, timeframe_code, to, count=200):
        self.calls.append(to)
        if self.fail_on_call is not None and len(self.calls) == self.fail_on_call:
            raise self.error
        limit = to.timestamp() if to else float("inf")
        older = sorted((s for s in self.candles if s < limit), reverse=True)[:count]
        return [self.candles[s] for s in older]


def _clock():
    return datetime.fromtimestamp(BASE + N * H + 30, UTC)  # the candle at BASE + N*H is still open


def _cmd(start=BASE, end=BASE + (N - 1) * H) -> DownloadCommand:
    return DownloadCommand(
        "KRW-BTC", "1h", datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(end, UTC)
    )


def test_pages_across_200_candle_boundaries_without_loss_or_duplicates(store, fakes):
    exchange = FakeExchange(fakes["make_candle"], [BASE + i * H for i in range(N + 1)])
    state = fakes["FakeStateStore"]()
    seen = []
    report = DownloadCandles(exchange, store, state, clock=_clock).execute(_cmd(), progress=seen.append)
    assert report.status == "complete" and report.pages == 3
    assert report.inserted == N and store.starts("KRW-BTC", "1h") == [BASE + i * H for i in range(N)]
    assert state.states == {}  # finished: nothing to resume
    assert seen[-1].fraction == 1.0 and [p.done for p in seen[:-1]] == [200, 400, 450]


def test_cancel_then_resume_continues_where_it_stopped(store, fakes):
    exchange = FakeExchange(fakes["make_candle"], [BASE + i * H for i in range(N + 1)])
    state = fakes["FakeStateStore"]()
    token = CancelToken()
    first = DownloadCandles(exchange, store, state, clock=_clock).execute(
        _cmd(), progress=lambda p: token.cancel(), cancel=token
    )
    assert first.status == "cancelled" and first.fetched == 200 and store.count("KRW-BTC", "1h") == 200
    saved = state.load("KRW-BTC", "1h")
    assert saved is not None and saved.cursor == BASE + (N - 200) * H

    exchange.calls.clear()
    second = DownloadCandles(exchange, store, state, clock=_clock).execute(_cmd())
    assert second.resumed and second.status == "complete"
    assert exchange.calls[0] == datetime.fromtimestamp(saved.cursor, UTC)  # not from the top again
    assert second.inserted == N - 200 and store.count("KRW-BTC", "1h") == N


def test_a_failure_keeps_the_progress_and_a_rerun_resumes(store, fakes):
    exchange = FakeExchange(fakes["make_candle"], [BASE + i * H for i in range(N)], fail_on_call=2)
    state = fakes["FakeStateStore"]()
    with pytest.raises(DownloadError, match="resume"):
        DownloadCandles(exchange, store, state, clock=_clock).execute(_cmd())
    assert store.count("KRW-BTC", "1h") == 200 and state.load("KRW-BTC", "1h") is not None
    exchange.fail_on_call = None
    report = DownloadCandles(exchange, store, state, clock=_clock).execute(_cmd())
    assert report.resumed and store.count("KRW-BTC", "1h") == N


def test_no_network_says_so_and_changes_nothing(store, fakes):
    exchange = FakeExchange(
        fakes["make_candle"], [BASE], fail_on_call=1, error=NetworkUnavailableError("connection refused")
    )
    with pytest.raises(NetworkUnavailableError, match="Cannot reach the exchange"):
        DownloadCandles(exchange, store, fakes["FakeStateStore"](), clock=_clock).execute(_cmd())
    assert store.series() == []


def test_update_without_start_uses_the_newest_stored_candle(store, fakes):
    mk = fakes["make_candle"]
    exchange = FakeExchange(mk, [BASE + i * H for i in range(N + 1)])
    store.upsert([exchange.candles[BASE + (N - 10) * H]])
    report = DownloadCandles(exchange, store, fakes["FakeStateStore"](), clock=_clock).execute(
        DownloadCommand("KRW-BTC", "1h")
    )
    assert report.start == datetime.fromtimestamp(BASE + (N - 10) * H, UTC)
    assert report.inserted == 9 and report.duplicates == 1  # the open candle at N is skipped
    with pytest.raises(ApplicationError, match="give a start date for the first download"):  # no CLI flag
        DownloadCandles(
            exchange, fakes["FakeCandleStore"](), fakes["FakeStateStore"](), clock=_clock
        ).execute(DownloadCommand("KRW-BTC", "1h"))
