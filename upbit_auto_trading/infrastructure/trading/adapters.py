"""The only mode-specific code of the engine: which exchange and which feed a session gets.

- replay: a loopback Upbit server on 127.0.0.1 (its own account, kept on disk in the profile, funded with
  the session's budget) fed by the replay clock from stored candles;
- paper: the loopback server with the profile's paper account on disk, fed by Upbit's public candle stream
  (no key), prices mirrored into it;
- live: Upbit itself with the profile's stored keys, fed by Upbit's candle stream.
Every mode reaches its exchange over HTTP with the same client, so the engine's code path is the same.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.ports.candle_reader import CandleReader
from upbit_auto_trading.application.trading.engine import AdapterSet, ReplayWindow
from upbit_auto_trading.domain.market.candle_timing import floor_start
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.domain.trading.session import TradingMode, TradingSession

if TYPE_CHECKING:  # the loopback server (aiohttp) is imported when a replay or paper session opens
    from upbit_auto_trading.infrastructure.upbit_sim.market import MarketReplay
    from upbit_auto_trading.infrastructure.upbit_sim.server import UpbitSimServer

log = logging.getLogger(__name__)

DEFAULT_REPLAY_CANDLES = 500
"""A replay without --from decides on the newest 500 stored candles."""
HISTORY_AT_SERVER = 200


@dataclass(kw_only=True)
class ReplayAdapterSet(AdapterSet):
    """A replay's adapters and its loopback server, whose address tests and the CLI read."""

    server: UpbitSimServer


def _load_candles(reader: Any, market: str, timeframe: str, start: datetime, end: datetime | None) -> list[Any]:
    """Exact decimal candles when the store can give them, else the float arrays converted back."""
    load = getattr(reader, "load_candles", None)
    if callable(load):
        return list(load(market, timeframe, start, end))
    from upbit_auto_trading.application.trading.session_runner import arrays_to_candles

    return arrays_to_candles(reader.load_arrays(market, timeframe, start, end))


