"""Candle paging, rate limiting (429 backoff, 418 stop) over real HTTP."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from upbit_auto_trading.application.ports.candle_page_fetcher import NetworkUnavailableError
from upbit_auto_trading.infrastructure.upbit.candle_fetcher import UpbitCandleFetcher
from upbit_auto_trading.infrastructure.upbit.errors import UpbitBlockedError
from upbit_auto_trading.infrastructure.upbit.rate_limiter import BackoffPolicy, RateLimiter
from upbit_auto_trading.infrastructure.upbit.rest_client import UpbitRestClient
from upbit_auto_trading.infrastructure.upbit.sync_client import UpbitSyncClient

from .conftest import make_server

GAPS = {5, 199, 200, 201, 400, 401, 777}  # hours with no trade: no candle, around page boundaries


def _fast() -> RateLimiter:
    return RateLimiter({"candle": 1000}, backoff=BackoffPolicy(base=0.05, cap=0.4, max_retries=8))


async def test_paging_across_200_boundaries_loses_and_repeats_nothing():
    with make_server(candles=1000, drop=GAPS) as sim:
        stored = sim.state.market.series("KRW-BTC", "1h").candles
        async with UpbitRestClient(sim.base_url, limiter=_fast()) as client:
            got = [c async for page in client.iter_candles("KRW-BTC", "1h") for c in page]
            start, end = stored[150].start, stored[780].start
            ranged = [c async for page in client.iter_candles("KRW-BTC", "1h", start, end) for c in page]
    assert len(got) == len(stored) == 1000 - len(GAPS)
    assert [c.start for c in got] == sorted((c.start for c in stored), reverse=True)
    assert all(a.same_values(b) for a, b in zip(reversed(got), stored, strict=True))
    assert [c.start for c in reversed(ranged)] == [c.start for c in stored[150:780]]


def test_fetcher_port_returns_newest_first_before_to():
    with make_server(candles=300) as sim:
        stored = sim.state.market.series("KRW-BTC", "1h").candles
        with UpbitCandleFetcher(UpbitSyncClient(sim.base_url, limiter=_fast())) as fetcher:
            page = fetcher.fetch_candles("KRW-BTC", "1h", stored[250].start, 200)
            newest = fetcher.fetch_candles("KRW-BTC", "1h", None, 5)
    assert [c.start for c in page] == [c.start for c in reversed(stored[50:250])]
    assert newest[0].start == stored[-1].start and len(newest) == 5


async def test_client_backs_off_on_429_from_a_server_limited_low():
    with make_server(candles=1000) as sim:
        sim.set_rate_limit("candle", 2)
        stored = sim.state.market.series("KRW-BTC", "1h").candles
        tos = [stored[i].start for i in range(200, 1000, 100)]
        async with UpbitRestClient(sim.base_url, limiter=_fast()) as client:
            # concurrent requests: the client cannot know from headers yet, so the server answers 429
            pages = await asyncio.gather(*(client.candles("KRW-BTC", "1h", to, 50) for to in tos))
            retries = client.retries
        assert [p[0].start for p in pages] == [stored[i - 1].start for i in range(200, 1000, 100)]
        assert all(len(p) == 50 for p in pages)
        assert sim.stats.rejected_429 > 0 and retries >= sim.stats.rejected_429


async def test_418_stops_the_client():
    with make_server(candles=400, block_after=3, block_seconds=60) as sim:
        sim.set_rate_limit("candle", 1)
        limiter = RateLimiter({"candle": 1000}, backoff=BackoffPolicy(base=0.0, cap=0.0, max_retries=20))
        async with UpbitRestClient(sim.base_url, limiter=limiter) as client:
            results = await asyncio.gather(
                *(client.candles("KRW-BTC", "1h", count=10) for _ in range(10)), return_exceptions=True
            )
            blocked = [r for r in results if isinstance(r, UpbitBlockedError)]
            assert blocked and all(b.retry_after > 0 for b in blocked)
            assert sim.stats.rejected_418 > 0
            sent = sim.stats.requests
            with pytest.raises(UpbitBlockedError):
                await client.markets()  # refused locally: nothing more reaches the server
            assert sim.stats.requests == sent


async def test_published_rate_is_respected_without_any_429():
    with make_server(candles=1400) as sim:
        stored = sim.state.market.series("KRW-BTC", "1h").candles
        limiter = RateLimiter({"candle": 5})
        sim.set_rate_limit("candle", 5)
        async with UpbitRestClient(sim.base_url, limiter=limiter) as client:
            got = [
                c
                async for page in client.iter_candles("KRW-BTC", "1h", stored[0].start - timedelta(hours=1))
                for c in page
            ]
        assert len(got) == 1400 and sim.stats.rejected_429 == 0


def test_fetcher_reports_no_network_with_the_port_error():
    with make_server(candles=10) as sim:
        url = sim.base_url
    # the server is gone: nothing listens on that port any more
    limiter = RateLimiter(backoff=BackoffPolicy(base=0.01, cap=0.02))
    with UpbitCandleFetcher(UpbitSyncClient(url, limiter=limiter, timeout=2)) as fetcher:
        with pytest.raises(NetworkUnavailableError, match="cannot be reached"):
            fetcher.fetch_candles("KRW-BTC", "1h", None)
