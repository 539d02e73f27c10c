"""The REST quotation endpoints of the loopback server (markets, candles, ticker, orderbook); the
exchange endpoints are in ``order_routes``."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from aiohttp import web

from upbit_auto_trading.domain.market.tick_size import krw_tick_size
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.infrastructure.upbit_sim.endpoint import endpoint
from upbit_auto_trading.infrastructure.upbit_sim.market import KNOWN_NAMES
from upbit_auto_trading.infrastructure.upbit_sim.messages import candle_json, orderbook_json, ticker_json
from upbit_auto_trading.infrastructure.upbit_sim.order_routes import add_order_routes
from upbit_auto_trading.infrastructure.upbit_sim.orders import SimRejection
from upbit_auto_trading.infrastructure.upbit_sim.state import SimState

_CANDLE_PATHS = {tf.upbit_path: tf for tf in Timeframe}
# Upbit's caution flags of ``market_event`` (all false unless the exchange flags the market).
CAUTION_KEYS = (
    "PRICE_FLUCTUATIONS",
    "TRADING_VOLUME_SOARING",
    "DEPOSIT_AMOUNT_SOARING",
    "GLOBAL_PRICE_DIFFERENCES",
    "CONCENTRATION_OF_SMALL_ACCOUNTS",
)


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
    moment = datetime.fromisoformat(text)  # a ValueError answers 400 validation_error
    try:
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError as exc:  # an offset that moves it past year 9999 or before year 1
        raise ValueError(f"time out of range: {text}") from exc


@endpoint("market")
async def market_all(request: web.Request, state: SimState, _: str | None, body: dict[str, Any]) -> Any:
    details = request.query.get("is_details", "false").lower() == "true"
    out = []
    with state.lock:
        for market in state.market.markets():
            base = market.split("-", 1)[1]
            ko, en = state.config.names.get(market) or KNOWN_NAMES.get(base, (base, base))
            doc: dict[str, Any] = {"market": market, "korean_name": ko, "english_name": en}
            if details:  # as Upbit: the event flags only with is_details=true
                doc["market_event"] = {
                    "warning": market in state.faults.market_warnings,
                    "caution": dict.fromkeys(CAUTION_KEYS, False),
                }
            out.append(doc)
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


def add_rest_routes(app: web.Application) -> None:
    app.router.add_get("/v1/market/all", market_all)
    app.router.add_get(r"/v1/candles/{tail:.+}", candles)
    app.router.add_get("/v1/ticker", ticker)
    app.router.add_get("/v1/orderbook", orderbook)
    app.router.add_get("/v1/orderbook/instruments", instruments)
    add_order_routes(app)
