"""Ports of the backtest use cases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from upbit_auto_trading.domain.backtest import BacktestRecord


@dataclass(frozen=True)
class RunMeta:
    """What a stored run keeps beside its record."""

    strategy_id: int | None
    strategy_version: int | None
    started_at: str  # ISO-8601 UTC
    finished_at: str
    duration_ms: int
    triggers: dict[str, Any] = field(default_factory=dict)  # trigger snapshot by TriggerRef.key


@dataclass(frozen=True)
class StoredRun:
    run_id: int
    record: BacktestRecord
    meta: RunMeta

    @property
    def strategy_name(self) -> str:
        return str(self.record.strategy.get("name", ""))


@dataclass(frozen=True)
class RunSummary:
    """One row of the stored-runs list."""

    run_id: int
    strategy_name: str
    market: str
    timeframe: str
    data_start: str
    data_end: str
    candle_count: int
    started_at: str
    final_equity: str
    total_return: float | None
    max_drawdown: float | None
    trades: int | None
    engine_version: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True, eq=False)
class RunCurves:
    equity: np.ndarray
    position: np.ndarray


class BacktestRepository(Protocol):
    def add(self, record: BacktestRecord, meta: RunMeta, curves: RunCurves) -> int:
        """Store a finished run (one transaction) and return its id."""
        ...

    def list(self, strategy_name: str | None = None) -> Sequence[RunSummary]:
        """Newest first."""
        ...

    def get(self, run_id: int) -> StoredRun | None: ...

    def curves(self, run_id: int) -> RunCurves | None: ...

    def delete(self, run_id: int) -> bool: ...
