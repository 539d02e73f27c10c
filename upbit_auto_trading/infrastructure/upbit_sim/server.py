"""Lifecycle and controls of the loopback Upbit server (REST and WebSocket on one port of 127.0.0.1)."""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from aiohttp import web

from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.infrastructure.upbit_sim.config import SimAccountSpec, SimConfig
from upbit_auto_trading.infrastructure.upbit_sim.http_protocol import answer_parse_errors_in_upbit_shape
from upbit_auto_trading.infrastructure.upbit_sim.market import MarketReplay
from upbit_auto_trading.infrastructure.upbit_sim.orders import SimOrder
from upbit_auto_trading.infrastructure.upbit_sim.pushes import Push, asset_push, market_pushes, order_pushes
from upbit_auto_trading.infrastructure.upbit_sim.request_input import MAX_BODY_BYTES
from upbit_auto_trading.infrastructure.upbit_sim.rest_routes import add_rest_routes
from upbit_auto_trading.infrastructure.upbit_sim.state import STATE_KEY, SimState
from upbit_auto_trading.infrastructure.upbit_sim.upbit_errors import upbit_errors
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
    (``advance``, ``open_next``, ``move_price``, the faults, ...) are safe to call from any thread,
    the server's own loop included. With ``config.state_file`` the accounts and orders survive a restart.
    """

    def __init__(self, config: SimConfig | None = None, market: MarketReplay | None = None) -> None:
        self.config = config or SimConfig()
        self.state = SimState.create(self.config, market or MarketReplay())
        self.state.exchange.listeners.append(self._on_order)
        # Every error in Upbit's shape: the middleware for what reaches the app, the protocol for the rest.
        self.app = web.Application(middlewares=[upbit_errors], client_max_size=MAX_BODY_BYTES)
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
        answer_parse_errors_in_upbit_shape(self._runner)
        site = web.TCPSite(self._runner, self.config.host, self.config.port)
        await site.start()
        bound = self._runner.addresses  # (host, port) of the listening socket: the port, when 0 was asked for
        self.port = bound[0][1] if bound else self.config.port
        log.info("loopback Upbit server listening on %s", self.base_url)

    async def stop_async(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self.state.exchange.close_store()

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

    def _run(self, coro: Any, wait: bool = True) -> None:
        """Run ``coro`` on the server's loop: as a task when called on it, else from this thread (waiting
        for it when ``wait``; never wait while holding the state lock)."""
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
            future = asyncio.run_coroutine_threadsafe(coro, loop)
            if wait:
                future.result(10)

    def _market_pushes(self, market: str, candles: list[Candle]) -> list[Push]:
        """Market messages, built only when a client follows the market (a replay whose engine watches
        prices through the replay clock has no public subscriber: nothing to build for every tick)."""
        if not any(c.access_key is None or c.subs.keys() - {"myOrder", "myAsset"} for c in self.hub.clients):
            return []
        return market_pushes(self.state.market, market, candles)

    def _publish(self, pushes: list[Push], access_key: str | None = None, wait: bool = True) -> None:
        if not pushes or not self.hub.clients:
            return

        async def send() -> None:
            for type_, code, doc in pushes:
                await self.hub.publish(type_, code, doc, access_key=access_key)

        self._run(send(), wait)

    def add_account(self, spec: SimAccountSpec) -> None:
        with self.state.lock:
            self.state.exchange.add_account(spec)
            self.state.verifier.add_key(spec.access_key, spec.secret_key)

    def add_candles(self, candles: Iterable[Candle], visible: int | None = None) -> None:
        """Add or replace a series; resting orders its latest price crosses fill (the paper mirror moves the
        price this way)."""
        with self.state.lock:
            series = self.state.market.add_candles(candles, visible)
            price = self.state.market.price(series.market)
            if price is not None:
                self.state.exchange.on_price(series.market, price)

    # --- the replay clock ---------------------------------------------------------------------------------

    def advance(self, market: str, timeframe: str, steps: int = 1) -> list[Candle]:
        """Reveal the next whole candles (each as ``open_next`` then ``complete_current``): fills resting
        orders, pushes one candle/trade message per candle and the ticker."""
        revealed: list[Candle] = []
        with self.state.lock:
            shown = [c for c in [self._complete(market, timeframe)] if c is not None]
            for _ in range(steps):
                if self._open(market, timeframe) is None:
                    break
                whole = self._complete(market, timeframe)
                assert whole is not None
                revealed.append(whole)
            pushes = self._market_pushes(market, shown + revealed)
        if shown or revealed:
            self._publish(pushes)
        return revealed

    def open_next(self, market: str, timeframe: str) -> Candle | None:
        """The next candle opens: the previous one is whole now, the price is the new open (resting orders
        it crosses fill). Returns the new candle as known (o=h=l=c=open, volume 0); None at the end."""
        with self.state.lock:
            done = self._complete(market, timeframe)
            opened = self._open(market, timeframe)
            shown = [c for c in (done, opened) if c is not None]
            pushes = self._market_pushes(market, shown)
        if shown:
            self._publish(pushes)
        return opened

    def move_price(self, market: str, timeframe: str, price: Decimal) -> Candle:
        """Move the price inside the candle being revealed (clamped to its stored low..high); resting limit
        orders it crosses fill at their limit. Returns the candle as now known."""
        with self.state.lock:
            partial = self.state.market.move_price(market, timeframe, price)
            self.state.exchange.on_price(market, partial.close)
            pushes = self._market_pushes(market, [partial])
        self._publish(pushes)
        return partial

    def complete_current(self, market: str, timeframe: str) -> Candle | None:
        """The candle being revealed becomes whole (its stored values); orders the rest of its range
        reaches fill. Returns it; None when no candle was being revealed."""
        with self.state.lock:
            whole = self._complete(market, timeframe)
            pushes = self._market_pushes(market, [whole] if whole else [])
        if whole is not None:
            self._publish(pushes)
        return whole

    def _open(self, market: str, timeframe: str) -> Candle | None:
        opened = self.state.market.open_next(market, timeframe)
        if opened is not None:
            self.state.exchange.on_price(market, opened.open)
        return opened

    def _complete(self, market: str, timeframe: str) -> Candle | None:
        unseen = self.state.market.unseen_range(market, timeframe)
        if unseen is None:
            return None
        self.state.exchange.on_candle(market, *unseen)  # fills inside the candle, before it ends
        return self.state.market.complete_current(market, timeframe)

    # --- WebSocket pushes of account changes -------------------------------------------------------------

    def _on_order(self, order: SimOrder) -> None:
        # Called with the state lock held, once the change is on disk: queue the messages, never wait.
        if self._loop is None or not self.hub.clients:
            return
        balances = self.state.exchange.balances(order.access_key)
        pushes = order_pushes(order, balances, self.state.faults.duplicate_order_events)
        self._publish(pushes, access_key=order.access_key, wait=False)

    # --- faults and outside events (for the engine's tests) ----------------------------------------------

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

    def drop_next_order_replies(self, count: int = 1) -> None:
        """The next ``count`` orders are placed (and saved) but their connection is cut without a reply."""
        with self.state.lock:
            self.state.faults.dropped_replies_left = count

    def hold_orders(self, hold: bool = True) -> None:
        """New orders (market ones too) are accepted and rest in ``wait`` unfilled, as in a book too thin to
        take them: an order stays open until it is cancelled (limit orders still fill when a candle reaches
        their price)."""
        with self.state.lock:
            self.state.exchange.hold_fills = hold

    def duplicate_order_events(self, duplicate: bool = True) -> None:
        """Send every myOrder WebSocket message twice (clients must not count a fill twice)."""
        with self.state.lock:
            self.state.faults.duplicate_order_events = duplicate

    def set_balance(self, access_key: str, currency: str, balance: Decimal) -> None:
        """An outside change of an account's available balance (a deposit, a trade made elsewhere); saved,
        and announced on myAsset."""
        with self.state.lock:
            self.state.exchange.set_balance(access_key, currency, Decimal(balance))
            millis = int(self.state.market.now().timestamp() * 1000)
            push = asset_push(self.state.exchange.balances(access_key), str(uuid.uuid4()), millis)
        self._publish([push], access_key=access_key)

    def place_external_order(self, access_key: str, body: dict[str, Any]) -> dict[str, Any]:
        """An order placed on the account by someone else (no identifier, or one that is not ours): the
        same rules and fills as POST /v1/orders, not counted in ``stats.orders_placed``. Returns the order
        as GET /v1/order shows it; raises SimRejection when Upbit would refuse it."""
        with self.state.lock:
            return self.state.exchange.place(access_key, body, external=True).to_json_with_trades()

    def set_market_warning(self, market: str, warning: bool = True) -> None:
        """Flag a market with Upbit's investment warning (``market_event.warning`` of /v1/market/all)."""
        with self.state.lock:
            _toggle(self.state.faults.market_warnings, market, warning)

    def set_market_offline(self, market: str, offline: bool = True) -> None:
        """New orders on ``market`` are refused with 400 ``market_offline`` (as during maintenance)."""
        with self.state.lock:
            _toggle(self.state.exchange.offline_markets, market, offline)

    # --- inspection -----------------------------------------------------------------------------------------

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


def _toggle(members: set[str], member: str, present: bool) -> None:
    if present:
        members.add(member)
    else:
        members.discard(member)
