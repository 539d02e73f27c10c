"""UpbitMarketFeed against the loopback Upbit server: closed candles in order, saved, backfilled after an
outage without gap or duplicate; day candles polled over REST."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from upbit_auto_trading.application.trading.ports import ClosedCandle, FeedEvent
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.infrastructure.market_data.candle_store import SqliteCandleStore
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession
from upbit_auto_trading.infrastructure.trading.upbit_market_feed import UpbitMarketFeed, candle_saver
from upbit_auto_trading.infrastructure.upbit.rest_client import UpbitRestClient
from upbit_auto_trading.infrastructure.upbit_sim import SimConfig, UpbitSimServer
from upbit_auto_trading.infrastructure.upbit_sim.market import MarketReplay, synthetic_candles

MARKET = "KRW-BTC"


def _server(timeframe: str, visible: int = 10) -> UpbitSimServer:
    replay = MarketReplay()
    replay.add_candles(synthetic_candles(MARKET, timeframe, 60), visible=visible)
    return UpbitSimServer(SimConfig(), replay)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteCandleStore]:
    session = DatabaseSession(
        {n: tmp_path / f"{n}.sqlite3" for n in ("settings", "strategies", "market_data")}
    )
    session.migrate_all()
    yield SqliteCandleStore(session)
    session.close_all()


class Collector:
    """Follows ``feed.events()`` in a task; closed candles and ticks land in their own queues."""

    def __init__(self, feed: UpbitMarketFeed) -> None:
        self.feed = feed
        self.closed: asyncio.Queue[ClosedCandle] = asyncio.Queue()
        self.ticks = 0
        self._events: AsyncIterator[FeedEvent] = feed.events()
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        async for event in self._events:
            if event.closed is not None:
                self.closed.put_nowait(event.closed)
            elif event.tick is not None:
                self.ticks += 1

    async def take(self, n: int, timeout: float = 5.0) -> list[ClosedCandle]:
        return [await asyncio.wait_for(self.closed.get(), timeout) for _ in range(n)]

    async def close(self) -> None:
        await self.feed.aclose()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(self._task, 5.0)


def _stored(sim: UpbitSimServer, timeframe: str) -> list[Candle]:
    series = sim.state.market.series(MARKET, timeframe)
    assert series is not None
    return list(series.candles)


async def test_closed_candles_in_order_saved_and_backfilled_after_an_outage(store):
    with _server("1h") as sim:
        stored = _stored(sim, "1h")  # candles 0..9 visible; 9 is the one forming
        saved: list[Candle] = []
        write = candle_saver(store)

        def save(candle: Candle) -> None:
            write(candle)
            saved.append(candle)

        feed = UpbitMarketFeed(
            UpbitRestClient(sim.base_url, timeout=2.0),
            sim.ws_url,
            [MARKET],
            "1h",
            save,
            last_closed={MARKET: stored[7]},  # the engine decided up to 7 before a restart
            grace=None,  # the replay clock is not the wall clock: only a later candle closes one
            poll_interval=0.05,
            reconnect_base=0.05,
        )
        got = Collector(feed)
        try:
            got_8 = await got.take(1)  # the snapshot of 9 closes 8, which the stream never showed
            sim.advance(MARKET, "1h")  # 10 starts: 9 closed
            sim.advance(MARKET, "1h")  # 11 starts: 10 closed
            live = await got.take(2)

            sim.refuse_websockets(True)  # the network goes away...
            sim.drop_websockets()
            sim.advance(MARKET, "1h", 3)  # ...while 12, 13 and 14 start
            await asyncio.sleep(0.3)
            sim.refuse_websockets(False)
            after_outage = await got.take(3)  # 11 (seen live), 12 and 13 (backfilled over REST)
            sim.advance(MARKET, "1h")  # 15 starts: 14 (the snapshot after the reconnect) closed
            last = await got.take(1)
            with pytest.raises(asyncio.TimeoutError):
                await got.take(1, timeout=0.3)  # nothing else: 15 is still forming
        finally:
            await got.close()

    closed = got_8 + live + after_outage + last
    assert [c.candle.start for c in closed] == [c.start for c in stored[8:15]]  # no gap, no duplicate
    assert all(c.candle.same_values(s) for c, s in zip(closed, stored[8:15], strict=True))
    assert [c.backfilled for c in closed] == [True, False, False, False, True, True, False]
    assert saved == [c.candle for c in closed]
    in_db = store.load_candles(MARKET, "1h")
    assert [c.start for c in in_db] == [c.start for c in stored[8:15]]
    assert feed.last_closed[MARKET].start == stored[14].start
    assert feed.reconnects >= 1 and got.ticks >= 2  # the trades of 10 and 11 (later ones may still queue)


async def test_day_candles_are_polled_over_rest():
    with _server("1d") as sim:
        stored = _stored(sim, "1d")

        def replay_now() -> datetime:
            with sim.state.lock:
                return sim.state.market.now(MARKET)  # the end of the newest revealed candle

        saved: list[Candle] = []
        feed = UpbitMarketFeed(
            UpbitRestClient(sim.base_url, timeout=2.0),
            sim.ws_url,
            [MARKET],
            "1d",
            saved.append,
            grace=0.0,
            poll_interval=0.05,
            clock=replay_now,
        )
        got = Collector(feed)
        try:
            await asyncio.sleep(0.3)  # the first poll: candle 10 is the first to yield when it closes
            sim.advance(MARKET, "1d")  # the clock passes the end of 10
            regular = await got.take(1)
            sim.advance(MARKET, "1d", 3)  # a jump: 11, 12 and 13 closed at once
            jumped = await got.take(3)
        finally:
            await got.close()

    closed = regular + jumped
    assert [c.candle.start for c in closed] == [c.start for c in stored[10:14]]
    assert [c.backfilled for c in closed] == [False, True, True, True]
    assert saved == [c.candle for c in closed]
