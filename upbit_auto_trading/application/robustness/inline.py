"""The executor that runs cells one after another in the calling thread (one worker, no process to start):
the default for ``workers=1``, and the reference the other executors are tested against."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from upbit_auto_trading.application.robustness.dto import CellResult, CellSpec
from upbit_auto_trading.application.robustness.job import SweepJob, SweepWorker
from upbit_auto_trading.domain.work import CancelToken


class InlineSession:
    def __init__(self, job: SweepJob) -> None:
        self._worker = SweepWorker(job)

    def map(self, cells: Sequence[CellSpec], cancel: CancelToken | None = None) -> Iterator[CellResult]:
        for spec in cells:
            if cancel is not None and cancel.cancelled:
                return
            yield self._worker.run(spec)

    def close(self) -> None:
        return None


class InlineExecutor:
    """A ``SweepExecutor`` of one worker: this thread."""

    @property
    def workers(self) -> int:
        return 1

    def open(self, job: SweepJob) -> InlineSession:
        return InlineSession(job)
