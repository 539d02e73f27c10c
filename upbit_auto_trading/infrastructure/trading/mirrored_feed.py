"""Paper trading in real time: Upbit's public candle stream drives the decisions, and every price it
reports is mirrored into the loopback exchange first, so paper orders fill at the market's real prices."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from upbit_auto_trading.application.trading.ports import FeedEvent
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.market.timeframe import Timeframe

KEEP = 200  # candles of each market kept at the loopback server (its REST candle endpoint answers from them)


class MirroredFeed:
    def __init__(self, inner: Any, server: Any, timeframe: str) -> None:
        self._inner = inner
        self._server = server
        self._tf = Timeframe.from_code(timeframe)
        self._closed: dict[str, list[Candle]] = {}

    async def aclose(self) -> None:
        await self._inner.aclose()

    def _mirror(self, market: str, partial: Candle | None) -> None:
        candles = self._closed.setdefault(market, [])[-KEEP:]
        self._closed[market] = candles
        shown = candles + ([partial] if partial is not None else [])
        if shown:
            self._server.add_candles(shown)

    def _partial(self, market: str, price: Decimal, at: datetime) -> Candle:
        seconds = self._tf.seconds or 86400
        epoch = int(at.timestamp())
        start = datetime.fromtimestamp(epoch - epoch % seconds, UTC)
        return Candle(market, self._tf.code, start, price, price, price, price, Decimal(0), Decimal(0))

    async def events(self) -> AsyncIterator[FeedEvent]:
        async for event in self._inner.events():
            if event.closed is not None:
                c = event.closed.candle
                self._closed.setdefault(c.market, []).append(c)
                self._mirror(c.market, None)
            elif event.tick is not None:
                t = event.tick
                last = self._closed.get(t.market)
                if not last or self._partial(t.market, t.price, t.at).start > last[-1].start:
                    self._mirror(t.market, self._partial(t.market, t.price, t.at))
            yield event
