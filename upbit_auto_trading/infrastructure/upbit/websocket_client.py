"""Upbit WebSocket client (websockets): ticker, trade, orderbook, candle.* and private myOrder/myAsset.

It reconnects with exponential backoff, sends its subscriptions again on every connection and, for
candle streams, fetches over REST the candles that closed while it was disconnected, delivering them
(``stream_type="BACKFILL"``) before the first live candle, so a consumer sees no gap.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

import websockets
from websockets.asyncio.client import connect

from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.infrastructure.upbit.auth import UpbitCredentials, make_token
from upbit_auto_trading.infrastructure.upbit.candles import candle_from_json
from upbit_auto_trading.infrastructure.upbit.models import Orderbook, Ticker, dec

log = logging.getLogger(__name__)

CANDLE_TYPES: dict[str, Timeframe | None] = {
    "candle.1s": None,  # no REST equivalent in this app: not backfilled
    "candle.1m": Timeframe.M1,
    "candle.3m": Timeframe.M3,
    "candle.5m": Timeframe.M5,
    "candle.10m": Timeframe.M10,
    "candle.15m": Timeframe.M15,
    "candle.30m": Timeframe.M30,
    "candle.60m": Timeframe.H1,
    "candle.240m": Timeframe.H4,
}


class CandleSource(Protocol):
    """What backfill needs: the market-data port ``fetch_candles`` (awaitable flavour)."""

    async def fetch_candles(
        self, market: str, timeframe_code: str, to: datetime | None, count: int = 200
    ) -> list[Candle]: ...


@dataclass(frozen=True)
class Subscription:
    type: str  # ticker | trade | orderbook | candle.1m ... | myOrder | myAsset
    codes: tuple[str, ...] = ()
    is_only_realtime: bool = False

    def as_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"type": self.type}
        if self.codes:
            doc["codes"] = [c.upper() for c in self.codes]
        if self.is_only_realtime:
            doc["is_only_realtime"] = True
        return doc


@dataclass(frozen=True)
class CandleMessage:
    candle: Candle
    stream_type: str  # SNAPSHOT | REALTIME | BACKFILL


@dataclass(frozen=True)
class TickerMessage:
    ticker: Ticker
    stream_type: str


@dataclass(frozen=True)
class OrderbookMessage:
    orderbook: Orderbook
    stream_type: str


@dataclass(frozen=True)
class TradeMessage:
    market: str
    price: Decimal
    volume: Decimal
    side: str  # ASK | BID
    timestamp: int
    sequential_id: int
    stream_type: str


@dataclass(frozen=True)
class PrivateMessage:
    """myOrder / myAsset documents, numbers as Decimal."""

    type: str
    data: dict[str, Any] = field(repr=False)


WsEvent = CandleMessage | TickerMessage | OrderbookMessage | TradeMessage | PrivateMessage


class UpbitWebSocketClient:
    def __init__(
        self,
        url: str,
        subscriptions: Sequence[Subscription],
        *,
        credentials: UpbitCredentials | None = None,
        backfill: CandleSource | None = None,
        reconnect_base: float = 0.2,
        reconnect_cap: float = 10.0,
        open_timeout: float = 5.0,
    ) -> None:
        self.url = url
        self.subscriptions = list(subscriptions)
        self.credentials = credentials
        self.backfill = backfill
        self.reconnect_base = reconnect_base
        self.reconnect_cap = reconnect_cap
        self.open_timeout = open_timeout
        self.connections = 0
        self.backfilled = 0
        self._closed = False
        self._ws: Any = None
        self._last_start: dict[tuple[str, str], datetime] = {}
        self._check_gap: set[tuple[str, str]] = set()

    def request(self) -> list[dict[str, Any]]:
        return [
            {"ticket": str(uuid.uuid4())},
            *(s.as_json() for s in self.subscriptions),
            {"format": "DEFAULT"},
        ]

    async def close(self) -> None:
        self._closed = True
        if self._ws is not None:
            await self._ws.close()

    async def messages(self) -> AsyncIterator[WsEvent]:
        """Typed events, forever (until ``close``); reconnects, resubscribes and backfills on its own."""
        attempt = 0
        while not self._closed:
            try:
                headers = None
                if self.credentials is not None:
                    headers = {"Authorization": f"Bearer {make_token(self.credentials)}"}
                async with connect(
                    self.url,
                    additional_headers=headers,
                    open_timeout=self.open_timeout,
                    ping_interval=30,
                    max_size=2**22,
                ) as ws:
                    self._ws = ws
                    self.connections += 1
                    self._check_gap = set(self._last_start)
                    await ws.send(json.dumps(self.request()))
                    attempt = 0
                    async for raw in ws:
                        for event in await self._decode(raw):
                            yield event
            except (websockets.ConnectionClosed, websockets.InvalidHandshake, OSError, TimeoutError) as exc:
                if self._closed:
                    return
                log.warning("Upbit WebSocket %s lost (%s); reconnecting", self.url, exc.__class__.__name__)
            finally:
                self._ws = None
            if self._closed:
                return
            delay = min(self.reconnect_cap, self.reconnect_base * (2**attempt))
            attempt += 1
            await asyncio.sleep(delay)

    async def _decode(self, raw: str | bytes) -> list[WsEvent]:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        data = json.loads(text, parse_float=Decimal)
        if not isinstance(data, dict):
            return []
        if "error" in data:
            log.error("Upbit WebSocket error: %s", data["error"])
            return []
        type_ = str(data.get("type", data.get("ty", "")))
        stream = str(data.get("stream_type", "REALTIME"))
        if type_ in CANDLE_TYPES:
            return await self._candle(type_, data, stream)
        if type_ == "ticker":
            return [TickerMessage(Ticker.from_json(data), stream)]
        if type_ == "orderbook":
            return [OrderbookMessage(Orderbook.from_json(data), stream)]
        if type_ == "trade":
            return [
                TradeMessage(
                    market=data["code"],
                    price=dec(data["trade_price"]) or Decimal(0),
                    volume=dec(data["trade_volume"]) or Decimal(0),
                    side=str(data.get("ask_bid", "")),
                    timestamp=int(data.get("trade_timestamp", 0)),
                    sequential_id=int(data.get("sequential_id", 0)),
                    stream_type=stream,
                )
            ]
        if type_ in ("myOrder", "myAsset"):
            return [PrivateMessage(type_, data)]
        return []

    async def _candle(self, type_: str, data: dict[str, Any], stream: str) -> list[WsEvent]:
        tf = CANDLE_TYPES[type_]
        candle = candle_from_json(data, tf or Timeframe.M1) if tf else None
        if candle is None:
            return []
        key = (candle.market, type_)
        events: list[WsEvent] = []
        last = self._last_start.get(key)
        if key in self._check_gap and last is not None and tf is not None and tf.seconds:
            self._check_gap.discard(key)
            if candle.start > last + timedelta(seconds=tf.seconds) and self.backfill is not None:
                missed = await self._fetch_between(candle.market, tf, last, candle.start)
                self.backfilled += len(missed)
                events.extend(CandleMessage(c, "BACKFILL") for c in missed)
        if last is None or candle.start > last:
            self._last_start[key] = candle.start
        events.append(CandleMessage(candle, stream))
        return events

    async def _fetch_between(
        self, market: str, tf: Timeframe, after: datetime, before: datetime
    ) -> list[Candle]:
        """Candles with after < start < before, oldest first (REST pages of 200 backwards from ``before``)."""
        assert self.backfill is not None
        found: dict[datetime, Candle] = {}
        to: datetime | None = before
        while to is not None:
            page = await self.backfill.fetch_candles(market, tf.code, to, 200)
            if not page:
                break
            for c in page:
                if after < c.start < before:
                    found[c.start] = c
            oldest = min(c.start for c in page)
            to = oldest if oldest > after and len(page) == 200 and oldest < to else None
        log.info("backfilled %d %s %s candles missed while disconnected", len(found), market, tf.code)
        return [found[k] for k in sorted(found)]
