"""The ``ExecutorFactory`` of the robustness use cases: a Ray cluster when an address is given, otherwise a
pool of local processes (one local worker is the calling process: the use cases choose that themselves)."""

from __future__ import annotations

from upbit_auto_trading.application.robustness.dto import ExecutorSpec
from upbit_auto_trading.application.robustness.ports import SweepExecutor
from upbit_auto_trading.infrastructure.robustness.process_pool import LocalPoolExecutor
from upbit_auto_trading.infrastructure.robustness.ray_executor import (
    RayExecutor,  # imports Ray only when used
)


class SweepExecutors:
    def __call__(self, spec: ExecutorSpec) -> SweepExecutor:
        if spec.ray_address:
            return RayExecutor(spec.ray_address, spec.workers)
        return LocalPoolExecutor(spec.workers)
