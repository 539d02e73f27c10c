"""Candle download throughput against the loopback Upbit server at Upbit's published rate limit.

Upbit allows 10 requests/s per IP in the ``candle`` group, 200 candles per request: a ceiling of
2,000 candles/s. The server enforces exactly that limit (429 beyond it); the client paces itself from
its own log and ``Remaining-Req``. Goal: within 10 % of the ceiling, with no 429.

    python benchmarks/bench_download.py [--pages 100] [--write]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from decimal import Decimal
from pathlib import Path

# measure this checkout, whatever copy of the package is installed
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from upbit_auto_trading.infrastructure.upbit.rate_limiter import PUBLISHED_LIMITS, RateLimiter  # noqa: E402
from upbit_auto_trading.infrastructure.upbit.rest_client import UpbitRestClient  # noqa: E402
from upbit_auto_trading.infrastructure.upbit.sync_client import UpbitSyncClient  # noqa: E402
from upbit_auto_trading.infrastructure.upbit_sim import SimAccountSpec, SimConfig, UpbitSimServer  # noqa: E402
from upbit_auto_trading.infrastructure.upbit_sim.market import MarketReplay, synthetic_candles  # noqa: E402


def _server(candles: int) -> UpbitSimServer:
    replay = MarketReplay()
    replay.add_candles(synthetic_candles("KRW-BTC", "1m", candles))
    return UpbitSimServer(SimConfig(accounts=[SimAccountSpec("a", "s", {"KRW": Decimal(0)})]), replay)


def run_sync(sim: UpbitSimServer, pages: int) -> tuple[int, float, int]:
    with UpbitSyncClient(sim.base_url, limiter=RateLimiter()) as client:
        t0 = time.perf_counter()
        got = 0
        for page in client.iter_candles("KRW-BTC", "1m"):
            got += len(page)
            if got >= pages * 200:
                break
        return got, time.perf_counter() - t0, client.retries


async def run_async(sim: UpbitSimServer, pages: int) -> tuple[int, float, int]:
    async with UpbitRestClient(sim.base_url, limiter=RateLimiter()) as client:
        t0 = time.perf_counter()
        got = 0
        async for page in client.iter_candles("KRW-BTC", "1m"):
            got += len(page)
            if got >= pages * 200:
                break
        return got, time.perf_counter() - t0, client.retries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--write", action="store_true", help="append the figures to docs/benchmarks.md")
    args = parser.parse_args()
    limit = PUBLISHED_LIMITS["candle"]
    ceiling = limit * 200
    rows = []
    for name in ("sync", "async"):
        with _server(args.pages * 200 + 500) as sim:
            time.sleep(1.1)  # a fresh window
            got, secs, retries = (
                run_sync(sim, args.pages) if name == "sync" else asyncio.run(run_async(sim, args.pages))
            )
            stats = sim.stats
        rate = got / secs
        rows.append((name, got, secs, got / 200 / secs, rate, rate / ceiling, stats.rejected_429, retries))
    lines = [
        "| client | candles | seconds | requests/s | candles/s | of ceiling | steady state (first second's burst excluded) | 429s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, got, secs, rps, rate, frac, r429, _ in rows:
        steady = (got / 200 - limit) / secs / limit
        lines.append(
            f"| {name} | {got} | {secs:.2f} | {rps:.2f} | {rate:.0f} | {frac:.1%} | {steady:.1%} of {limit} req/s | {r429} |"
        )
    table = "\n".join(lines)
    print(f"ceiling: {limit} req/s x 200 = {ceiling} candles/s (Upbit candle group, per IP)")
    print(table)
    if args.write:
        with open("docs/benchmarks.md", "a", encoding="utf-8") as fh:
            fh.write(
                "\n## Download\n\n"
                "Candle download from the loopback Upbit server (`upbit_sim`) enforcing Upbit's published limit for "
                f"the `candle` group ({limit} requests/s per IP, 200 candles per request: ceiling {ceiling} "
                "candles/s). Goal: within 10 % of the ceiling.\n\n"
                f"Command: `python benchmarks/bench_download.py --pages {args.pages} --write`\n\n{table}\n"
            )


if __name__ == "__main__":
    main()
