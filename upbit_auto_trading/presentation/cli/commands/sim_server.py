"""``sim-server``: run the loopback Upbit server on 127.0.0.1 until stopped (Ctrl+C)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from decimal import Decimal, InvalidOperation

from upbit_auto_trading.presentation.cli.context import CliContext
from upbit_auto_trading.presentation.cli.errors import CliError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "sim-server",
        help="serve a loopback Upbit (REST + WebSocket) on 127.0.0.1, replaying stored candles",
    )
    p.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (0: any free port)")
    p.add_argument("--market", action="append", dest="markets", help="market to replay (repeatable; KRW-BTC)")
    p.add_argument("--timeframe", default="1h", help="timeframe of the replayed candles (default 1h)")
    p.add_argument(
        "--synthetic", action="store_true", help="replay a deterministic random walk, not stored candles"
    )
    p.add_argument("--start-at", type=int, default=None, help="candles visible at start (default: all)")
    p.add_argument(
        "--speed", type=float, default=0.0, help="reveal one candle every SPEED seconds (0: frozen)"
    )
    p.add_argument("--krw", default="10000000", help="starting KRW balance of the demo account")
    p.set_defaults(func=_serve)


def _serve(ctx: CliContext, args: argparse.Namespace) -> int:
    if not 0 <= args.port <= 65535:
        raise CliError(f"--port must be 0..65535, got {args.port}")
    try:
        krw = Decimal(args.krw)
    except InvalidOperation as exc:
        raise CliError(f"--krw is not a number: {args.krw}") from exc
    reader = None
    market_data = getattr(ctx.container, "market_data", None)
    if market_data is not None and not args.synthetic:
        with contextlib.suppress(AttributeError):
            reader = market_data.candle_reader()
    factory = ctx.container.upbit.sim_server_factory(candle_reader=reader)
    server = factory(
        port=args.port,
        markets=args.markets or ["KRW-BTC"],
        timeframe=args.timeframe,
        synthetic=args.synthetic,
        visible=args.start_at,
        krw=krw,
    )
    try:
        asyncio.run(_run(ctx, server, args))
    except KeyboardInterrupt:
        pass
    ctx.info("sim-server stopped")
    return 0


async def _run(ctx: CliContext, server, args: argparse.Namespace) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await server.start_async()
    except OSError as exc:
        raise CliError(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}") from exc
    account = server.config.accounts[0]
    ctx.emit(
        {
            "rest": server.base_url,
            "websocket": server.ws_url,
            "access_key": account.access_key,
            "secret_key": account.secret_key,
            "markets": args.markets or ["KRW-BTC"],
        },
        f"loopback Upbit server on {server.base_url} (WebSocket {server.ws_url})\n"
        f"demo keys: access {account.access_key} / secret {account.secret_key}\nCtrl+C stops it.",
    )
    ctx.stdout.flush()
    ticker = None
    if args.speed > 0:
        ticker = asyncio.create_task(_clock(server, args.markets or ["KRW-BTC"], args.timeframe, args.speed))
    try:
        await stop.wait()
    finally:
        if ticker is not None:
            ticker.cancel()
        await server.stop_async()


async def _clock(server, markets: list[str], timeframe: str, speed: float) -> None:
    while True:
        await asyncio.sleep(speed)
        for market in markets:
            server.advance(market, timeframe)
