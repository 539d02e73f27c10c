"""The Ray executor: the study's cells on a Ray cluster (or a Ray instance started on this machine).

The job is put into Ray's object store once (``ray.put``) and handed to one actor per worker: each actor
reads it from its node's object store (numpy arrays without a copy on the node holding them) and loads the
numba kernels once, in its constructor. Cells are then sent in small batches to whichever actor is free;
each actor runs them with the same ``SweepWorker`` as the local pool, so the results are identical.

Ray is an optional extra (``pip install -e ".[ray]"``): it is imported only when this executor is used. Every
node needs this package installed (the same version) so actors can import it; see docs/robustness.md.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from typing import Any

from upbit_auto_trading.application.robustness.dto import CellResult, CellSpec
from upbit_auto_trading.application.robustness.job import SweepJob, SweepWorker
from upbit_auto_trading.domain.kernels import warm_up_kernels
from upbit_auto_trading.domain.work import CancelToken
from upbit_auto_trading.infrastructure.errors import InfrastructureError
from upbit_auto_trading.infrastructure.robustness.process_pool import batch_size

LOCAL = "local"
"""``--ray local``: start a Ray instance on this machine for this command (no cluster needed)."""


class RayUnavailableError(InfrastructureError):
    """Ray is not installed, or the cluster could not be reached."""


def _ray() -> Any:
    try:
        return importlib.import_module("ray")
    except ImportError:
        raise RayUnavailableError(
            'Sweeping on Ray needs Ray: pip install -e ".[ray]" (or run the sweep on this machine\'s cores)'
        ) from None


class SweepActor:
    """One Ray worker of a study (made a Ray actor class by ``_actor_class``)."""

    def __init__(self, job: SweepJob) -> None:
        warm_up_kernels()
        self._worker = SweepWorker(job)

    def run(self, cells: Sequence[CellSpec]) -> list[CellResult]:
        return [self._worker.run(spec) for spec in cells]

    def ready(self) -> bool:
        return True


_ACTOR: Any = None


def _actor_class(ray: Any) -> Any:
    global _ACTOR
    if _ACTOR is None:
        _ACTOR = ray.remote(num_cpus=1)(SweepActor)
    return _ACTOR


def connect(address: str | None) -> Any:
    """``ray`` initialised for ``address`` ("local": a new local instance; "auto" or an address: a cluster)."""
    ray = _ray()
    if ray.is_initialized():
        return ray
    kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "ignore_reinit_error": True}
    try:
        if address in (None, LOCAL):
            ray.init(**kwargs)
        else:
            ray.init(address=address, **kwargs)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise RayUnavailableError(f"Could not connect to the Ray cluster at {address!r}: {exc}") from None
    return ray


class RaySession:
    def __init__(self, ray: Any, job: SweepJob, workers: int) -> None:
        self._ray = ray
        job_ref = ray.put(job)  # once into the object store; every actor reads this one copy
        actor = _actor_class(ray)
        self._actors = [actor.remote(job_ref) for _ in range(workers)]
        ray.get([a.ready.remote() for a in self._actors])  # constructed and warm before the clock starts

    def map(self, cells: Sequence[CellSpec], cancel: CancelToken | None = None) -> Iterator[CellResult]:
        ray = self._ray
        size = batch_size(len(cells), len(self._actors))
        queued = iter([list(cells[i : i + size]) for i in range(0, len(cells), size)])
        free = list(self._actors) * 2  # two batches in flight per actor: no idle gap between batches
        running: dict[Any, Any] = {}
        try:
            while True:
                while free and not (cancel is not None and cancel.cancelled):
                    batch = next(queued, None)
                    if batch is None:
                        break
                    actor = free.pop()
                    running[actor.run.remote(batch)] = actor
                if not running:
                    return
                done, _ = ray.wait(list(running), num_returns=1, timeout=0.2)
                for ref in done:
                    free.append(running.pop(ref))
                    yield from ray.get(ref)
        finally:
            for ref in running:
                ray.cancel(ref)

    def close(self) -> None:
        for actor in self._actors:
            self._ray.kill(actor)
        self._actors = []


class RayExecutor:
    """A ``SweepExecutor`` on Ray: ``workers`` actors (default: one per CPU the cluster has)."""

    def __init__(self, address: str | None = "auto", workers: int | None = None) -> None:
        self._ray = connect(address)
        cpus = int(self._ray.cluster_resources().get("CPU", 1))
        self._workers = max(1, workers or cpus)

    @property
    def workers(self) -> int:
        return self._workers

    def open(self, job: SweepJob) -> RaySession:
        return RaySession(self._ray, job, self._workers)
