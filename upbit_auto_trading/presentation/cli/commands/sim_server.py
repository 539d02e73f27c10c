"""``sim-server``: run the loopback Upbit server on 127.0.0.1 until stopped (Ctrl+C)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import signal
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from upbit_auto_trading.domain.errors import DomainError
from upbit_auto_trading.domain.market.market_id import normalize_market
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.presentation.cli.context import CliContext
from upbit_auto_trading.presentation.cli.errors import CliError

if TYPE_CHECKING:
    from upbit_auto_trading.presentation.cli.services import LoopbackServer

REPLAY_CANDLES = 5000
"""The newest candles of each series the server replays (passed to the factory as its ``limit``)."""
MAX_KRW = Decimal(10**15)
"""The largest demo balance: a thousand trillion KRW, far beyond any account (like the backtest's capital)."""
MAX_SPEED = 86400.0
"""The slowest clock: one candle a day (seconds per candle)."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "sim-server",
        help="serve a loopback Upbit (REST + WebSocket) on 127.0.0.1, replaying stored candles",
    )
    p.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (0: any free port)")
    p.add_argument(
        "--market",
        action="append",
        dest="markets",
        help="market to replay (repeatable; default KRW-BTC); needs stored candles unless --synthetic",
    )
    p.add_argument("--timeframe", default="1h", help="timeframe of the replayed candles (default 1h)")
    p.add_argument(
        "--synthetic", action="store_true", help="replay a deterministic random walk, not stored candles"
    )
    p.add_argument(
        "--start-at",
        metavar="N",
        help=f"number of candles visible at start, 1 to {REPLAY_CANDLES:,} (the newest {REPLAY_CANDLES:,} "
        "are replayed; default: all)",
    )
    p.add_argument(
        "--speed",
        default="0",
        metavar="SECONDS",
        help=f"reveal one candle every SECONDS seconds, 0 to {MAX_SPEED:,.0f} (default 0: frozen)",
    )
    p.add_argument(
        "--krw",
        default="10000000",
        metavar="AMOUNT",
        help=f"starting KRW balance of the demo account, 0 to {MAX_KRW:,} (default 10000000)",
    )
    p.set_defaults(func=_serve)


def _krw(text: str) -> Decimal:
    try:
        amount = Decimal(text.strip().replace(",", "").replace("_", ""))
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or not 0 <= amount <= MAX_KRW:  # NaN, Infinity and -5 used to be served
        raise CliError(f"--krw takes an amount from 0 to {MAX_KRW:,}; got {text!r}", exit_code=2)
    return amount


def _speed(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or not 0 <= seconds <= MAX_SPEED:  # -1 used to spin the clock flat out
        raise CliError(
            f"--speed takes seconds per candle from 0 (frozen) to {MAX_SPEED:,.0f}; got {text!r}", exit_code=2
        )
    return seconds


def _start_at(text: str | None, available: int) -> int | None:
    """Candles visible at start. Out-of-range counts were clamped in silence (0 or -5 showed one candle,
    10^9 all of them); a date is not a count, which the message says."""
    if text is None:
        return None
    wanted = f"--start-at takes a number of candles from 1 to {available:,} (not a date); got {text!r}"
    try:
        count = int(text.strip())
    except ValueError:
        raise CliError(wanted, exit_code=2) from None
    if not 1 <= count <= available:
        raise CliError(wanted, exit_code=2)
    return count


def _markets(ctx: CliContext, args: argparse.Namespace, timeframe: str) -> tuple[list[str], int]:
    """The markets to serve and how many candles each replays at most. Without --synthetic every market
    needs stored candles: one without them used to be served a random walk in silence."""
    try:
        markets = [normalize_market(m) for m in args.markets or ["KRW-BTC"]]
    except DomainError as exc:
        raise CliError(f"--market: {exc}", exit_code=2) from None
    if args.synthetic:
        return markets, REPLAY_CANDLES
    stored = {
        r.market: r.count
        for r in ctx.services.market_data.list_series().execute(with_gaps=False)
        if r.timeframe == timeframe
    }
    for market in markets:
        if market not in stored:
            known = ", ".join(sorted(stored)) or "none"
            raise CliError(
                f"--market {market}: no {timeframe} candles stored (stored {timeframe} markets: {known}); "
                "import or download them, or pass --synthetic for a random walk",
                exit_code=2,
            )
    return markets, min(REPLAY_CANDLES, *(stored[m] for m in markets))


def _serve(ctx: CliContext, args: argparse.Namespace) -> int:
    # every option is checked before the server is built: a refused start serves nothing and changes nothing
    if not 0 <= args.port <= 65535:
        raise CliError(f"--port must be 0..65535, got {args.port}", exit_code=2)
    krw, speed = _krw(args.krw), _speed(args.speed)
    try:
        timeframe = Timeframe.from_code(args.timeframe).code
    except DomainError as exc:
        raise CliError(f"--timeframe: {exc}", exit_code=2) from None
    markets, available = _markets(ctx, args, timeframe)
    visible = _start_at(args.start_at, available)
    server = ctx.services.loopback_server(
        port=args.port,
        markets=markets,
        timeframe=timeframe,
        synthetic=args.synthetic,
        limit=REPLAY_CANDLES,
        visible=visible,
        krw=krw,
    )
    try:
        asyncio.run(_run(ctx, server, args.port, markets, timeframe, speed))
    except KeyboardInterrupt:
        pass
    ctx.info("sim-server stopped")
    return 0


async def _run(
    ctx: CliContext, server: LoopbackServer, port: int, markets: list[str], timeframe: str, speed: float
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await server.start_async()
    except OSError as exc:
        raise CliError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}") from exc
    account = server.config.accounts[0]
    ctx.emit(
        {
            "rest": server.base_url,
            "websocket": server.ws_url,
            "access_key": account.access_key,
            "secret_key": account.secret_key,
            "markets": markets,
        },
        f"loopback Upbit server on {server.base_url} (WebSocket {server.ws_url})\n"
        f"demo keys: access {account.access_key} / secret {account.secret_key}\nCtrl+C stops it.",
    )
    ctx.stdout.flush()
    ticker = None
    if speed > 0:
        ticker = asyncio.create_task(_clock(server, markets, timeframe, speed))
    try:
        await stop.wait()
    finally:
        if ticker is not None:
            ticker.cancel()
        await server.stop_async()


async def _clock(server: LoopbackServer, markets: list[str], timeframe: str, speed: float) -> None:
    while True:
        await asyncio.sleep(speed)
        for market in markets:
            server.advance(market, timeframe)
