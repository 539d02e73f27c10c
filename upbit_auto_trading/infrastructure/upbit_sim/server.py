"""Lifecycle and controls of the loopback Upbit server (REST and WebSocket on one port of 127.0.0.1)."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from aiohttp import web

from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.infrastructure.upbit_sim.config import SimAccountSpec, SimConfig
from upbit_auto_trading.infrastructure.upbit_sim.exchange import SimOrder
from upbit_auto_trading.infrastructure.upbit_sim.market import MarketReplay
from upbit_auto_trading.infrastructure.upbit_sim.messages import (
    WS_CANDLE_TYPES,
    my_order_json,
    ticker_json,
    ws_candle,
)
from upbit_auto_trading.infrastructure.upbit_sim.rest_routes import add_rest_routes
from upbit_auto_trading.infrastructure.upbit_sim.state import STATE_KEY, SimState
from upbit_auto_trading.infrastructure.upbit_sim.ws_routes import HUB_KEY, WsHub, add_ws_routes

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SimStats:
    requests: int
    rejected_429: int
    rejected_418: int
    orders_placed: int
    ws_connections: int


class UpbitSimServer:
    """``with UpbitSimServer(config, replay) as sim:`` serves on a free port in a background thread.

    In an event loop (the CLI), ``await sim.serve()`` runs it on that loop instead. Control methods
    (``advance``, ``drop_websockets``, ...) are safe to call from any thread.
    """

    def __init__(self, config: SimConfig | None = None, market: MarketReplay | None = None) -> None:
        self.config = config or SimConfig()
        self.state = SimState.create(self.config, market or MarketReplay())
        self.state.exchange.listeners.append(self._on_order)
        self.app = web.Application()
        self.app[STATE_KEY] = self.state
        add_rest_routes(self.app)
        add_ws_routes(self.app)
        self.hub: WsHub = self.app[HUB_KEY]
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    # --- addresses --------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.config.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.config.host}:{self.port}/websocket/v1"

    @property
    def private_ws_url(self) -> str:
        return self.ws_url + "/private"

    # --- lifecycle --------------------------------------------------------------------------------------

    async def start_async(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.config.host, self.config.port)
        await site.start()
        server = site._server  # noqa: SLF001 - aiohttp exposes the bound port only here
        self.port = server.sockets[0].getsockname()[1] if server and server.sockets else self.config.port
        log.info("loopback Upbit server listening on %s", self.base_url)

    async def stop_async(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def serve(self, stop: asyncio.Event | None = None) -> None:
        """Serve on the running loop until ``stop`` is set (or the task is cancelled)."""
        await self.start_async()
        try:
            await (stop or asyncio.Event()).wait()
        finally:
            await self.stop_async()

    def start(self) -> UpbitSimServer:
        """Start in a background thread; returns once the port is bound."""
        self._thread = threading.Thread(target=self._thread_main, name="upbit-sim", daemon=True)
        self._thread.start()
        self._ready.wait(10)
        if self._error is not None:
            raise RuntimeError(f"loopback Upbit server failed to start: {self._error}") from self._error
        return self

    def _thread_main(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self.start_async())
        except BaseException as exc:  # report to the starting thread
            self._error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(self.stop_async())
            loop.close()

    def stop(self) -> None:
        if self._thread is not None and self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._thread = None

    def __enter__(self) -> UpbitSimServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- controls (any thread) --------------------------------------------------------------------------

    def _run(self, coro: Any) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            coro.close()
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            loop.create_task(coro)
        else:
            asyncio.run_coroutine_threadsafe(coro, loop).result(10)

    def add_account(self, spec: SimAccountSpec) -> None:
        with self.state.lock:
            self.state.exchange.add_account(spec)
            self.state.verifier.add_key(spec.access_key, spec.secret_key)

    def add_candles(self, candles: Iterable[Candle], visible: int | None = None) -> None:
        with self.state.lock:
            self.state.market.add_candles(candles, visible)

    def advance(self, market: str, timeframe: str, steps: int = 1) -> list[Candle]:
        """Reveal the next candles: fills resting orders, pushes candle/ticker/trade messages."""
        with self.state.lock:
            revealed = self.state.market.advance(market, timeframe, steps)
            for c in revealed:
                self.state.exchange.on_candle(market, c.low, c.high)
            tick = ticker_json(self.state.market, market)
        if revealed:
            self._run(self._push_candles(market, revealed, tick))
        return revealed

    async def _push_candles(self, market: str, candles: list[Candle], tick: dict[str, Any] | None) -> None:
        for c in candles:
            if c.timeframe in WS_CANDLE_TYPES:
                await self.hub.publish(WS_CANDLE_TYPES[c.timeframe], market, ws_candle(c, "REALTIME"))
            await self.hub.publish(
                "trade",
                market,
                {
                    "type": "trade",
                    "code": market,
                    "trade_price": c.close,
                    "trade_volume": c.volume,
                    "ask_bid": "BID" if c.close >= c.open else "ASK",
                    "prev_closing_price": c.open,
                    "trade_timestamp": int(c.start.timestamp() * 1000),
                    "timestamp": int(c.start.timestamp() * 1000),
                    "sequential_id": int(c.start.timestamp() * 1000),
                    "stream_type": "REALTIME",
                },
            )
        if tick is not None:
            doc = dict(tick)
            code = doc.pop("market")
            await self.hub.publish(
                "ticker", code, {"type": "ticker", "code": code, **doc, "stream_type": "REALTIME"}
            )

    def _on_order(self, order: SimOrder) -> None:
        doc = my_order_json(order)
        balances = self.state.exchange.balances(order.access_key)
        assets = {
            "type": "myAsset",
            "asset_uuid": order.uuid,
            "stream_type": "REALTIME",
            "assets": [
                {"currency": c, "balance": b.balance, "locked": b.locked} for c, b in balances.items()
            ],
            "asset_timestamp": doc["timestamp"],
            "timestamp": doc["timestamp"],
        }
        key = order.access_key

        async def push() -> None:
            await self.hub.publish("myOrder", order.market, doc, access_key=key)
            await self.hub.publish("myAsset", None, assets, access_key=key)

        if self._loop is not None and self.hub.clients:
            self._run_soon(push())

    def _run_soon(self, coro: Any) -> None:
        """Like ``_run`` but never waits (called with the state lock held)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            coro.close()
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            loop.create_task(coro)
        else:
            asyncio.run_coroutine_threadsafe(coro, loop)

    def drop_websockets(self) -> None:
        """Cut every WebSocket connection abruptly (clients must reconnect)."""
        self._run(self.hub.drop_all())

    def refuse_websockets(self, refuse: bool = True) -> None:
        self.state.faults.refuse_websockets = refuse

    def delay_order_replies(self, seconds: float, count: int = 1) -> None:
        """The next ``count`` orders are placed at once but answered only after ``seconds``."""
        with self.state.lock:
            self.state.faults.order_reply_delay = seconds
            self.state.faults.delayed_orders_left = count

    def set_rate_limit(self, group: str, per_second: int) -> None:
        with self.state.lock:
            self.state.limiter.limits[group] = per_second

    def unblock(self) -> None:
        with self.state.lock:
            self.state.limiter.unblock()

    def balance(self, access_key: str, currency: str) -> tuple[Decimal, Decimal]:
        with self.state.lock:
            b = self.state.exchange.balances(access_key).get(currency)
            return (b.balance, b.locked) if b else (Decimal(0), Decimal(0))

    @property
    def stats(self) -> SimStats:
        with self.state.lock:
            return SimStats(
                requests=self.state.requests,
                rejected_429=self.state.limiter.count_429,
                rejected_418=self.state.limiter.count_418,
                orders_placed=self.state.exchange.placed_count,
                ws_connections=self.hub.connections,
            )
