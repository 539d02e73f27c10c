"""Event bus throughput and CRITICAL latency under a LOW flood, each next to a bare asyncio.PriorityQueue.

Run by hand (never in tests):  python benchmarks/bench_event_bus.py [--events 200000] [--samples 1000]

The LOW flood is made of distinct events (as real log lines are), so the garbage collector sees 100,000
live objects, not one. For each CRITICAL sample the bus case also records the thread's CPU time: a sample
whose wall time exceeds its CPU time by more than ``DESCHEDULED_S`` was waiting for a CPU (the process
was descheduled), not for the bus; garbage-collection pauses inside a sample window are counted too.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import logging
import random
import resource
import statistics
import sys
import time
from dataclasses import dataclass

from upbit_auto_trading.application.event_bus import Event, EventBus, EventPriority

FLOOD = 100_000
DESCHEDULED_S = 0.0005


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
            queue.put_nowait((4, next(seq), Tick(n=-1)))
        await asyncio.sleep(random.uniform(0, 0.0005))
        fut = asyncio.get_running_loop().create_future()
        waiting[i] = fut
        t0 = time.perf_counter()
        queue.put_nowait((1, next(seq), Tick(n=i)))
        await fut
        latencies.append(seen[i] - t0)
    task.cancel()
    return latencies


class _GcWatch:
    """Start and end (perf_counter) of every garbage collection, by generation."""

    def __init__(self) -> None:
        self.pauses: list[tuple[int, float, float]] = []
        self.cpu_ms: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self._started = (0.0, 0.0)

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = (time.perf_counter(), time.thread_time())
        else:
            generation = info["generation"]
            self.pauses.append((generation, self._started[0], time.perf_counter()))
            self.cpu_ms[generation].append((time.thread_time() - self._started[1]) * 1000)

    def overlapping(self, t0: float, t1: float) -> list[tuple[int, float, float]]:
        return [p for p in self.pauses if p[1] < t1 and p[2] > t0]


class Sample:
    __slots__ = ("cpu", "gc_ms", "preempted", "wall")

    def __init__(self, wall: float, cpu: float, gc_ms: float, preempted: int) -> None:
        self.wall, self.cpu, self.gc_ms, self.preempted = wall, cpu, gc_ms, preempted


def _involuntary_switches() -> int:
    """Times the kernel took the CPU from this thread (Linux; 0 elsewhere)."""
    who = getattr(resource, "RUSAGE_THREAD", None)
    return resource.getrusage(who).ru_nivcsw if who is not None else 0


async def bus_latency(samples: int) -> tuple[list[Sample], int, _GcWatch]:
    bus = EventBus(capacity={EventPriority.LOW_LOGGING: FLOOD * 2})
    seen: dict[int, tuple[float, float]] = {}
    waiting: dict[int, asyncio.Future[None]] = {}
    for handler in HANDLERS:
        bus.subscribe(Tick, handler)

    def on_critical(event: Tick) -> None:
        if event.n >= 0:
            seen[event.n] = (time.perf_counter(), time.thread_time())
            waiting.pop(event.n).set_result(None)

    bus.subscribe(Tick, on_critical)
    await bus.start()
    watch = _GcWatch()
    gc.callbacks.append(watch)
    measured: list[tuple[float, float, float, float, int]] = []
    try:
        for i in range(samples):
            while bus.stats().queue_depths[EventPriority.LOW_LOGGING] < FLOOD:
                for _ in range(FLOOD - bus.stats().queue_depths[EventPriority.LOW_LOGGING]):
                    bus.publish_nowait(Tick(n=-1), EventPriority.LOW_LOGGING)
            await asyncio.sleep(random.uniform(0, 0.0005))
            fut = asyncio.get_running_loop().create_future()
            waiting[i] = fut
            switches = _involuntary_switches()
            t0, c0 = time.perf_counter(), time.thread_time()
            await bus.publish(Tick(n=i), EventPriority.CRITICAL_TRADING)
            await fut
            t1, c1 = seen[i]
            measured.append((t0, t1, c0, c1, _involuntary_switches() - switches))
    finally:
        gc.callbacks.remove(watch)
    result = [
        Sample(t1 - t0, c1 - c0, sum(e - s for _, s, e in watch.overlapping(t0, t1)) * 1000, n)
        for t0, t1, c0, c1, n in measured
    ]
    depth = bus.stats().queue_depths[EventPriority.LOW_LOGGING]
    await bus.stop(timeout=0.1)
    return result, depth, watch


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
    bus_samples, depth, watch = await bus_latency(samples)
    bus_l = [x.wall for x in bus_samples]
    print()
    print(f"| case | CRITICAL p50 ms | p99 ms | (with {FLOOD:,} LOW queued) |")
    print("|---|---|---|---|")
    print(
        f"| bare asyncio.PriorityQueue, consumer yields after each event | {_pct(bare_l, 0.5):.3f} | {_pct(bare_l, 0.99):.3f} | |"
    )
    print(
        f"| EventBus | {_pct(bus_l, 0.5):.3f} | {_pct(bus_l, 0.99):.3f} | goal p99 < 1 ms; LOW still queued at end: {depth:,} |"
    )
    slow = [x for x in bus_samples if x.wall > 0.001]
    descheduled = [x for x in bus_samples if x.wall - x.cpu > DESCHEDULED_S]
    on_cpu = [x.cpu for x in bus_samples]
    gcs = {g: [(e - s) * 1000 for gen, s, e in watch.pauses if gen == g] for g in (0, 1, 2)}
    print()
    print(
        f"EventBus samples over 1 ms: {len(slow)} of {len(bus_samples)}; of those descheduled "
        f"(wall - thread CPU > {DESCHEDULED_S * 1000:.1f} ms): {sum(1 for x in slow if x in descheduled)}, "
        f"preempted by the kernel inside the window: {sum(1 for x in slow if x.preempted)}, "
        f"with a GC pause inside: {sum(1 for x in slow if x.gc_ms > 0)}; max {max(bus_l) * 1000:.3f} ms"
    )
    print(
        f"EventBus thread-CPU time per sample: p50 {_pct(on_cpu, 0.5):.3f} ms, p99 {_pct(on_cpu, 0.99):.3f} ms, "
        f"max {max(on_cpu) * 1000:.3f} ms"
    )
    print(
        "GC during the latency run (count, max wall ms / max CPU ms): "
        + ", ".join(
            f"gen{g} {len(v)}, {max(v, default=0):.1f} / {max(watch.cpu_ms[g], default=0):.1f}"
            for g, v in gcs.items()
        )
        + f"; samples with a GC pause inside: {sum(1 for x in bus_samples if x.gc_ms > 0)}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--samples", type=int, default=1000)
    args = parser.parse_args()
    logging.getLogger("upbit_auto_trading.application.event_bus").setLevel(
        logging.ERROR
    )  # the flood left at stop
    asyncio.run(main(args.events, args.samples))
