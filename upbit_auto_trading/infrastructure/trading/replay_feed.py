"""The replay clock: stored candles fed through the loopback exchange one step at a time.

Each step opens the next candle of every market at the loopback server (its price is now that candle's
open, and the previous candle is closed: exactly when a live feed learns that a candle closed), yields the
closed candle, then walks the new candle's price through open -> low -> high -> close (the low first: the
backtest's conservative reading of a candle) so the engine's stop and take-profit watcher sees the levels
being reached, then completes the candle. The engine pulls the next event only after handling the last
one, so a replay never outruns its decisions, whatever the speed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta
from decimal import Decimal

from upbit_auto_trading.application.trading.ports import ClosedCandle, FeedEvent, PriceTick
from upbit_auto_trading.domain.market.candle import Candle


class ReplayFeed:
    def __init__(
        self,
        server: object,
        markets: Sequence[str],
        timeframe: str,
        *,
        first_decided: dict[str, int],
        speed_ms: float = 0.0,
        intrabar: bool = True,
    ) -> None:
        """``server``: a started ``UpbitSimServer`` whose series are visible up to where the replay
        resumes. ``first_decided``: per market, the index of the first candle the session decides on
        (candles before it are history: never yielded as closed)."""
        self._server = server
        self._markets = list(markets)
        self._tf = timeframe
        self._first = first_decided
        self._speed = max(0.0, speed_ms) / 1000.0
        self._intrabar = intrabar
        self._closed = False
        self.steps = 0

    async def aclose(self) -> None:
        self._closed = True

    def _series(self, market: str):  # noqa: ANN202 - the sim's Series
        return self._server.state.market.series(market, self._tf)  # type: ignore[attr-defined]

    async def events(self) -> AsyncIterator[FeedEvent]:
        server = self._server
        while not self._closed:
            opened: list[tuple[str, Candle]] = []
            for market in self._markets:
                series = self._series(market)
                previous = series.cursor - 1
                if series.cursor >= len(series.candles):
                    continue
                server.open_next(market, self._tf)  # type: ignore[attr-defined]
                full = series.candles[series.cursor - 1]
                opened.append((market, full))
                if previous >= 0 and previous >= self._first.get(market, 0):
                    yield FeedEvent(closed=ClosedCandle(series.candles[previous]))
            if not opened:
                break
            for market, candle in opened:
                for k, price in enumerate(self._path(candle)):
                    server.move_price(market, self._tf, price)  # type: ignore[attr-defined]
                    at = candle.start + timedelta(seconds=k)
                    yield FeedEvent(tick=PriceTick(market, price, at))
                server.complete_current(market, self._tf)  # type: ignore[attr-defined]
            self.steps += 1
            if self._speed:
                await asyncio.sleep(self._speed)
            else:
                await asyncio.sleep(0)
        if not self._closed:
            yield FeedEvent(end=True)

    def _path(self, candle: Candle) -> list[Decimal]:
        if not self._intrabar:
            return [candle.open, candle.close]
        return [candle.open, candle.low, candle.high, candle.close]
