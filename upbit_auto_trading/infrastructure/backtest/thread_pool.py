"""Worker threads for the backtest queue (the engine releases the GIL, so a run does not stall the GUI)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor


class ThreadWorkerPool:
    """A ``WorkerPool`` of ``workers`` threads named ``backtest_N``; work starts in submission order."""

    def __init__(self, workers: int = 1) -> None:
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="backtest")

    def start(self, work: Callable[[], None]) -> Future[None]:
        return self._executor.submit(work)

    def shutdown(self, wait: bool) -> None:
        self._executor.shutdown(wait=wait, cancel_futures=False)
