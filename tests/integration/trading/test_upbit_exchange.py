"""UpbitExchange (the ExchangePort adapter) against the loopback Upbit server over real HTTP/WebSocket."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from upbit_auto_trading.application.trading.ports import (
    ExchangeError,
    ExchangeOrder,
    MarketOffline,
    OrderFateUnknown,
    OrderRejected,
)
from upbit_auto_trading.domain.trading.order import OrderRequest, OrderSide, OrderState, OrderType
from upbit_auto_trading.infrastructure.trading.upbit_exchange import UpbitExchange
from upbit_auto_trading.infrastructure.trading.upbit_orders import my_order
from upbit_auto_trading.infrastructure.upbit.auth import UpbitCredentials
from upbit_auto_trading.infrastructure.upbit.rest_client import UpbitRestClient
from upbit_auto_trading.infrastructure.upbit_sim import SimAccountSpec, SimConfig, UpbitSimServer
from upbit_auto_trading.infrastructure.upbit_sim.factory import DEMO_ACCESS_KEY, DEMO_SECRET_KEY
from upbit_auto_trading.infrastructure.upbit_sim.market import MarketReplay, synthetic_candles

CREDS = UpbitCredentials(DEMO_ACCESS_KEY, DEMO_SECRET_KEY)
MARKET = "KRW-BTC"


def _server(**config: object) -> UpbitSimServer:
    replay = MarketReplay()
    replay.add_candles(synthetic_candles(MARKET, "1h", 200), visible=100)
    account = SimAccountSpec(DEMO_ACCESS_KEY, DEMO_SECRET_KEY, {"KRW": D("1000000")})
    return UpbitSimServer(SimConfig(accounts=[account], **config), replay)  # type: ignore[arg-type]


@pytest.fixture
def sim() -> Iterator[UpbitSimServer]:
    with _server() as server:
        yield server


def _exchange(sim: UpbitSimServer, timeout: float = 3.0) -> UpbitExchange:
    client = UpbitRestClient(sim.base_url, CREDS, timeout=timeout, order_lookup_delay=0.05)
    # The server's clock is its replay clock (orders are stamped with it), so the exchange's is too.
    return UpbitExchange(client, sim.private_ws_url, CREDS, clock=lambda: _sim_now(sim), reconnect_base=0.05)


def _sim_now(sim: UpbitSimServer) -> datetime:
    with sim.state.lock:
        return sim.state.market.now(MARKET)


def _limit_bid(price: str, volume: str) -> OrderRequest:
    return OrderRequest(MARKET, OrderSide.BID, OrderType.LIMIT, volume=D(volume), price=D(price))


def _market_buy(krw: str = "100000") -> OrderRequest:
    return OrderRequest(MARKET, OrderSide.BID, OrderType.PRICE, price=D(krw))


async def test_rules_balances_check_and_market_list(sim):
    ex = _exchange(sim)
    try:
        rules = await ex.rules(MARKET)
        assert (rules.bid_fee, rules.ask_fee, rules.min_total) == (D("0.0005"), D("0.0005"), D("5000"))
        assert (await ex.balances())["KRW"].total == D("1000000")
        await ex.check(_limit_bid("10000000", "0.01"))  # would be accepted: no error
        with pytest.raises(OrderRejected) as refused:
            await ex.check(_limit_bid("10000000", "0.0001"))  # 1,000 KRW < 5,000
        assert refused.value.name == "under_min_total_bid"
        assert await ex.warned_markets() == frozenset()
        warnings = getattr(sim.state.faults, "market_warnings", None)
        if warnings is not None:  # the server can flag markets (market_event.warning)
            warnings.add(MARKET)
            assert await ex.warned_markets() == frozenset({MARKET})
    finally:
        await ex.aclose()
    assert sim.stats.orders_placed == 0


async def test_place_lookup_cancel_and_order_lists(sim):
    ex = _exchange(sim)
    try:
        resting = await ex.place(_limit_bid("10000000", "0.01"))  # far below the market: rests
        assert resting.state is OrderState.WAIT and resting.identifier
        assert [o.identifier for o in await ex.open_orders()] == [resting.identifier]
        looked = await ex.lookup(resting.identifier)
        assert looked is not None and looked.uuid == resting.uuid and looked.trades == ()
        cancelled = await ex.cancel(resting.identifier)
        assert cancelled.state is OrderState.CANCEL
        assert await ex.open_orders() == []
        with pytest.raises(OrderRejected):
            await ex.cancel(resting.identifier)  # nothing left to cancel

        bought = await ex.place(_market_buy())
        filled = await ex.lookup(bought.identifier or "")
        assert filled is not None and filled.executed_volume > 0 and filled.state.is_final
        assert filled.trades and sum(t.volume for t in filled.trades) == filled.executed_volume
        assert all(t.trade_id and t.funds == t.price * t.volume for t in filled.trades)
        assert await ex.lookup("uat-never-placed") is None

        recent = {o.identifier for o in await ex.closed_orders(_sim_now(sim) - timedelta(days=1))}
        long_ago = {o.identifier for o in await ex.closed_orders(_sim_now(sim) - timedelta(days=20))}
        default = {o.identifier for o in await ex.closed_orders()}
        assert recent == long_ago == default == {resting.identifier, bought.identifier}
        assert await ex.closed_orders(_sim_now(sim) + timedelta(hours=1)) == []
        balances = await ex.balances()
        assert balances["BTC"].balance == filled.executed_volume
    finally:
        await ex.aclose()
    assert sim.stats.orders_placed == 2


async def test_refusals_are_rejections_with_upbit_names(sim):
    ex = _exchange(sim)
    try:
        cases = {
            "insufficient_funds_bid": _limit_bid("50000000", "1"),
            "under_min_total_bid": _limit_bid("50000000", "0.00001"),
            "invalid_price_bid": _limit_bid("50000500", "0.001"),
        }
        for name, request in cases.items():
            with pytest.raises(OrderRejected) as refused:
                await ex.place(request)
            assert refused.value.name == name and not isinstance(refused.value, MarketOffline)
        sim.state.exchange.offline_markets.add(MARKET)
        with pytest.raises(MarketOffline) as offline:
            await ex.place(_market_buy())
        assert offline.value.name == "market_offline"
    finally:
        await ex.aclose()
    assert sim.stats.orders_placed == 0


async def test_duplicate_identifier_answers_with_the_order_already_placed(sim):
    ex = _exchange(sim)
    try:
        request = _limit_bid("10000000", "0.01")
        first = await ex.place(request)
        again = await ex.place(request)  # the same identifier sent twice
    finally:
        await ex.aclose()
    assert again.uuid == first.uuid
    assert sim.stats.orders_placed == 1


async def test_lost_reply_is_found_by_identifier_and_placed_once(sim):
    sim.delay_order_replies(1.0)  # placed at once, answered after the client's 0.3 s timeout
    ex = _exchange(sim, timeout=0.3)
    request = _market_buy("20000")
    try:
        order = await ex.place(request)
    finally:
        await ex.aclose()
    assert order.identifier == request.identifier and order.executed_volume > 0
    assert sim.stats.orders_placed == 1


async def test_lost_reply_with_a_failed_look_up_is_fate_unknown():
    with _server(block_after=1) as sim:
        sim.delay_order_replies(1.0)
        sim.set_rate_limit("default", 0)  # every look-up is refused (429, then a 418 block)
        ex = _exchange(sim, timeout=0.3)
        try:
            with pytest.raises(OrderFateUnknown):
                await ex.place(_market_buy("20000"))
        finally:
            await ex.aclose()
        assert sim.stats.orders_placed == 1  # it was placed: only the engine's later look-up can tell


async def test_unreachable_exchange_is_an_error_with_nothing_sent():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = UpbitRestClient(f"http://127.0.0.1:{port}", CREDS, timeout=1.0, max_read_retries=0)
    ex = UpbitExchange(client, None, CREDS)
    try:
        with pytest.raises(ExchangeError) as failed:
            await ex.place(_market_buy())
    finally:
        await ex.aclose()
    assert type(failed.value) is ExchangeError  # not OrderFateUnknown: the request never left


async def test_order_updates_carry_the_fill_of_a_placed_order(sim):
    ex = _exchange(sim)
    updates: asyncio.Queue[ExchangeOrder] = asyncio.Queue()

    async def follow() -> None:
        async for order in ex.order_updates():
            updates.put_nowait(order)

    task = asyncio.create_task(follow())
    try:
        await _until(lambda: any("myOrder" in c.subs for c in list(sim.hub.clients)))
        request = _market_buy()
        await ex.place(request)
        final = await asyncio.wait_for(_final_update(updates, request.identifier), 5.0)
        looked = await ex.lookup(request.identifier)
    finally:
        await ex.aclose()
        await asyncio.wait_for(task, 5.0)  # aclose ends the stream
    assert looked is not None
    assert final.uuid == looked.uuid and final.executed_volume == looked.executed_volume > 0
    assert final.market == MARKET and final.side is OrderSide.BID and final.ord_type is OrderType.PRICE
    assert final.trades and {t.trade_id for t in final.trades} <= {t.trade_id for t in looked.trades}


async def _final_update(updates: asyncio.Queue[ExchangeOrder], identifier: str) -> ExchangeOrder:
    while True:
        order = await updates.get()
        if order.identifier == identifier and order.state.is_final:
            return order


async def _until(predicate, timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


def test_my_order_in_state_trade_reads_price_and_volume_as_the_fill():
    """Upbit's documented myOrder ``trade`` step: ``price``/``volume`` are the fill's, not the order's."""
    order = my_order(
        {
            "type": "myOrder",
            "code": MARKET,
            "uuid": "order-1",
            "identifier": "uat-1",
            "ask_bid": "BID",
            "order_type": "limit",
            "state": "trade",
            "trade_uuid": "trade-1",
            "price": D("50000000"),
            "volume": D("0.001"),
            "remaining_volume": D("0.002"),
            "executed_volume": D("0.001"),
            "paid_fee": D("25"),
            "trade_timestamp": 1704067200000,
            "order_timestamp": 1704067100000,
        }
    )
    assert order.state is OrderState.WAIT and order.side is OrderSide.BID
    assert order.price is None and order.volume == D("0.003") and order.executed_volume == D("0.001")
    (trade,) = order.trades
    assert (trade.trade_id, trade.price, trade.volume, trade.funds) == (
        "trade-1",
        D("50000000"),
        D("0.001"),
        D("50000.000"),
    )
    assert trade.at == datetime(2024, 1, 1, tzinfo=UTC)
    done = my_order({**order_doc_done(), "trade_uuid": "trade-2"})  # no trade fields: the trade is left out
    assert done.state is OrderState.DONE and done.trades == () and done.price == D("50000000")


def order_doc_done() -> dict[str, object]:
    return {
        "code": MARKET,
        "uuid": "order-1",
        "ask_bid": "BID",
        "order_type": "limit",
        "state": "done",
        "price": D("50000000"),
        "volume": D("0.003"),
        "executed_volume": D("0.003"),
    }
