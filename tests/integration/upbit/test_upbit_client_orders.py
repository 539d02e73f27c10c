"""Orders over real HTTP: Upbit's refusals as typed errors, fills with the fee, no duplicate on retry."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from upbit_auto_trading.domain.trading.order import OrderRequest, OrderSide, OrderState, OrderType
from upbit_auto_trading.infrastructure.upbit.errors import (
    UpbitInsufficientFundsError,
    UpbitInvalidPriceError,
    UpbitUnderMinTotalError,
)
from upbit_auto_trading.infrastructure.upbit.rest_client import UpbitRestClient

from .conftest import ACCESS, CREDS


def _limit_bid(price: str, volume: str) -> OrderRequest:
    return OrderRequest("KRW-BTC", OrderSide.BID, OrderType.LIMIT, volume=D(volume), price=D(price))


async def test_refusals_are_typed_and_place_nothing(sim):
    async with UpbitRestClient(sim.base_url, CREDS) as client:
        with pytest.raises(UpbitInsufficientFundsError):
            await client.place_order(_limit_bid("50000000", "1"))  # 50M KRW > 1M balance
        with pytest.raises(UpbitUnderMinTotalError):
            await client.place_order(_limit_bid("50000000", "0.00001"))  # 500 KRW < 5,000
        with pytest.raises(UpbitInvalidPriceError):
            await client.place_order(_limit_bid("50000500", "0.001"))  # tick is 1,000 here
        with pytest.raises(UpbitInvalidPriceError):
            await client.test_order(_limit_bid("50000500", "0.001"))
    assert sim.stats.orders_placed == 0
    assert sim.balance(ACCESS, "KRW") == (D("1000000"), D("0"))


async def test_market_buy_fills_at_the_replayed_price_with_the_fee(sim):
    price = sim.state.market.price("KRW-BTC")
    async with UpbitRestClient(sim.base_url, CREDS) as client:
        placed = await client.place_order(
            OrderRequest("KRW-BTC", OrderSide.BID, OrderType.PRICE, price=D("100000"))
        )
        order = await client.get_order(uuid=placed.uuid)
        accounts = {a.currency: a for a in await client.accounts()}
    assert order.state is OrderState.CANCEL  # as Upbit: a market buy ends cancelled, the rest refunded
    volume = order.executed_volume
    assert volume == (D("100000") / price).quantize(D("0.00000001"), rounding="ROUND_DOWN")
    spent = volume * price
    assert accounts["KRW"].balance == D("1000000") - spent - spent * D("0.0005")
    assert accounts["BTC"].balance == volume and accounts["BTC"].avg_buy_price == price


async def test_resting_limit_order_can_be_cancelled_and_unlocks_funds(sim):
    async with UpbitRestClient(sim.base_url, CREDS) as client:
        order = await client.place_order(_limit_bid("10000000", "0.01"))  # far below the market: rests
        assert order.state is OrderState.WAIT
        assert [o.uuid for o in await client.open_orders("KRW-BTC")] == [order.uuid]
        cancelled = await client.cancel_order(identifier=order.identifier)
    assert cancelled.state is OrderState.CANCEL
    assert sim.balance(ACCESS, "KRW") == (D("1000000"), D("0"))


async def test_lost_reply_is_recovered_by_identifier_without_a_duplicate(sim):
    sim.delay_order_replies(1.5)  # the server places the order, the reply comes after the client's timeout
    request = OrderRequest("KRW-BTC", OrderSide.BID, OrderType.PRICE, price=D("20000"))
    async with UpbitRestClient(sim.base_url, CREDS, timeout=0.4, order_lookup_delay=0.05) as client:
        order = await client.place_order(request)
        closed = await client.closed_orders("KRW-BTC")
    assert order.identifier == request.identifier and order.state is OrderState.CANCEL  # filled market buy
    assert sim.stats.orders_placed == 1
    assert [o.identifier for o in closed] == [request.identifier]
