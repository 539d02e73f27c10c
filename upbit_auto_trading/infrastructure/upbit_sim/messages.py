"""Upbit-shaped JSON documents built from the replay (REST replies and WebSocket messages alike)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.infrastructure.upbit_sim.market import MarketReplay, kst_text, utc_text
from upbit_auto_trading.infrastructure.upbit_sim.orders import SimOrder

WS_CANDLE_TYPES = {
    "1m": "candle.1m",
    "3m": "candle.3m",
    "5m": "candle.5m",
    "10m": "candle.10m",
    "15m": "candle.15m",
    "30m": "candle.30m",
    "1h": "candle.60m",
    "4h": "candle.240m",
}


def candle_json(c: Candle, previous_close: Decimal | None = None) -> dict[str, Any]:
    tf = Timeframe.from_code(c.timeframe)
    doc: dict[str, Any] = {
        "market": c.market,
        "candle_date_time_utc": utc_text(c.start),
        "candle_date_time_kst": kst_text(c.start),
        "opening_price": c.open,
        "high_price": c.high,
        "low_price": c.low,
        "trade_price": c.close,
        "timestamp": int((c.start.timestamp() + (tf.seconds or 86400)) * 1000) - 1,
        "candle_acc_trade_price": c.quote_volume,
        "candle_acc_trade_volume": c.volume,
    }
    if tf.upbit_path.startswith("minutes/"):
        doc["unit"] = int(tf.upbit_path.split("/")[1])
    elif tf is Timeframe.D1:
        prev = previous_close if previous_close is not None else c.open
        doc["prev_closing_price"] = prev
        doc["change_price"] = c.close - prev
        doc["change_rate"] = (
            ((c.close - prev) / prev).quantize(Decimal("0.0000000001")) if prev else Decimal(0)
        )
    else:
        doc["first_day_of_period"] = c.start.strftime("%Y-%m-%d")
    return doc


def ws_candle(c: Candle, stream_type: str) -> dict[str, Any]:
    doc = candle_json(c)
    doc.pop("unit", None)
    market = doc.pop("market")
    return {"type": WS_CANDLE_TYPES[c.timeframe], "code": market, **doc, "stream_type": stream_type}


def ticker_json(replay: MarketReplay, market: str) -> dict[str, Any] | None:
    series = replay.primary(market)
    if series is None or series.latest is None:
        return None
    latest = series.latest
    day = series.shown(max(0, series.cursor - 24), series.cursor)
    prev = series.candles[series.cursor - 2].close if series.cursor >= 2 else latest.open
    change = latest.close - prev
    return {
        "market": market,
        "trade_date": latest.start.strftime("%Y%m%d"),
        "trade_time": latest.start.strftime("%H%M%S"),
        "opening_price": day[0].open,
        "high_price": max(c.high for c in day),
        "low_price": min(c.low for c in day),
        "trade_price": latest.close,
        "prev_closing_price": prev,
        "change": "RISE" if change > 0 else "FALL" if change < 0 else "EVEN",
        "change_price": abs(change),
        "signed_change_price": change,
        "change_rate": abs(change / prev) if prev else Decimal(0),
        "signed_change_rate": (change / prev) if prev else Decimal(0),
        "trade_volume": latest.volume,
        "acc_trade_volume_24h": sum((c.volume for c in day), Decimal(0)),
        "acc_trade_price_24h": sum((c.quote_volume for c in day), Decimal(0)),
        "timestamp": int(replay.now(market).timestamp() * 1000),
    }


def orderbook_json(replay: MarketReplay, market: str, depth: int = 15) -> dict[str, Any] | None:
    units, ts = replay.orderbook(market, depth)
    if not units:
        return None
    return {
        "market": market,
        "timestamp": ts,
        "total_ask_size": sum((u[2] for u in units), Decimal(0)),
        "total_bid_size": sum((u[3] for u in units), Decimal(0)),
        "orderbook_units": [
            {"ask_price": a, "bid_price": b, "ask_size": s1, "bid_size": s2} for a, b, s1, s2 in units
        ],
        "level": 0,
    }


def my_order_json(order: SimOrder) -> dict[str, Any]:
    """A myOrder message; the ``trade_*`` fields describe the order's latest fill (None before any)."""
    last = order.trades[-1] if order.trades else None
    return {
        "type": "myOrder",
        "code": order.market,
        "uuid": order.uuid,
        "ask_bid": order.side.upper(),
        "order_type": order.ord_type,
        "state": order.state,
        "price": order.price,
        "avg_price": order.avg_price,
        "volume": order.volume,
        "remaining_volume": order.remaining,
        "executed_volume": order.executed,
        "trades_count": len(order.trades),
        "paid_fee": order.paid_fee,
        "locked": order.locked,
        "executed_funds": order.executed_funds,
        "trade_uuid": last.uuid if last else None,
        "trade_price": last.price if last else None,
        "trade_volume": last.volume if last else None,
        "trade_fee": last.fee if last else None,
        "is_maker": last.maker if last else None,
        "identifier": order.identifier,
        "trade_timestamp": int(last.created_at.timestamp() * 1000) if last else None,
        "order_timestamp": int(order.created_at.timestamp() * 1000),
        "timestamp": int(order.created_at.timestamp() * 1000),
        "stream_type": "REALTIME",
    }
