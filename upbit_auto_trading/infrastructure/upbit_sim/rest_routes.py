"""The REST half of the loopback server: Upbit's paths, parameters, error shapes and Remaining-Req."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from aiohttp import web

from upbit_auto_trading.domain.market.tick_size import krw_tick_size
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.infrastructure.upbit_sim.auth import AuthFailure, body_hash_source, query_hash_source
from upbit_auto_trading.infrastructure.upbit_sim.exchange import SimRejection
from upbit_auto_trading.infrastructure.upbit_sim.jsonenc import dumps, error_body
from upbit_auto_trading.infrastructure.upbit_sim.market import KNOWN_NAMES
from upbit_auto_trading.infrastructure.upbit_sim.messages import candle_json, orderbook_json, ticker_json
from upbit_auto_trading.infrastructure.upbit_sim.state import STATE_KEY, SimState

Handler = Callable[[web.Request, SimState, str | None, dict[str, Any]], Awaitable[Any]]

_CANDLE_PATHS = {tf.upbit_path: tf for tf in Timeframe}


def _reply(status: int, body: str, group: str, remaining: int | None) -> web.Response:
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if remaining is not None:
        headers["Remaining-Req"] = f"group={group}; min=1800; sec={remaining}"
    return web.Response(status=status, text=body, headers=headers)


def endpoint(group: str, private: bool = False):
    """Wrap a handler: rate limit, authentication, Upbit error shapes, Remaining-Req on every reply."""

    def wrap(handler: Handler):
        async def run(request: web.Request) -> web.Response:
            state = request.app[STATE_KEY]
            body_text = await request.text() if request.can_read_body else ""
            with state.lock:
                state.requests += 1
                verdict = state.limiter.check(group)
            if verdict.status == 418:
                message = f"요청 수 제한 초과로 {int(verdict.block_left) + 1}초 동안 요청이 차단되었습니다."
                return _reply(418, error_body("too_many_requests", message), group, None)
            if verdict.status == 429:
                return _reply(429, error_body("too_many_requests", "Too many API requests."), group, 0)
            try:
                body: dict[str, Any] = json.loads(body_text) if body_text else {}
                if not isinstance(body, dict):
                    raise SimRejection(400, "validation_error", "요청 본문은 JSON 객체여야 합니다.")
                access_key = None
                if private:
                    source = (
                        body_hash_source(body)
                        if body
                        else query_hash_source(request.rel_url.raw_query_string)
                    )
                    with state.lock:
                        access_key = state.verifier.verify(request.headers.get("Authorization"), source)
                data = await handler(request, state, access_key, body)
            except AuthFailure as exc:
                return _reply(exc.status, error_body(exc.name, exc.message), group, verdict.remaining)
            except SimRejection as exc:
                return _reply(exc.status, error_body(exc.name, exc.message), group, verdict.remaining)
            except ValueError:
                return _reply(
                    400, error_body("validation_error", "잘못된 API 요청입니다."), group, verdict.remaining
                )
            return _reply(201 if request.method == "POST" else 200, dumps(data), group, verdict.remaining)

        return run

    return wrap


def _markets_param(request: web.Request) -> list[str]:
    raw = request.query.get("markets", "")
    markets = [m.strip() for m in raw.split(",") if m.strip()]
    if not markets:
        raise SimRejection(400, "validation_error", "markets 파라미터가 필요합니다.")
    return markets


def parse_to(text: str) -> datetime:
    """Upbit accepts ``2023-01-01T00:00:00Z``, ``2023-01-01 00:00:00`` (UTC) and explicit offsets."""
    text = text.strip().replace(" ", "T")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@endpoint("market")
async def market_all(request: web.Request, state: SimState, _: str | None, body: dict[str, Any]) -> Any:
    out = []
    with state.lock:
        for market in state.market.markets():
            base = market.split("-", 1)[1]
            ko, en = state.config.names.get(market) or KNOWN_NAMES.get(base, (base, base))
            out.append(
                {
                    "market": market,
                    "korean_name": ko,
                    "english_name": en,
                    "market_event": {"warning": False, "caution": {}},
                }
            )
    return out


@endpoint("candle")
async def candles(request: web.Request, state: SimState, _: str | None, body: dict[str, Any]) -> Any:
    tail = request.match_info["tail"]
    tf = _CANDLE_PATHS.get(tail)
    if tf is None:
        raise SimRejection(404, "not_found", f"지원하지 않는 캔들 단위입니다: {tail}")
    market = request.query.get("market")
    if not market:
        raise SimRejection(400, "validation_error", "market 파라미터가 필요합니다.")
    count = int(request.query.get("count", "1"))
    if not 1 <= count <= 200:
        raise SimRejection(400, "validation_error", "count는 1 이상 200 이하여야 합니다.")
    to = parse_to(request.query["to"]) if request.query.get("to") else None
    with state.lock:
        if not state.market.has_market(market):
            raise SimRejection(404, "market_does_not_exist", f"마켓이 존재하지 않습니다: {market}")
        page = state.market.candles_before(market, tf.code, to, count + 1)
    docs = []
    for i, c in enumerate(page[:count]):
        prev = page[i + 1].close if i + 1 < len(page) else None
        docs.append(candle_json(c, prev))
    return docs


@endpoint("ticker")
async def ticker(request: web.Request, state: SimState, _: str | None, body: dict[str, Any]) -> Any:
    with state.lock:
        docs = [ticker_json(state.market, m) for m in _markets_param(request)]
    if any(d is None for d in docs):
        raise SimRejection(404, "market_does_not_exist", "마켓이 존재하지 않습니다.")
    return docs


@endpoint("orderbook")
async def orderbook(request: web.Request, state: SimState, _: str | None, body: dict[str, Any]) -> Any:
    with state.lock:
        docs = [orderbook_json(state.market, m) for m in _markets_param(request)]
    if any(d is None for d in docs):
        raise SimRejection(404, "market_does_not_exist", "마켓이 존재하지 않습니다.")
    return docs


@endpoint("orderbook")
async def instruments(request: web.Request, state: SimState, _: str | None, body: dict[str, Any]) -> Any:
    out = []
    with state.lock:
        for market in _markets_param(request):
            price = state.market.price(market)
            if price is None:
                raise SimRejection(404, "market_does_not_exist", "마켓이 존재하지 않습니다.")
            tick = krw_tick_size(price) if market.startswith("KRW-") else Decimal("0.00000001")
            out.append(
                {
                    "market": market,
                    "quote_currency": market.split("-")[0],
                    "tick_size": tick,
                    "supported_levels": [0],
                }
            )
    return out


@endpoint("default", private=True)
async def accounts(request: web.Request, state: SimState, key: str | None, body: dict[str, Any]) -> Any:
    assert key is not None
    with state.lock:
        return [
            {
                "currency": cur,
                "balance": b.balance,
                "locked": b.locked,
                "avg_buy_price": b.avg_buy_price,
                "avg_buy_price_modified": False,
                "unit_currency": "KRW",
            }
            for cur, b in state.exchange.balances(key).items()
            if b.balance or b.locked or cur == "KRW"
        ]


@endpoint("default", private=True)
async def chance(request: web.Request, state: SimState, key: str | None, body: dict[str, Any]) -> Any:
    assert key is not None
    market = request.query.get("market", "")
    with state.lock:
        if not state.market.has_market(market):
            raise SimRejection(404, "market_does_not_exist", f"마켓이 존재하지 않습니다: {market}")
        quote, base = market.split("-", 1)
        fee = state.config.fee_rate

        def acc(cur: str) -> dict[str, Any]:
            b = state.exchange.balances(key).get(cur)
            zero = Decimal(0)
            return {
                "currency": cur,
                "balance": b.balance if b else zero,
                "locked": b.locked if b else zero,
                "avg_buy_price": b.avg_buy_price if b else zero,
                "avg_buy_price_modified": False,
                "unit_currency": "KRW",
            }

        return {
            "bid_fee": fee,
            "ask_fee": fee,
            "maker_bid_fee": fee,
            "maker_ask_fee": fee,
            "market": {
                "id": market,
                "name": f"{base}/{quote}",
                "order_types": ["limit"],
                "order_sides": ["ask", "bid"],
                "bid": {"currency": quote, "min_total": state.config.min_total},
                "ask": {"currency": quote, "min_total": state.config.min_total},
                "max_total": Decimal("1000000000"),
                "state": "active",
            },
            "bid_account": acc(quote),
            "ask_account": acc(base),
        }


@endpoint("order", private=True)
async def place(request: web.Request, state: SimState, key: str | None, body: dict[str, Any]) -> Any:
    assert key is not None
    with state.lock:
        order = state.exchange.place(key, body)
        doc = order.to_json()
        delay = 0.0
        if state.faults.delayed_orders_left > 0:
            state.faults.delayed_orders_left -= 1
            delay = state.faults.order_reply_delay
    if delay:
        await asyncio.sleep(delay)  # the order exists; only the reply is late (a client timeout)
    return doc


@endpoint("order-test", private=True)
async def place_test(request: web.Request, state: SimState, key: str | None, body: dict[str, Any]) -> Any:
    assert key is not None
    with state.lock:
        return state.exchange.validate(key, body).to_json()


@endpoint("default", private=True)
async def get_order(request: web.Request, state: SimState, key: str | None, body: dict[str, Any]) -> Any:
    assert key is not None
    with state.lock:
        order = state.exchange.find(key, request.query.get("uuid"), request.query.get("identifier"))
        doc = order.to_json()
        doc["trades"] = [
            {
                "market": order.market,
                "price": t["price"],
                "volume": t["volume"],
                "funds": t["funds"],
                "side": order.side,
            }
            for t in order.trades
        ]
        return doc


def _list_orders(final: bool):
    @endpoint("default", private=True)
    async def list_orders(
        request: web.Request, state: SimState, key: str | None, body: dict[str, Any]
    ) -> Any:
        market = request.query.get("market")
        states = request.query.getall("states[]", []) or (["done", "cancel"] if final else ["wait", "watch"])
        limit = int(request.query.get("limit", "100"))
        with state.lock:
            orders = [
                o
                for o in state.exchange.orders.values()
                if o.access_key == key and o.state in states and (not market or o.market == market)
            ]
            return [o.to_json() for o in sorted(orders, key=lambda o: o.created_at, reverse=True)[:limit]]

    return list_orders


@endpoint("default", private=True)
async def cancel(request: web.Request, state: SimState, key: str | None, body: dict[str, Any]) -> Any:
    assert key is not None
    with state.lock:
        return state.exchange.cancel(
            key, request.query.get("uuid"), request.query.get("identifier")
        ).to_json()


def add_rest_routes(app: web.Application) -> None:
    app.router.add_get("/v1/market/all", market_all)
    app.router.add_get(r"/v1/candles/{tail:.+}", candles)
    app.router.add_get("/v1/ticker", ticker)
    app.router.add_get("/v1/orderbook", orderbook)
    app.router.add_get("/v1/orderbook/instruments", instruments)
    app.router.add_get("/v1/accounts", accounts)
    app.router.add_get("/v1/orders/chance", chance)
    app.router.add_post("/v1/orders", place)
    app.router.add_post("/v1/orders/test", place_test)
    app.router.add_get("/v1/order", get_order)
    app.router.add_delete("/v1/order", cancel)
    app.router.add_get("/v1/orders/open", _list_orders(final=False))
    app.router.add_get("/v1/orders/closed", _list_orders(final=True))