class TradingAdapterFactory:
    def __init__(
        self,
        *,
        candles: CandleReader,
        paper_dir: Callable[[], Path],
        credentials: Callable[[], Any],
        api_url: str,
        websocket_url: str,
        timeout: float = 10.0,
        candle_saver: Callable[[Any], None] | None = None,
    ) -> None:
        self._candles = candles
        self._paper_dir = paper_dir
        self._credentials = credentials
        self._api_url = api_url
        self._ws_url = websocket_url
        self._timeout = timeout
        self._saver = candle_saver

    def state_file(self, session: TradingSession) -> Path:
        folder = self._paper_dir()
        folder.mkdir(parents=True, exist_ok=True)
        name = f"replay-{session.session_id}.json" if session.mode is TradingMode.REPLAY else "paper-account.json"
        return folder / name

    async def open(self, session: TradingSession, replay: ReplayWindow | None) -> AdapterSet:
        if session.mode is TradingMode.REPLAY:
            return await self._replay(session, replay or ReplayWindow())
        if session.mode is TradingMode.PAPER:
            return await self._paper(session)
        return await self._live(session)

    # --- replay ------------------------------------------------------------------------------------------

    async def _replay(self, session: TradingSession, window: ReplayWindow) -> AdapterSet:
        if window.end is None and session.replay_end:
            window = ReplayWindow(window.start, datetime.fromisoformat(session.replay_end), window.speed_ms)
        from upbit_auto_trading.infrastructure.trading.replay_feed import ReplayFeed
        from upbit_auto_trading.infrastructure.upbit_sim.config import SimAccountSpec, SimConfig
        from upbit_auto_trading.infrastructure.upbit_sim.factory import DEMO_ACCESS_KEY, DEMO_SECRET_KEY
        from upbit_auto_trading.infrastructure.upbit_sim.market import MarketReplay
        from upbit_auto_trading.infrastructure.upbit_sim.server import UpbitSimServer

        market = MarketReplay()
        first_index: dict[str, int] = {}
        first_candle: dict[str, datetime] = {}
        for m in session.markets:
            first_index[m], first_candle[m] = self._load_replayed(market, session, m, window)
        config = SimConfig(
            port=0,
            accounts=[SimAccountSpec(DEMO_ACCESS_KEY, DEMO_SECRET_KEY, {"KRW": session.budget})],
            state_file=self.state_file(session),
        )
        server = UpbitSimServer(config, market)
        await server.start_async()
        try:
            exchange = self._exchange(server.base_url, server.private_ws_url, (DEMO_ACCESS_KEY, DEMO_SECRET_KEY))
        except BaseException:
            await server.stop_async()
            raise
        feed = ReplayFeed(server, session.markets, session.timeframe, first_decided=first_index,
                          speed_ms=window.speed_ms)  # fmt: skip

        async def close() -> None:
            await feed.aclose()
            await exchange.aclose()
            await server.stop_async()

        return ReplayAdapterSet(exchange, feed, True, first_candle, close, fee_rate=config.fee_rate, server=server)

    def _load_replayed(
        self, market: MarketReplay, session: TradingSession, m: str, window: ReplayWindow
    ) -> tuple[int, datetime]:
        """Give the loopback market the candles of ``m`` to replay, with some history before them, its
        cursor at the resume point; the index and start of the first replayed candle."""
        starts = [int(x) for x in self._candles.load_arrays(m, session.timeframe, None, window.end).start]
        first = max(1, _first_replayed(starts, session, m, window))
        if first >= len(starts) - 1:
            raise ApplicationError(
                f"Not enough stored {session.timeframe} candles of {m} to replay from there; import or "
                "download more (market data tab or `data fetch`)."
            )
        # the loopback server holds the replayed candles and some history before them (its candle
        # endpoint answers from it), not the whole store
        begin = max(0, first - HISTORY_AT_SERVER)
        loaded = _load_candles(self._candles, m, session.timeframe,
                               datetime.fromtimestamp(starts[begin], UTC), window.end)  # fmt: skip
        series = market.add_candles(loaded)
        first -= begin
        last = session.last_candle.get(m)
        resume = (
            bisect.bisect_left(series.starts, int(datetime.fromisoformat(last).timestamp())) + 1
            if last else first
        )  # fmt: skip
        series.cursor = resume  # candles before it are visible: history, and the resumed past
        return first, series.candles[first].start

    # --- paper and live ----------------------------------------------------------------------------------

    def _exchange(self, base_url: str, private_ws: str | None, keys: tuple[str, str] | None) -> Any:
        from upbit_auto_trading.infrastructure.trading.upbit_exchange import UpbitExchange
        from upbit_auto_trading.infrastructure.upbit.auth import UpbitCredentials
        from upbit_auto_trading.infrastructure.upbit.rest_client import UpbitRestClient

        creds = UpbitCredentials(*keys) if keys else self._credentials()
        client = UpbitRestClient(base_url, creds, timeout=self._timeout)
        return UpbitExchange(client, private_ws, creds)

    def _market_feed(self, session: TradingSession, api_url: str, ws_url: str) -> Any:
        from upbit_auto_trading.infrastructure.trading.upbit_market_feed import UpbitMarketFeed
        from upbit_auto_trading.infrastructure.upbit.rest_client import UpbitRestClient

        client = UpbitRestClient(api_url, None, timeout=self._timeout)
        last_closed = {}  # a restart backfills from the last candle the session decided on
        for m, iso in session.last_candle.items():
            moment = datetime.fromisoformat(iso)
            stored = _load_candles(self._candles, m, session.timeframe, moment, moment)
            if stored:
                last_closed[m] = stored[-1]
        return UpbitMarketFeed(client, ws_url, list(session.markets), session.timeframe, self._saver,
                               last_closed=last_closed)  # fmt: skip

    def _next_candle_start(self, timeframe: str) -> datetime:
        """The candle forming now: a new live or paper session decides from its close on."""
        return floor_start(Timeframe.from_code(timeframe), datetime.now(UTC))

    def outside_exchange(self, session: TradingSession) -> Any | None:
        """The exchange holding the session's orders when it lives outside the engine's process (live: Upbit,
        with the profile's stored keys), for the session's watchdog; None for paper and replay, whose loopback
        exchange lives and dies with the engine. No private stream: the watchdog asks over REST."""
        if session.mode is not TradingMode.LIVE:
            return None
        if self._credentials() is None:
            raise ApplicationError("Live trading needs stored API keys: `keys set` or Settings > API keys.")
        return self._exchange(session.api_url or self._api_url, None, None)

    async def _live(self, session: TradingSession) -> AdapterSet:
        api = session.api_url or self._api_url
        ws = self._ws_url if not session.api_url else _ws_for(session.api_url)
        if self._credentials() is None:
            raise ApplicationError("Live trading needs stored API keys: `keys set` or Settings > API keys.")
        exchange = self._exchange(api, ws + "/private", None)
        feed = self._market_feed(session, api, ws)
        first = {m: self._next_candle_start(session.timeframe) for m in session.markets}

        async def close() -> None:
            await feed.aclose()
            await exchange.aclose()

        rules = await exchange.rules(session.markets[0])
        # Upbit keeps the orders when this process dies: the session gets a watchdog process
        return AdapterSet(exchange, feed, False, first, close, fee_rate=rules.bid_fee, outlives_process=True)

    async def _latest_candles(self, market: str, timeframe: str, api_url: str) -> list[Any]:
        """The newest two candles: from the store when it has them (read by range, not the whole series),
        else from the exchange's public candle endpoint."""
        starts = self._candles.load_arrays(market, timeframe).start
        if len(starts):
            begin = datetime.fromtimestamp(int(starts[max(0, len(starts) - 2)]), UTC)
            return _load_candles(self._candles, market, timeframe, begin, None)
        return await _fetch_latest(api_url, market, timeframe, self._timeout)

    async def _paper(self, session: TradingSession) -> AdapterSet:
        from upbit_auto_trading.infrastructure.trading.mirrored_feed import MirroredFeed
        from upbit_auto_trading.infrastructure.upbit_sim.config import SimAccountSpec, SimConfig
        from upbit_auto_trading.infrastructure.upbit_sim.factory import DEMO_ACCESS_KEY, DEMO_SECRET_KEY
        from upbit_auto_trading.infrastructure.upbit_sim.market import MarketReplay
        from upbit_auto_trading.infrastructure.upbit_sim.server import UpbitSimServer

        market = MarketReplay()
        api = session.api_url or self._api_url
        for m in session.markets:
            seed = await self._latest_candles(m, session.timeframe, api)
            if seed:  # the price the paper exchange starts from; the mirror keeps it moving
                market.add_candles(seed)
        config = SimConfig(
            port=0,
            accounts=[SimAccountSpec(DEMO_ACCESS_KEY, DEMO_SECRET_KEY, {"KRW": Decimal("10000000")})],
            state_file=self.state_file(session),
        )
        server = UpbitSimServer(config, market)
        await server.start_async()
        ws = self._ws_url if not session.api_url else _ws_for(session.api_url)
        exchange = self._exchange(server.base_url, server.private_ws_url, (DEMO_ACCESS_KEY, DEMO_SECRET_KEY))
        feed = MirroredFeed(self._market_feed(session, api, ws), server, session.timeframe)
        first = {m: self._next_candle_start(session.timeframe) for m in session.markets}

        async def close() -> None:
            await feed.aclose()
            await exchange.aclose()
            await server.stop_async()

        return AdapterSet(exchange, feed, True, first, close, fee_rate=config.fee_rate)


