"""``MarketFeed`` over Upbit: closed candles of each market in order, gaps backfilled over REST, and the
prices of the trade stream in between.

A candle is closed once a later one exists: a stream message for a later candle start, the newest REST
candle after a reconnect, or (``grace`` set) the clock passing its end plus ``grace`` seconds, which closes
candles of quiet markets and of timeframes the WebSocket has no candles for (days, weeks, months: polled).
Closed candles are always read back over REST (the stream's last message may miss the final trades), every
candle between the last one yielded and the new boundary included, and each is saved before it is yielded.
Per market a candle is yielded at most once and never before an older one.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from upbit_auto_trading.application.trading.ports import ClosedCandle, FeedEvent, PriceTick
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.market.candle_timing import floor_start, next_start, slots_between
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.infrastructure.upbit.candles import MAX_CANDLES_PER_CALL
from upbit_auto_trading.infrastructure.upbit.errors import UpbitError
from upbit_auto_trading.infrastructure.upbit.rest_client import UpbitRestClient
from upbit_auto_trading.infrastructure.upbit.websocket_client import (
    CANDLE_TYPES,
    CandleMessage,
    Subscription,
    TickerMessage,
    TradeMessage,
    UpbitWebSocketClient,
)

log = logging.getLogger(__name__)

CandleSaver = Callable[[Candle], Any]  # may return an awaitable
WS_CANDLE_TYPE: dict[Timeframe, str] = {tf: name for name, tf in CANDLE_TYPES.items() if tf is not None}
_CHECK = object()  # the timer: clock-based closes, reconnects, retries of failed fetches
_STOP = object()


class CandleWriter(Protocol):
    def upsert(self, candles: Sequence[Candle]) -> object: ...


def candle_saver(store: CandleWriter) -> Callable[[Candle], None]:
    """A saver writing each closed candle into the market_data database (``SqliteCandleStore.upsert``)."""

    def save(candle: Candle) -> None:
        store.upsert([candle])

    return save


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class _Market:
    next: datetime | None = None  # the earliest candle start not yielded yet
    boundary: datetime | None = None  # every candle starting before it is closed
    live: Candle | None = None  # the newest candle the stream showed
    streamed: set[datetime] = field(default_factory=set)  # starts seen live: not flagged backfilled


class UpbitMarketFeed:
    """Implements ``MarketFeed``. ``last_closed`` (market -> the last candle the engine decided on) may be
    seeded before ``events()`` starts: the feed then backfills everything after it. Without a seed a market
    starts with the first candle that closes after the feed starts. ``grace`` None turns clock-based
    closing off (then only a later candle closes one); ``clock`` must tell the exchange's time."""

    def __init__(
        self,
        client: UpbitRestClient,
        ws_url: str | None,
        markets: Sequence[str],
        timeframe: str | Timeframe,
        store: CandleSaver | None = None,
        *,
        last_closed: Mapping[str, Candle] | None = None,
        grace: float | None = 5.0,
        poll_interval: float = 1.0,
        clock: Callable[[], datetime] = _utc_now,
        reconnect_base: float = 0.2,
        reconnect_cap: float = 10.0,
    ) -> None:
        self.client = client
        self.ws_url = ws_url
        self.markets = list(dict.fromkeys(markets))
        self.timeframe = Timeframe.from_code(timeframe)
        self.store = store
        self.last_closed: dict[str, Candle] = dict(last_closed or {})
        self.grace = grace
        self.poll_interval = poll_interval
        self._clock = clock
        self._reconnect = (reconnect_base, reconnect_cap)
        self._candle_type = WS_CANDLE_TYPE.get(self.timeframe)  # None: polled over REST
        self._state = {m: _Market() for m in self.markets}
        self._ws: UpbitWebSocketClient | None = None
        self._queue: asyncio.Queue[object] | None = None
        self._connections = 0
        self._check_queued = False
        self._closed = False
        self.backfilled = 0  # closed candles yielded that the stream never showed
        self.reconnects = 0

    # --- the stream of events -----------------------------------------------------------------------------

    async def events(self) -> AsyncIterator[FeedEvent]:
        if self._queue is not None:
            raise RuntimeError("UpbitMarketFeed.events() can be followed only once")
        queue: asyncio.Queue[object] = asyncio.Queue()
        self._queue = queue
        for market, st in self._state.items():
            seed = self.last_closed.get(market)
            if seed is not None and st.next is None:
                st.next = next_start(self.timeframe, seed.start)
        tasks = [asyncio.create_task(self._timer(queue), name="feed-timer")]
        if self.ws_url:
            self._ws = UpbitWebSocketClient(
                self.ws_url,
                self._subscriptions(),
                reconnect_base=self._reconnect[0],
                reconnect_cap=self._reconnect[1],
            )
            tasks.append(asyncio.create_task(self._read(self._ws, queue), name="feed-websocket"))
        try:
            while not self._closed:
                item = await queue.get()
                if item is _STOP:
                    return
                for event in await self._handle(item):
                    if event.closed is not None:
                        self.last_closed[event.closed.candle.market] = event.closed.candle
                    yield event
        finally:
            self._closed = True
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            if self._ws is not None:
                await self._ws.close()

    async def aclose(self) -> None:
        self._closed = True
        if self._queue is not None:
            self._queue.put_nowait(_STOP)
        if self._ws is not None:
            await self._ws.close()
        await self.client.aclose()

    def _subscriptions(self) -> list[Subscription]:
        codes = tuple(self.markets)
        subs = [Subscription(self._candle_type, codes)] if self._candle_type else []
        return [*subs, Subscription("trade", codes)]

    async def _timer(self, queue: asyncio.Queue[object]) -> None:
        while True:
            if not self._check_queued:  # one pending check is enough, however slow the consumer
                self._check_queued = True
                queue.put_nowait(_CHECK)
            await asyncio.sleep(self.poll_interval)

    async def _read(self, ws: UpbitWebSocketClient, queue: asyncio.Queue[object]) -> None:
        while not self._closed:
            try:
                async for message in ws.messages():
                    queue.put_nowait(message)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - a message the client could not decode ends its loop
                log.warning("candle stream failed (%s); connecting again", exc)
            if not self._closed:
                await asyncio.sleep(self._reconnect[0])

    # --- handling, one item at a time (only the consumer's task touches the state) ------------------------

    async def _handle(self, item: object) -> list[FeedEvent]:
        out: list[FeedEvent] = []
        if self._ws is not None and self._ws.connections != self._connections:
            reconnected = self._connections > 0
            self._connections = self._ws.connections
            if reconnected:  # candles may have closed while it was down: ask REST what exists now
                self.reconnects += 1
                for market in self.markets:
                    await self._newest_from_rest(market)
                    out += await self._flush(market)
        if item is _CHECK:
            self._check_queued = False
            out += await self._on_timer()
        elif isinstance(item, CandleMessage):
            out += await self._on_candle(item.candle)
        elif isinstance(item, TradeMessage) and item.market in self._state:
            out.append(FeedEvent(tick=PriceTick(item.market, item.price, self._at(item.timestamp))))
        elif isinstance(item, TickerMessage) and item.ticker.market in self._state:
            t = item.ticker
            out.append(FeedEvent(tick=PriceTick(t.market, t.trade_price, self._at(t.timestamp))))
        return out

    async def _on_candle(self, candle: Candle) -> list[FeedEvent]:
        st = self._state.get(candle.market)
        if st is None or candle.timeframe != self.timeframe.code:
            return []
        if st.next is None:
            st.next = candle.start  # no seed: this candle is the first one to yield when it closes
        st.streamed.add(candle.start)
        if st.live is None or candle.start >= st.live.start:
            st.live = candle
        _raise_boundary(st, candle.start)
        return await self._flush(candle.market)

    async def _on_timer(self) -> list[FeedEvent]:
        out: list[FeedEvent] = []
        due = None
        if self.grace is not None:
            due = floor_start(self.timeframe, self._clock() - timedelta(seconds=self.grace))
        for market, st in self._state.items():
            if due is not None:
                if st.next is None:
                    st.next = due
                if (
                    self._candle_type is None
                    and st.boundary is not None
                    and due == next_start(self.timeframe, st.boundary)
                ):
                    st.streamed.add(st.boundary)  # a polled timeframe's regular close is not a backfill
                _raise_boundary(st, due)
            out += await self._flush(market)
        return out

    async def _newest_from_rest(self, market: str) -> None:
        st = self._state[market]
        if st.next is None:
            return
        try:
            newest = await self.client.candles(market, self.timeframe, None, 1)
        except UpbitError as exc:
            log.warning("cannot check %s candles after a reconnect (%s); the timer retries", market, exc)
            return
        if newest:
            _raise_boundary(st, newest[0].start)  # the newest may still be forming; all before it closed

    async def _flush(self, market: str) -> list[FeedEvent]:
        """Yield, saved and in order, every candle in [next, boundary) that exists."""
        st = self._state[market]
        if st.next is None or st.boundary is None or st.boundary <= st.next:
            return []
        lo, hi = st.next, st.boundary
        try:
            candles = await self._fetch(market, lo, hi)
        except UpbitError as exc:
            log.warning("cannot fetch closed %s %s candles yet (%s); retrying", market, self.timeframe, exc)
            return []
        live = st.live
        if live is not None and lo <= live.start < hi and all(c.start != live.start for c in candles):
            candles = sorted([*candles, live], key=lambda c: c.start)  # REST lags: the stream's last view
        out: list[FeedEvent] = []
        for candle in candles:
            backfilled = candle.start not in st.streamed
            await self._save(candle)
            st.next = next_start(self.timeframe, candle.start)
            self.backfilled += backfilled
            out.append(FeedEvent(closed=ClosedCandle(candle, backfilled=backfilled)))
        st.next = hi  # the starts in between without a candle had no trades: Upbit has none for them
        st.streamed = {s for s in st.streamed if s >= hi}
        return out

    async def _fetch(self, market: str, lo: datetime, hi: datetime) -> list[Candle]:
        """Candles with lo <= start < hi, oldest first (REST pages of up to 200, backwards from ``hi``)."""
        found: dict[datetime, Candle] = {}
        to = hi
        while True:
            count = min(MAX_CANDLES_PER_CALL, slots_between(self.timeframe, lo, to))
            page = await self.client.candles(market, self.timeframe, to, count)
            found.update((c.start, c) for c in page if lo <= c.start < hi)
            oldest = min((c.start for c in page), default=None)
            if len(page) < count or oldest is None or oldest <= lo or oldest >= to:
                break
            to = oldest
        return [found[k] for k in sorted(found)]

    async def _save(self, candle: Candle) -> None:
        if self.store is None:
            return
        result = self.store(candle)
        if inspect.isawaitable(result):
            await result

    def _at(self, millis: int) -> datetime:
        return datetime.fromtimestamp(millis / 1000, UTC) if millis else self._clock()


def _raise_boundary(st: _Market, start: datetime) -> None:
    if st.boundary is None or start > st.boundary:
        st.boundary = start
