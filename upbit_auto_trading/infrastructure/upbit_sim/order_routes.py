"""The REST exchange endpoints of the loopback server: accounts, order chance, place, look up, list, cancel."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from aiohttp import web

from upbit_auto_trading.infrastructure.upbit_sim.endpoint import DropReply, endpoint
from upbit_auto_trading.infrastructure.upbit_sim.orders import SimOrder, SimRejection
from upbit_auto_trading.infrastructure.upbit_sim.state import SimState

OPEN_STATES = ("wait", "watch")
CLOSED_STATES = ("done", "cancel")
CLOSED_WINDOW = timedelta(days=7)


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
        order = state.exchange.place(key, body)  # placed and, with a state file, on disk
        doc = order.to_json()
        faults = state.faults
        drop = faults.dropped_replies_left > 0
        delay = 0.0
        if drop:
            faults.dropped_replies_left -= 1
        elif faults.delayed_orders_left > 0:
            faults.delayed_orders_left -= 1
            delay = faults.order_reply_delay
    if drop:
        raise DropReply  # the order exists; its reply is lost (a connection reset)
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
        return order.to_json_with_trades()


def _list_orders(final: bool):
    """GET /v1/orders/open | closed: ``market``, ``state`` or ``states[]`` (of the list's own states),
    ``limit``, ``page``, ``order_by`` (``desc``, newest first, by default); closed also ``start_time`` and
    ``end_time``."""
    allowed = CLOSED_STATES if final else OPEN_STATES
    max_limit = 1000 if final else 100

    @endpoint("default", private=True)
    async def list_orders(
        request: web.Request, state: SimState, key: str | None, body: dict[str, Any]
    ) -> Any:
        query = request.query
        market = query.get("market")
        states = query.getall("states[]", []) or query.getall("state", []) or list(allowed)
        wrong = [s for s in states if s not in allowed]
        if wrong:
            raise SimRejection(
                400, "validation_error", f"이 목록에서 조회할 수 없는 state: {', '.join(wrong)}"
            )
        limit = int(query.get("limit", "100"))
        page = int(query.get("page", "1"))
        order_by = query.get("order_by", "desc")
        if not 1 <= limit <= max_limit or page < 1 or order_by not in ("asc", "desc"):
            raise SimRejection(400, "validation_error", "limit, page 또는 order_by 값이 올바르지 않습니다.")
        since, until = _window(query) if final else (None, None)
        with state.lock:
            orders = [
                o
                for o in state.exchange.orders.values()
                if o.access_key == key
                and o.state in states
                and (not market or o.market == market)
                and (since is None or o.created_at >= since)
                and (until is None or o.created_at <= until)
            ]
            orders.sort(key=_age, reverse=order_by == "desc")
            return [o.to_json() for o in orders[(page - 1) * limit : page * limit]]

    return list_orders


def _window(query: Any) -> tuple[datetime | None, datetime | None]:
    """``start_time`` / ``end_time`` of the closed list (ms timestamps or ISO 8601), at most 7 days apart;
    one alone spans the 7 days after (before) it, as at Upbit. Neither: no window (every closed order)."""
    since = _moment(query.get("start_time"))
    until = _moment(query.get("end_time"))
    try:
        if since is not None and until is None:
            until = since + CLOSED_WINDOW
        elif until is not None and since is None:
            since = until - CLOSED_WINDOW
    except OverflowError as exc:  # 7 days past year 9999 (or before year 1)
        raise SimRejection(400, "validation_error", "start_time 또는 end_time 값이 범위를 벗어났습니다.") from exc
    if since is not None and until is not None and not timedelta(0) <= until - since <= CLOSED_WINDOW:
        raise SimRejection(400, "validation_error", "start_time ~ end_time 은 7일 이내여야 합니다.")
    return since, until


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        if text.isdigit():
            return datetime.fromtimestamp(int(text) / 1000, UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError) as exc:  # not a time, or one the platform cannot hold
        raise SimRejection(400, "validation_error", f"시각 값이 올바르지 않습니다: {text[:40]}") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _age(order: SimOrder) -> tuple[Any, int]:
    return order.created_at, order.seq


@endpoint("default", private=True)
async def cancel(request: web.Request, state: SimState, key: str | None, body: dict[str, Any]) -> Any:
    assert key is not None
    with state.lock:
        return state.exchange.cancel(
            key, request.query.get("uuid"), request.query.get("identifier")
        ).to_json()


def add_order_routes(app: web.Application) -> None:
    app.router.add_get("/v1/accounts", accounts)
    app.router.add_get("/v1/orders/chance", chance)
    app.router.add_post("/v1/orders", place)
    app.router.add_post("/v1/orders/test", place_test)
    app.router.add_get("/v1/order", get_order)
    app.router.add_delete("/v1/order", cancel)
    app.router.add_get("/v1/orders/open", _list_orders(final=False))
    app.router.add_get("/v1/orders/closed", _list_orders(final=True))
