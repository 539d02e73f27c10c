"""Faults and outside events the trading engine's tests inject at the paper exchange, over real HTTP."""

from __future__ import annotations

import asyncio
from decimal import Decimal as D

import httpx
import pytest

from upbit_auto_trading.domain.trading.order import OrderRequest, OrderSide, OrderType
from upbit_auto_trading.infrastructure.upbit.errors import UpbitMarketOfflineError
from upbit_auto_trading.infrastructure.upbit.rest_client import UpbitRestClient
from upbit_auto_trading.infrastructure.upbit.websocket_client import (
    PrivateMessage,
    Subscription,
    UpbitWebSocketClient,
)
from upbit_auto_trading.infrastructure.upbit_sim.exchange import SimRejection
from upbit_auto_trading.infrastructure.upbit_sim.persistence import SimStateFile

from .conftest import ACCESS, CREDS, MARKET, Raw, doc, limit_bid, make_server

CAUTION = {
    "PRICE_FLUCTUATIONS": False,
    "TRADING_VOLUME_SOARING": False,
    "DEPOSIT_AMOUNT_SOARING": False,
    "GLOBAL_PRICE_DIFFERENCES": False,
    "CONCENTRATION_OF_SMALL_ACCOUNTS": False,
}


async def test_a_dropped_reply_still_places_and_saves_the_order(tmp_path):
    path = tmp_path / "s.json"
    with make_server(path) as sim:
        sim.drop_next_order_replies()
        async with Raw(sim.base_url) as raw:
            with pytest.raises(httpx.RemoteProtocolError):  # the connection closes without a reply
                await raw.post("/v1/orders", limit_bid("10000000", "0.01", "uat-lost"))
            assert any(o["identifier"] == "uat-lost" for o in SimStateFile(path).read()["orders"])
            assert doc(await raw.get("/v1/order", [("identifier", "uat-lost")]))["state"] == "wait"
            assert (
                await raw.post("/v1/orders", limit_bid("10000000", "0.01", "uat-next"))
            ).status_code == 201

        sim.drop_next_order_replies(1)
        request = OrderRequest(MARKET, OrderSide.BID, OrderType.PRICE, price=D("20000"))
        async with UpbitRestClient(sim.base_url, CREDS, order_lookup_delay=0.05) as client:
            order = await client.place_order(request)  # recovered by identifier, never sent twice
        assert order.identifier == request.identifier and order.executed_volume > 0
        assert sim.stats.orders_placed == 3


async def test_order_events_can_be_sent_twice():
    with make_server() as sim:
        ws = UpbitWebSocketClient(sim.private_ws_url, [Subscription("myOrder")], credentials=CREDS)
        stream = ws.messages()
        seen: list[dict] = []

        async def collect(n: int) -> None:
            async for event in stream:
                if isinstance(event, PrivateMessage) and event.type == "myOrder":
                    seen.append(event.data)
                    if len(seen) == n:
                        return

        task = asyncio.ensure_future(collect(3))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 5
        while not any(c.subs for c in list(sim.hub.clients)):
            assert loop.time() < deadline
            await asyncio.sleep(0.02)
        async with Raw(sim.base_url) as raw:
            sim.duplicate_order_events(True)
            await raw.post("/v1/orders", limit_bid("10000000", "0.01", "uat-twice"))
            sim.duplicate_order_events(False)
            await raw.post("/v1/orders", limit_bid("10000000", "0.01", "uat-once"))
        await asyncio.wait_for(task, 5)
        await ws.close()
        await stream.aclose()
    assert [m["identifier"] for m in seen] == ["uat-twice", "uat-twice", "uat-once"]
    assert seen[0] == seen[1]


async def test_an_outside_balance_change_is_shown_and_saved(tmp_path):
    path = tmp_path / "s.json"
    with make_server(path) as sim:
        sim.set_balance(ACCESS, "KRW", D("5000000"))
        sim.set_balance(ACCESS, "BTC", D("0.25"))
        async with Raw(sim.base_url) as raw:
            before = doc(await raw.get("/v1/accounts"))
    assert {a["currency"]: a["balance"] for a in before} == {"KRW": D("5000000"), "BTC": D("0.25")}
    with make_server(path) as again:
        async with Raw(again.base_url) as raw:
            assert doc(await raw.get("/v1/accounts")) == before


async def test_an_order_placed_by_someone_else(tmp_path):
    path = tmp_path / "s.json"
    with make_server(path) as sim:
        theirs = sim.place_external_order(ACCESS, limit_bid("10000000", "0.01"))
        foreign = sim.place_external_order(ACCESS, limit_bid("10000000", "0.01", "their-bot-1"))
        with pytest.raises(SimRejection, match="identifier"):
            sim.place_external_order(ACCESS, limit_bid("10000000", "0.01", "their-bot-1"))
        assert theirs["identifier"] is None and theirs["state"] == "wait"
        assert sim.stats.orders_placed == 0  # not a POST /v1/orders of ours
        async with UpbitRestClient(sim.base_url, CREDS) as client:
            assert {o.uuid for o in await client.open_orders(MARKET)} == {theirs["uuid"], foreign["uuid"]}
            assert (await client.get_order(identifier="their-bot-1")).uuid == foreign["uuid"]
        async with Raw(sim.base_url) as raw:
            reused = await raw.post("/v1/orders", limit_bid("10000000", "0.01", "their-bot-1"))
            assert doc(reused)["error"]["name"] == "duplicated_identifier"
    with make_server(path) as again:
        async with UpbitRestClient(again.base_url, CREDS) as client:
            assert len(await client.open_orders(MARKET)) == 2


async def test_market_warning_is_reported_in_upbits_market_event():
    with make_server() as sim:
        async with Raw(sim.base_url) as raw:
            plain = doc(await raw.public("/v1/market/all"))
            assert plain == [{"market": MARKET, "korean_name": "비트코인", "english_name": "Bitcoin"}]
            detailed = doc(await raw.public("/v1/market/all", [("is_details", "true")]))
            assert detailed[0]["market_event"] == {"warning": False, "caution": CAUTION}
            sim.set_market_warning(MARKET, True)
            detailed = doc(await raw.public("/v1/market/all", [("is_details", "true")]))
            assert detailed[0]["market_event"] == {"warning": True, "caution": CAUTION}
        async with UpbitRestClient(sim.base_url) as client:
            assert [m.warning for m in await client.markets()] == [True]
            sim.set_market_warning(MARKET, False)
            assert [m.warning for m in await client.markets()] == [False]


async def test_an_offline_market_refuses_new_orders():
    with make_server() as sim:
        sim.set_market_offline(MARKET, True)
        async with Raw(sim.base_url) as raw:
            refused = await raw.post("/v1/orders", limit_bid("10000000", "0.01", "uat-off"))
            assert refused.status_code == 400
            error = doc(refused)["error"]
            assert error["name"] == "market_offline" and error["message"]
        async with UpbitRestClient(sim.base_url, CREDS) as client:
            with pytest.raises(UpbitMarketOfflineError):
                await client.place_order(
                    OrderRequest(MARKET, OrderSide.BID, OrderType.PRICE, price=D("10000"))
                )
            assert sim.stats.orders_placed == 0
            sim.set_market_offline(MARKET, False)
            placed = await client.place_order(
                OrderRequest(MARKET, OrderSide.BID, OrderType.PRICE, price=D("10000"))
            )
        assert placed.executed_volume > 0 and sim.stats.orders_placed == 1
