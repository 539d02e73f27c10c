"""A queue of backtest runs: several runs wait their turn on a ``WorkerPool``, each can be cancelled.

The pool (worker threads: infrastructure/backtest/thread_pool.py) decides where the runs execute; this
module decides their order, statuses and callbacks. Callbacks run on the worker; a GUI marshals them to its
own thread (Qt signal, loop.call_soon_threadsafe).
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

from upbit_auto_trading.application.backtest.request import BacktestOutcome, BacktestRequest
from upbit_auto_trading.domain.backtest import BacktestCancelled
from upbit_auto_trading.domain.work import CancelToken, Progress, ProgressCallback

log = logging.getLogger(__name__)

RunFn = Callable[[BacktestRequest, ProgressCallback, CancelToken], BacktestOutcome]


class JobHandle(Protocol):
    """A piece of work handed to a ``WorkerPool`` (``concurrent.futures.Future`` is one)."""

    def cancel(self) -> bool:
        """Take the work out of the line; False once it has started."""
        ...

    def cancelled(self) -> bool: ...

    def result(self, timeout: float | None = None) -> object:
        """Wait for the work to finish (``TimeoutError`` after ``timeout`` seconds)."""
        ...


class WorkerPool(Protocol):
    """Runs work in submission order, as many pieces at a time as it has workers."""

    def start(self, work: Callable[[], None]) -> JobHandle: ...

    def shutdown(self, wait: bool) -> None:
        """No new work; with ``wait``, return once the work already started has finished."""
        ...


class JobStatus(Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)


@dataclass(eq=False)
class BacktestJob:
    job_id: int
    request: BacktestRequest
    status: JobStatus = JobStatus.QUEUED
    progress: float = 0.0
    phase: str = "queued"
    outcome: BacktestOutcome | None = None
    error: BaseException | None = None
    token: CancelToken = field(default_factory=CancelToken)
    handle: JobHandle | None = None
    on_done: JobCallback | None = None

    def cancel(self) -> None:
        self.token.cancel()

    def wait(self, timeout: float | None = None) -> None:
        if self.handle is not None and not self.handle.cancelled():  # a waiting job cancelled: never ran
            self.handle.result(timeout)


JobCallback = Callable[[BacktestJob], None]


def _notify(job: BacktestJob, on_done: JobCallback | None) -> None:
    if on_done is not None:
        try:
            on_done(job)
        except Exception:
            log.exception("backtest completion callback failed")


class BacktestQueue:
    """Runs execute as ``pool`` schedules them (one worker: in submission order)."""

    def __init__(self, run: RunFn, pool: WorkerPool) -> None:
        self._run = run
        self._pool = pool
        self._ids = itertools.count(1)
        self._jobs: dict[int, BacktestJob] = {}
        self._lock = threading.Lock()

    def submit(
        self,
        request: BacktestRequest,
        on_progress: JobCallback | None = None,
        on_done: JobCallback | None = None,
    ) -> BacktestJob:
        job = BacktestJob(next(self._ids), request, on_done=on_done)
        with self._lock:
            self._jobs[job.job_id] = job
        job.handle = self._pool.start(lambda: self._work(job, on_progress, on_done))
        return job

    def _work(self, job: BacktestJob, on_progress: JobCallback | None, on_done: JobCallback | None) -> None:
        try:
            if job.token.cancelled:
                job.status, job.phase = JobStatus.CANCELLED, "cancelled"
                return
            job.status, job.phase = JobStatus.RUNNING, "starting"

            def progress(step: Progress) -> None:
                job.progress, job.phase = step.fraction, step.message
                if on_progress is not None:
                    on_progress(job)

            try:
                job.outcome = self._run(job.request, progress, job.token)
                job.status, job.phase, job.progress = JobStatus.DONE, "done", 1.0
            except BacktestCancelled:
                job.status, job.phase = JobStatus.CANCELLED, "cancelled"
            except Exception as exc:  # handed to the caller through the job
                log.warning("backtest %s failed: %s", job.request.describe(), exc)
                job.status, job.phase, job.error = JobStatus.FAILED, "failed", exc
        finally:
            _notify(job, on_done)

    def cancel(self, job_id: int) -> bool:
        """Stop a job: a waiting one is taken out of the line at once (``on_done`` is called here, with
        status CANCELLED); a running one stops at its next cancel check."""
        job = self._jobs.get(job_id)
        if job is None or job.status.finished:
            return False
        job.cancel()
        if job.status is JobStatus.QUEUED and job.handle is not None and job.handle.cancel():
            job.status, job.phase = JobStatus.CANCELLED, "cancelled"
            _notify(job, job.on_done)
        return True

    def cancel_all(self) -> None:
        for job in self.jobs():
            if not job.status.finished:
                job.cancel()

    def jobs(self) -> list[BacktestJob]:
        with self._lock:
            return list(self._jobs.values())

    def waiting(self) -> int:
        return sum(1 for j in self.jobs() if j.status is JobStatus.QUEUED)

    def shutdown(self, wait: bool = True) -> None:
        self.cancel_all()
        self._pool.shutdown(wait=wait)
