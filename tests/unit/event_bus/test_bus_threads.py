from __future__ import annotations

import asyncio
import threading

from upbit_auto_trading.application.event_bus import EventPriority

from .bus_fakes import Ping, make_bus

THREADS = 8
PER_THREAD = 1500


async def test_publish_from_many_threads_loses_and_duplicates_nothing() -> None:
    # small never-dropped queues force some publishers to wait for room
    bus, _, _ = make_bus(capacity={EventPriority.CRITICAL_TRADING: 50, EventPriority.MEDIUM_CONFIG: 50})
    seen: list[tuple[str, int]] = []
    bus.subscribe(Ping, lambda e: seen.append((e.source, e.n)))
    await bus.start()
    loop_thread = threading.get_ident()
    errors: list[BaseException] = []

    def worker(t: int) -> None:
        assert threading.get_ident() != loop_thread
        priority = [EventPriority.CRITICAL_TRADING, EventPriority.MEDIUM_CONFIG, EventPriority.LOW_LOGGING][
            t % 3
        ]
        futures = [bus.publish_threadsafe(Ping(source=f"t{t}", n=n), priority) for n in range(PER_THREAD)]
        for f in futures:
            exc = f.exception(timeout=30)
            if exc is not None:
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
    for th in threads:
        th.start()
    await asyncio.gather(*(asyncio.to_thread(th.join) for th in threads))
    await bus.join()
    await bus.stop()
    assert errors == []
    assert len(seen) == THREADS * PER_THREAD
    assert len(set(seen)) == len(seen)  # no duplicates
    for t in range(THREADS):  # FIFO per publisher thread within its priority
        assert [n for s, n in seen if s == f"t{t}"] == list(range(PER_THREAD))
    assert bus.stats().total_dropped == 0
