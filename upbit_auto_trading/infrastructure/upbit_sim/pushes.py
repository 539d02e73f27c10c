"""Realtime WebSocket messages the loopback server pushes: market moves (candle, trade, ticker) and account
changes (myOrder, myAsset). Built while the state lock is held, sent after it is released."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.infrastructure.upbit_sim.market import MarketReplay
from upbit_auto_trading.infrastructure.upbit_sim.messages import (
    WS_CANDLE_TYPES,
    my_order_json,
    ticker_json,
    ws_candle,
)
from upbit_auto_trading.infrastructure.upbit_sim.orders import Balance, SimOrder

# (type, code, message): the hub sends each to the clients subscribed to that type and code.
Push = tuple[str, str | None, dict[str, Any]]


def market_pushes(replay: MarketReplay, market: str, candles: Iterable[Candle]) -> list[Push]:
    """Per candle (whole or as far as revealed): its candle message and a trade at its close; then the
    market's ticker as it stands now."""
    out: list[Push] = []
    for c in candles:
        if c.timeframe in WS_CANDLE_TYPES:
            out.append((WS_CANDLE_TYPES[c.timeframe], market, ws_candle(c, "REALTIME")))
        millis = int(c.start.timestamp() * 1000)
        trade = {
            "type": "trade",
            "code": market,
            "trade_price": c.close,
            "trade_volume": c.volume,
            "ask_bid": "BID" if c.close >= c.open else "ASK",
            "prev_closing_price": c.open,
            "trade_timestamp": millis,
            "timestamp": millis,
            "sequential_id": millis,
            "stream_type": "REALTIME",
        }
        out.append(("trade", market, trade))
    tick = ticker_json(replay, market)
    if tick is not None:
        code = tick.pop("market")
        out.append(("ticker", code, {"type": "ticker", "code": code, **tick, "stream_type": "REALTIME"}))
    return out


def asset_push(balances: dict[str, Balance], asset_uuid: str, millis: int) -> Push:
    doc = {
        "type": "myAsset",
        "asset_uuid": asset_uuid,
        "stream_type": "REALTIME",
        "assets": [{"currency": c, "balance": b.balance, "locked": b.locked} for c, b in balances.items()],
        "asset_timestamp": millis,
        "timestamp": millis,
    }
    return ("myAsset", None, doc)


def order_pushes(order: SimOrder, balances: dict[str, Balance], duplicate: bool) -> list[Push]:
    """The order's myOrder message (twice when ``duplicate``: a fault for tests) and the account's myAsset."""
    doc = my_order_json(order)
    mine: Push = ("myOrder", order.market, doc)
    return [mine, *([mine] if duplicate else []), asset_push(balances, order.uuid, doc["timestamp"])]
