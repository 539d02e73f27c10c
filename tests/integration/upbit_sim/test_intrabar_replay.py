"""Intrabar replay: a candle revealed open first, then price moves inside its real range, then whole; REST
and WebSocket show it as far as it is known, never the future; resting orders fill when crossed."""

from __future__ import annotations

import asyncio
from decimal import Decimal as D

from upbit_auto_trading.domain.market.tick_size import krw_tick_size
from upbit_auto_trading.infrastructure.upbit.websocket_client import (
    CandleMessage,
    Subscription,
    TickerMessage,
    UpbitWebSocketClient,
)

from .conftest import MARKET, Raw, doc, limit_bid, make_server

TF = "1h"
CANDLES = "/v1/candles/minutes/60"


def _dipping(sim, start: int = 100) -> int:
    """Index of the first stored candle from ``start`` whose low is at least 3 ticks under its open."""
    stored = sim.state.market.series(MARKET, TF).candles
    return next(
        i
        for i in range(start, len(stored))
        if stored[i].low <= stored[i].open - 3 * krw_tick_size(stored[i].open)
    )


async def _rest_candles(raw: Raw, count: int = 2) -> list[dict]:
    reply = await raw.public(CANDLES, [("market", MARKET), ("count", count)])
    assert reply.status_code == 200, reply.text
    return doc(reply)


async def test_open_next_reveals_only_the_open_and_moves_stay_in_the_real_range():
    with make_server(visible=100) as sim:
        stored = sim.state.market.series(MARKET, TF).candles
        nxt = stored[100]
        async with Raw(sim.base_url) as raw:
            opened = sim.open_next(MARKET, TF)
            assert (opened.open, opened.high, opened.low, opened.close) == (nxt.open,) * 4
            assert opened.volume == 0 and sim.state.market.price(MARKET) == nxt.open
            newest, previous = await _rest_candles(raw)
            assert (newest["opening_price"], newest["high_price"], newest["low_price"], newest["trade_price"]) == (
                nxt.open, nxt.open, nxt.open, nxt.open)  # fmt: skip
            assert newest["candle_acc_trade_volume"] == 0
            assert previous["trade_price"] == stored[99].close and previous["high_price"] == stored[99].high

            moved = sim.move_price(
                MARKET, TF, nxt.low - D("100000000")
            )  # far below: the real low is the floor
            assert moved.low == nxt.low and moved.close == nxt.low and moved.high == nxt.open
            moved = sim.move_price(MARKET, TF, nxt.high * 2)  # far above: the real high is the ceiling
            assert (moved.low, moved.high, moved.close) == (nxt.low, nxt.high, nxt.high)
            ticker = doc(await raw.public("/v1/ticker", [("markets", MARKET)]))[0]
            assert ticker["trade_price"] == nxt.high == sim.state.market.price(MARKET)
            assert (await _rest_candles(raw, 1))[0]["trade_price"] == nxt.high

            whole = sim.complete_current(MARKET, TF)
            assert whole == nxt and sim.complete_current(MARKET, TF) is None
            newest = (await _rest_candles(raw, 1))[0]
            assert (newest["trade_price"], newest["candle_acc_trade_volume"]) == (nxt.close, nxt.volume)
            future = await raw.public(
                CANDLES, [("market", MARKET), ("count", 5), ("to", "2030-01-01T00:00:00Z")]
            )
            assert doc(future)[0]["candle_date_time_utc"] == nxt.start.strftime("%Y-%m-%dT%H:%M:%S")


