"""Event bus throughput and CRITICAL latency under a LOW flood, each next to a bare asyncio.PriorityQueue.

Run by hand (never in tests):  python benchmarks/bench_event_bus.py [--events 200000] [--samples 300]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import random
import statistics
import sys
import time
from dataclasses import dataclass

from upbit_auto_trading.application.event_bus import Event, EventBus, EventPriority

FLOOD = 100_000


@dataclass(frozen=True, kw_only=True)
class Tick(Event):
    n: int = 0


def _noop(event: object) -> None:
    return None


HANDLERS = (_noop, lambda e: None, lambda e: None)


async def bare_throughput(n: int) -> float:
    queue: asyncio.PriorityQueue[tuple[int, int, Tick]] = asyncio.PriorityQueue()
    events = [Tick(n=i) for i in range(n)]
    seq = itertools.count()
    done = asyncio.Event()

    async def consumer() -> None:
        for _ in range(n):
            _, _, event = await queue.get()
            for handler in HANDLERS:
                handler(event)
        done.set()

    start = time.perf_counter()
    task = asyncio.create_task(consumer())
    for e in events:
        await queue.put((3, next(seq), e))
    await done.wait()
    elapsed = time.perf_counter() - start
    await task
    return n / elapsed


async def bus_throughput(n: int) -> float:
    bus = EventBus(capacity={EventPriority.MEDIUM_CONFIG: n + 1})
    for handler in HANDLERS:
        bus.subscribe(Tick, handler)
    events = [Tick(n=i) for i in range(n)]
    await bus.start()
    start = time.perf_counter()
    for e in events:
        await bus.publish(e, EventPriority.MEDIUM_CONFIG)
    await bus.join()
    elapsed = time.perf_counter() - start
    await bus.stop()
    return n / elapsed


async def bare_latency(samples: int) -> list[float]:
    """Consumer yields after each event (the best a plain queue consumer can do)."""
    queue: asyncio.PriorityQueue[tuple[int, int, Tick]] = asyncio.PriorityQueue()
    seq = itertools.count()
    seen: dict[int, float] = {}
    waiting: dict[int, asyncio.Future[None]] = {}
    low = Tick(n=-1)

    async def consumer() -> None:
        while True:
            prio, _, event = await queue.get()
            for handler in HANDLERS:
                handler(event)
            if prio == 1:
                seen[event.n] = time.perf_counter()
                waiting.pop(event.n).set_result(None)
            await asyncio.sleep(0)

    task = asyncio.create_task(consumer())
    latencies = []
    for i in range(samples):
        while queue.qsize() < FLOOD:
            queue.put_nowait((4, next(seq), low))
        await asyncio.sleep(random.uniform(0, 0.0005))
        fut = asyncio.get_running_loop().create_future()
        waiting[i] = fut
        t0 = time.perf_counter()
        queue.put_nowait((1, next(seq), Tick(n=i)))
        await fut
        latencies.append(seen[i] - t0)
    task.cancel()
    return latencies


async def bus_latency(samples: int) -> tuple[list[float], int]:
    bus = EventBus(capacity={EventPriority.LOW_LOGGING: FLOOD * 2})
    seen: dict[int, float] = {}
    waiting: dict[int, asyncio.Future[None]] = {}
    for handler in HANDLERS:
        bus.subscribe(Tick, handler)

    def on_critical(event: Tick) -> None:
        if event.n >= 0:
            seen[event.n] = time.perf_counter()
            waiting.pop(event.n).set_result(None)

    bus.subscribe(Tick, on_critical)
    await bus.start()
    low = Tick(n=-1)
    latencies = []
    for i in range(samples):
        while bus.stats().queue_depths[EventPriority.LOW_LOGGING] < FLOOD:
            for _ in range(FLOOD - bus.stats().queue_depths[EventPriority.LOW_LOGGING]):
                bus.publish_nowait(low, EventPriority.LOW_LOGGING)
        await asyncio.sleep(random.uniform(0, 0.0005))
        fut = asyncio.get_running_loop().create_future()
        waiting[i] = fut
        t0 = time.perf_counter()
        await bus.publish(Tick(n=i), EventPriority.CRITICAL_TRADING)
        await fut
        latencies.append(seen[i] - t0)
    depth = bus.stats().queue_depths[EventPriority.LOW_LOGGING]
    await bus.stop(timeout=0.1)
    return latencies, depth


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def main(events: int, samples: int) -> None:
    print(
        f"python {sys.version.split()[0]}, {events:,} events, {samples} latency samples, flood {FLOOD:,} LOW"
    )
    bare_t = statistics.median([await bare_throughput(events) for _ in range(3)])
    bus_t = statistics.median([await bus_throughput(events) for _ in range(3)])
    print("| case | events/s (3 no-op handlers) |")
    print("|---|---|")
    print(f"| bare asyncio.PriorityQueue | {bare_t:,.0f} |")
    print(f"| EventBus | {bus_t:,.0f} ({bus_t / bare_t:.2f} of bare; goal >= 0.33) |")
    bare_l = await bare_latency(samples)
    bus_l, depth = await bus_latency(samples)
    print()
    print(f"| case | CRITICAL p50 ms | p99 ms | (with {FLOOD:,} LOW queued) |")
    print("|---|---|---|---|")
    print(
        f"| bare asyncio.PriorityQueue, consumer yields after each event | {_pct(bare_l, 0.5):.3f} | {_pct(bare_l, 0.99):.3f} | |"
    )
    print(
        f"| EventBus | {_pct(bus_l, 0.5):.3f} | {_pct(bus_l, 0.99):.3f} | goal p99 < 1 ms; LOW still queued at end: {depth:,} |"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    logging.getLogger("upbit_auto_trading.application.event_bus").setLevel(
        logging.ERROR
    )  # the flood left at stop
    asyncio.run(main(args.events, args.samples))
