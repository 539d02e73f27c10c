"""The WebSocket client over a real socket: streams, reconnect, resubscribe and candle backfill."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal as D

from upbit_auto_trading.domain.trading.order import OrderRequest, OrderSide, OrderType
from upbit_auto_trading.infrastructure.upbit.candle_fetcher import AsyncUpbitCandleFetcher
from upbit_auto_trading.infrastructure.upbit.rest_client import UpbitRestClient
from upbit_auto_trading.infrastructure.upbit.websocket_client import (
    CandleMessage,
    PrivateMessage,
    Subscription,
    TickerMessage,
    UpbitWebSocketClient,
)

from .conftest import CREDS, make_server


async def _next(stream, kind, timeout: float = 5.0):
    async def find():
        async for event in stream:
            if isinstance(event, kind):
                return event
        raise AssertionError("stream ended")

    return await asyncio.wait_for(find(), timeout)


async def _until(predicate, timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


async def test_reconnects_resubscribes_and_backfills_missed_candles():
    with make_server(candles=200, visible=100) as sim:
        stored = sim.state.market.series("KRW-BTC", "1h").candles
        async with UpbitRestClient(sim.base_url) as rest:
            ws = UpbitWebSocketClient(
                sim.ws_url,
                [Subscription("candle.60m", ("KRW-BTC",)), Subscription("ticker", ("KRW-BTC",))],
                backfill=AsyncUpbitCandleFetcher(rest),
                reconnect_base=0.05,
            )
            stream = ws.messages()
            seen: list[CandleMessage] = [await _next(stream, CandleMessage)]  # snapshot of candle 99
            assert seen[0].stream_type == "SNAPSHOT" and seen[0].candle.start == stored[99].start
            sim.advance("KRW-BTC", "1h", 3)  # 100..102 live
            for _ in range(3):
                seen.append(await _next(stream, CandleMessage))

            sim.refuse_websockets(True)  # the network goes away...
            sim.drop_websockets()
            sim.advance("KRW-BTC", "1h", 5)  # ...while 103..107 trade
            await asyncio.sleep(0.3)  # a few failed reconnects
            sim.refuse_websockets(False)
            for _ in range(5):  # 103..106 backfilled over REST, then the snapshot of 107
                seen.append(await _next(stream, CandleMessage))
            sim.advance("KRW-BTC", "1h", 2)  # resubscribed: 108..109 live again
            for _ in range(2):
                seen.append(await _next(stream, CandleMessage))
            await ws.close()
            await stream.aclose()

    starts = [m.candle.start for m in seen]
    assert starts == [c.start for c in stored[99:110]]  # contiguous: no loss, no duplicate
    assert [m.stream_type for m in seen[4:9]] == ["BACKFILL"] * 4 + ["SNAPSHOT"]
    assert all(b - a == timedelta(hours=1) for a, b in zip(starts, starts[1:], strict=False))
    assert all(m.candle.same_values(c) for m, c in zip(seen, stored[99:110], strict=True))
    assert ws.connections == 2 and ws.backfilled == 4


async def test_ticker_stream_follows_the_replay():
    with make_server(candles=50, visible=10) as sim:
        ws = UpbitWebSocketClient(sim.ws_url, [Subscription("ticker", ("KRW-BTC",), is_only_realtime=True)])
        stream = ws.messages()
        task = asyncio.ensure_future(_next(stream, TickerMessage))
        await _until(lambda: len(sim.hub.clients) == 1 and any(c.subs for c in list(sim.hub.clients)))
        sim.advance("KRW-BTC", "1h")
        tick = await task
        await ws.close()
        await stream.aclose()
        assert tick.stream_type == "REALTIME"
        assert tick.ticker.trade_price == sim.state.market.price("KRW-BTC")


async def test_private_stream_reports_my_orders():
    with make_server(candles=50) as sim:
        ws = UpbitWebSocketClient(sim.private_ws_url, [Subscription("myOrder")], credentials=CREDS)
        stream = ws.messages()
        task = asyncio.ensure_future(_next(stream, PrivateMessage))
        await _until(lambda: any(c.subs for c in list(sim.hub.clients)))
        async with UpbitRestClient(sim.base_url, CREDS) as rest:
            order = await rest.place_order(
                OrderRequest("KRW-BTC", OrderSide.BID, OrderType.PRICE, price=D("10000"))
            )
        event = await task
        await ws.close()
        await stream.aclose()
        assert event.type == "myOrder" and event.data["uuid"] == order.uuid
        assert event.data["identifier"] == order.identifier