async def _fetch_latest(api_url: str, market: str, timeframe: str, timeout: float) -> list[Any]:
    from upbit_auto_trading.infrastructure.upbit.errors import UpbitError
    from upbit_auto_trading.infrastructure.upbit.rest_client import UpbitRestClient

    async with UpbitRestClient(api_url, None, timeout=timeout) as client:
        try:
            return list(reversed(await client.candles(market, timeframe, count=2)))
        except UpbitError as exc:
            log.warning("no recent %s %s candles from %s (%s): the paper price starts with the feed",
                        market, timeframe, api_url, exc)  # fmt: skip
            return []


def _ws_for(api_url: str) -> str:
    base = api_url.rstrip("/")
    if base.startswith("https://"):
        return "wss://" + base[len("https://"):] + "/websocket/v1"
    if base.startswith("http://"):
        return "ws://" + base[len("http://"):] + "/websocket/v1"
    return base + "/websocket/v1"


def _first_replayed(starts: list[int], session: TradingSession, m: str, window: ReplayWindow) -> int:
    """Where the replay of ``m`` starts among the stored candle ``starts``: a resumed session's first candle,
    else the window's start, else the last ``DEFAULT_REPLAY_CANDLES``."""
    if session.first_candle.get(m):
        return bisect.bisect_left(starts, int(datetime.fromisoformat(session.first_candle[m]).timestamp()))
    if window.start is not None:
        return bisect.bisect_left(starts, int(window.start.timestamp()))
    return max(1, len(starts) - DEFAULT_REPLAY_CANDLES)