async def test_a_resting_limit_order_fills_at_its_limit_when_a_move_crosses_it():
    with make_server(visible=100) as sim:
        i = _dipping(sim)
        sim.advance(MARKET, TF, i - 100)
        candle = sim.state.market.series(MARKET, TF).candles[i]
        tick = krw_tick_size(candle.open)
        limit = candle.open - 2 * tick
        sim.open_next(MARKET, TF)
        async with Raw(sim.base_url) as raw:
            placed = doc(await raw.post("/v1/orders", limit_bid(str(limit), "0.002", "uat-dip")))
            assert placed["state"] == "wait"
            sim.move_price(MARKET, TF, limit + tick)  # not yet
            assert doc(await raw.get("/v1/order", [("identifier", "uat-dip")]))["state"] == "wait"
            sim.move_price(MARKET, TF, limit - tick)  # through it
            filled = doc(await raw.get("/v1/order", [("identifier", "uat-dip")]))
    assert filled["state"] == "done" and filled["executed_volume"] == D("0.002")
    (trade,) = filled["trades"]
    assert trade["price"] == limit  # a resting (maker) order fills at its own price
    assert trade["trend"] == "down"


async def test_completing_a_candle_fills_what_the_rest_of_its_range_reaches():
    with make_server(visible=100) as sim:
        i = _dipping(sim)
        sim.advance(MARKET, TF, i - 100)
        candle = sim.state.market.series(MARKET, TF).candles[i]
        sim.open_next(MARKET, TF)
        async with Raw(sim.base_url) as raw:
            await raw.post("/v1/orders", limit_bid(str(candle.low), "0.002", "uat-low"))
            assert doc(await raw.get("/v1/order", [("identifier", "uat-low")]))["state"] == "wait"
            sim.complete_current(MARKET, TF)  # the unseen low is reached before the candle ends
            assert doc(await raw.get("/v1/order", [("identifier", "uat-low")]))["state"] == "done"


def _outcome(sim) -> list[tuple]:
    orders = sorted(sim.state.exchange.orders.values(), key=lambda o: o.seq)
    return [(o.identifier, o.state, o.executed, [(t.price, t.volume) for t in o.trades]) for o in orders] + [
        sim.balance("paper-access-key-0000000000000000000000", "KRW")
    ]


async def test_advance_equals_open_next_then_complete_current():
    results = []
    for stepwise in (False, True):
        with make_server(visible=100) as sim:
            price = sim.state.market.price(MARKET)
            tick = krw_tick_size(price)
            async with Raw(sim.base_url) as raw:
                for k in range(1, 6):
                    await raw.post("/v1/orders", limit_bid(str(price - 20 * k * tick), "0.001", f"uat-{k}"))
            for _ in range(8):
                if stepwise:
                    sim.open_next(MARKET, TF)
                    sim.complete_current(MARKET, TF)
                else:
                    sim.advance(MARKET, TF)
            async with Raw(sim.base_url) as raw:
                results.append((_outcome(sim), await _rest_candles(raw, 10)))
    assert results[0] == results[1]
    states = [state for _, state, *_ in results[0][0][:-1]]
    assert states == ["done"] * 3 + ["wait"] * 2  # the 8 candles reached three of the five bids


async def _until(predicate, timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


async def test_websocket_shows_the_partial_candle_and_its_price():
    with make_server(visible=100) as sim:
        nxt = sim.state.market.series(MARKET, TF).candles[100]
        subs = [Subscription("candle.60m", (MARKET,), True), Subscription("ticker", (MARKET,), True)]
        ws = UpbitWebSocketClient(sim.ws_url, subs)
        stream = ws.messages()
        seen: list = []

        async def collect(n: int) -> None:
            async for event in stream:
                if isinstance(event, CandleMessage | TickerMessage):
                    seen.append(event)
                    if len(seen) == n:
                        return

        task = asyncio.ensure_future(collect(4))
        await _until(lambda: any(c.subs for c in list(sim.hub.clients)))
        sim.open_next(MARKET, TF)
        sim.move_price(MARKET, TF, nxt.high)
        await asyncio.wait_for(task, 5)
        await ws.close()
        await stream.aclose()
    opened, tick1, moved, tick2 = seen
    assert opened.candle.start == nxt.start and opened.candle.close == opened.candle.high == nxt.open
    assert opened.candle.volume == 0 and tick1.ticker.trade_price == nxt.open
    assert moved.candle.start == nxt.start and moved.candle.high == moved.candle.close == nxt.high
    assert moved.candle.low == min(nxt.open, nxt.high) and tick2.ticker.trade_price == nxt.high
