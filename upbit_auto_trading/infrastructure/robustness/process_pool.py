"""The local executor: a pool of worker processes, each holding the study's job.

The job (candles, strategy, triggers) is pickled once per worker, as the pool's initializer argument, and
the numba kernels are loaded once per worker there; cells then travel as a few strings each, in small
batches, and come back as metrics, hashes and daily returns. Processes are started with "spawn" (as
``infrastructure/backtest/process_engine.py``): safe beside the desktop's threads on every platform.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from upbit_auto_trading.application.robustness.dto import CellResult, CellSpec
from upbit_auto_trading.application.robustness.job import SweepJob, SweepWorker
from upbit_auto_trading.domain.kernels import warm_up_kernels
from upbit_auto_trading.domain.work import CancelToken

MAX_BATCH = 16
"""Cells per task at most: a cancel waits for at most one batch per worker."""

_worker: SweepWorker | None = None


def _start_worker(job: SweepJob) -> None:
    global _worker
    # Ctrl+C reaches every process of the terminal's group: the parent decides (the first one cancels the
    # sweep gracefully), so a worker must not die of it half-way through a batch
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm_up_kernels()
    _worker = SweepWorker(job)


def _run_batch(cells: Sequence[CellSpec]) -> list[CellResult]:
    assert _worker is not None, "the pool's initializer did not run"
    return [_worker.run(spec) for spec in cells]


def batch_size(cells: int, workers: int) -> int:
    """About eight batches per worker (so the last ones balance out), 1 to MAX_BATCH cells each."""
    return max(1, min(MAX_BATCH, math.ceil(cells / max(1, workers * 8))))


class ProcessPoolSession:
    def __init__(self, job: SweepJob, workers: int) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._workers = workers
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_start_worker,
                                         initargs=(job,))  # fmt: skip

    def map(self, cells: Sequence[CellSpec], cancel: CancelToken | None = None) -> Iterator[CellResult]:
        size = batch_size(len(cells), self._workers)
        batches = [list(cells[i : i + size]) for i in range(0, len(cells), size)]
        queued = iter(batches)
        running: set[Future[list[CellResult]]] = set()
        try:
            while True:
                while len(running) < 2 * self._workers and not (cancel is not None and cancel.cancelled):
                    batch = next(queued, None)
                    if batch is None:
                        break
                    running.add(self._pool.submit(_run_batch, batch))
                if not running:
                    return
                done, running = wait(running, timeout=0.2, return_when=FIRST_COMPLETED)
                for future in done:
                    yield from future.result()
        finally:
            for future in running:
                future.cancel()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class LocalPoolExecutor:
    """A ``SweepExecutor`` of ``workers`` local processes (default: one per core)."""

    def __init__(self, workers: int | None = None) -> None:
        self._workers = max(1, workers or os.cpu_count() or 1)

    @property
    def workers(self) -> int:
        return self._workers

    def open(self, job: SweepJob) -> ProcessPoolSession:
        return ProcessPoolSession(job, self._workers)
