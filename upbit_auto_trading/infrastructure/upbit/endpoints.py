"""Upbit REST endpoints as ``Call`` descriptions (path, parameters, rate-limit group, parser)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.domain.trading.order import OrderRequest
from upbit_auto_trading.infrastructure.upbit.candles import (
    MAX_CANDLES_PER_CALL,
    candle_path,
    candles_parser,
    format_to,
)
from upbit_auto_trading.infrastructure.upbit.errors import UpbitValidationError
from upbit_auto_trading.infrastructure.upbit.models import (
    Account,
    MarketInfo,
    Order,
    Orderbook,
    OrderbookInstrument,
    OrderChance,
    Ticker,
)
from upbit_auto_trading.infrastructure.upbit.transport import Call


def _many(parse):
    def parse_list(data: Any):
        return [parse(d) for d in data]

    return parse_list


def markets() -> Call[list[MarketInfo]]:
    return Call(
        "GET", "/v1/market/all", _many(MarketInfo.from_json), (("is_details", "true"),), group="market"
    )


def candles(
    market: str, timeframe: Timeframe, to: datetime | None = None, count: int = 200
) -> Call[list[Candle]]:
    if not 1 <= count <= MAX_CANDLES_PER_CALL:
        raise UpbitValidationError(f"count must be 1..{MAX_CANDLES_PER_CALL}, got {count}")
    params: list[tuple[str, object]] = [("market", market)]
    if to is not None:
        params.append(("to", format_to(to)))
    params.append(("count", count))
    return Call("GET", candle_path(timeframe), candles_parser(timeframe), tuple(params), group="candle")


def tickers(markets_: Sequence[str]) -> Call[list[Ticker]]:
    return Call(
        "GET", "/v1/ticker", _many(Ticker.from_json), (("markets", ",".join(markets_)),), group="ticker"
    )


def orderbooks(markets_: Sequence[str]) -> Call[list[Orderbook]]:
    return Call(
        "GET",
        "/v1/orderbook",
        _many(Orderbook.from_json),
        (("markets", ",".join(markets_)),),
        group="orderbook",
    )


def orderbook_instruments(markets_: Sequence[str]) -> Call[list[OrderbookInstrument]]:
    return Call(
        "GET",
        "/v1/orderbook/instruments",
        _many(OrderbookInstrument.from_json),
        (("markets", ",".join(markets_)),),
        group="orderbook",
    )


def accounts() -> Call[list[Account]]:
    return Call("GET", "/v1/accounts", _many(Account.from_json), private=True)


def order_chance(market: str) -> Call[OrderChance]:
    return Call("GET", "/v1/orders/chance", OrderChance.from_json, (("market", market),), private=True)


def place_order(request: OrderRequest) -> Call[Order]:
    """POST /v1/orders. Never retried blindly: the client recovers by identifier instead."""
    return Call(
        "POST",
        "/v1/orders",
        Order.from_json,
        tuple(request.as_params().items()),
        group="order",
        private=True,
        json_body=True,
        retry_safe=False,
    )


def test_order(request: OrderRequest) -> Call[Order]:
    """POST /v1/orders/test: full validation, nothing placed (safe to retry)."""
    return Call(
        "POST",
        "/v1/orders/test",
        Order.from_json,
        tuple(request.as_params().items()),
        group="order-test",
        private=True,
        json_body=True,
    )


def _order_key(uuid: str | None, identifier: str | None) -> tuple[tuple[str, object], ...]:
    if bool(uuid) == bool(identifier):
        raise UpbitValidationError("give exactly one of uuid or identifier")
    return (("uuid", uuid),) if uuid else (("identifier", identifier),)


def get_order(uuid: str | None = None, identifier: str | None = None) -> Call[Order]:
    return Call("GET", "/v1/order", Order.from_json, _order_key(uuid, identifier), private=True)


MAX_OPEN_ORDERS_PER_PAGE = 100
MAX_CLOSED_ORDERS_PER_CALL = 1000
CLOSED_ORDERS_MAX_WINDOW = timedelta(days=7)


def open_orders(
    market: str | None = None,
    states: Sequence[str] = ("wait", "watch"),
    limit: int = 100,
    page: int | None = None,
) -> Call[list[Order]]:
    """GET /v1/orders/open: ``limit`` <= 100 per page; ``page`` counts from 1 (None: Upbit's default, 1)."""
    if not 1 <= limit <= MAX_OPEN_ORDERS_PER_PAGE:
        raise UpbitValidationError(f"limit must be 1..{MAX_OPEN_ORDERS_PER_PAGE}, got {limit}")
    params: list[tuple[str, object]] = []
    if market:
        params.append(("market", market))
    params.extend(("states[]", s) for s in states)
    if page is not None:
        params.append(("page", page))
    params.append(("limit", limit))
    return Call("GET", "/v1/orders/open", _many(Order.from_json), tuple(params), private=True)


def closed_orders(
    market: str | None = None,
    states: Sequence[str] = ("done", "cancel"),
    limit: int = 100,
    *,
    start_time: datetime | None = None,
    end_time: datetime | None = None,
    order_by: str | None = None,
) -> Call[list[Order]]:
    """GET /v1/orders/closed: at most 1,000 orders created within one window of at most 7 days (none given:
    the last 7 days). Times go as millisecond timestamps: Upbit documents ISO text with an offset as
    failing the query-hash check in some cases, never the timestamps."""
    if not 1 <= limit <= MAX_CLOSED_ORDERS_PER_CALL:
        raise UpbitValidationError(f"limit must be 1..{MAX_CLOSED_ORDERS_PER_CALL}, got {limit}")
    if start_time is not None and end_time is not None and end_time - start_time > CLOSED_ORDERS_MAX_WINDOW:
        raise UpbitValidationError("closed orders can be asked for a window of at most 7 days")
    params: list[tuple[str, object]] = []
    if market:
        params.append(("market", market))
    params.extend(("states[]", s) for s in states)
    if start_time is not None:
        params.append(("start_time", _millis(start_time)))
    if end_time is not None:
        params.append(("end_time", _millis(end_time)))
    params.append(("limit", limit))
    if order_by is not None:
        params.append(("order_by", order_by))
    return Call("GET", "/v1/orders/closed", _many(Order.from_json), tuple(params), private=True)


def _millis(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise UpbitValidationError("order query times must be timezone-aware")
    return int(moment.timestamp() * 1000)


def cancel_order(uuid: str | None = None, identifier: str | None = None) -> Call[Order]:
    """DELETE /v1/order. Cancelling twice is harmless (the second is refused), so it may be retried."""
    return Call("DELETE", "/v1/order", Order.from_json, _order_key(uuid, identifier), private=True)
