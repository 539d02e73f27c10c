"""What the robustness use cases are asked for and give back (plain, typed data for the CLI and the screens)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import numpy as np

from upbit_auto_trading.application.backtest.request import BacktestRequest
from upbit_auto_trading.domain.backtest import UPBIT_KRW_FEE, BacktestSettings
from upbit_auto_trading.domain.robustness.plateau import DEFAULT_OBJECTIVE
from upbit_auto_trading.domain.robustness.space import ParameterSpace

SWEEP = "sweep"
WALK_FORWARD = "walkforward"

RUNNING = "running"
CANCELLED = "cancelled"
COMPLETED = "completed"
FAILED = "failed"

GRID = "grid"
OPTUNA = "optuna"
SAMPLERS = (GRID, OPTUNA)

SELECTIONS = ("plateau", "best")
"""How a walk-forward picks a train window's cell: its top plateau, or its best single cell."""

OK = "ok"
INVALID = "invalid"


@dataclass(frozen=True)
class RunCosts:
    """Capital and costs of every cell, as a single backtest takes them (``BacktestRequest``): the settings
    of a cell are made by the same code, so a cell and a backtest run with those values are identical."""

    initial_capital: Decimal = Decimal("10000000")
    fee_rate: Decimal = UPBIT_KRW_FEE
    slippage_rate: Decimal = Decimal("0")
    exchange_rules: bool | None = None

    def backtest_request(self, strategy: str, market: str, timeframe: str, start: datetime | None,
                         end: datetime | None) -> BacktestRequest:  # fmt: skip
        return BacktestRequest(
            strategy=strategy, market=market, timeframe=timeframe, start=start, end=end,
            initial_capital=self.initial_capital, fee_rate=self.fee_rate, slippage_rate=self.slippage_rate,
            exchange_rules=self.exchange_rules, store=False,
        )  # fmt: skip

    def settings(self, market: str) -> BacktestSettings:
        return self.backtest_request("", market, "1h", None, None).settings()

    def to_dict(self) -> dict[str, Any]:
        return {
            "initial_capital": str(self.initial_capital),
            "fee_rate": str(self.fee_rate),
            "slippage_rate": str(self.slippage_rate),
            "exchange_rules": self.exchange_rules,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunCosts:
        rules = data.get("exchange_rules")
        return cls(Decimal(str(data["initial_capital"])), Decimal(str(data["fee_rate"])),
                   Decimal(str(data["slippage_rate"])), None if rules is None else bool(rules))  # fmt: skip


@dataclass(frozen=True)
class SweepRequest:
    """A sweep of ``space`` for the saved strategy ``strategy`` on ``markets`` (each cell runs on every one;
    its objective is their mean). ``start``/``end`` bound the candle starts (UTC, inclusive; None = all
    stored), as a backtest's. ``sampler`` "grid" runs every cell; "optuna" runs ``trials`` cells chosen by
    Optuna's TPE sampler (seeded by ``seed``)."""

    strategy: str
    markets: tuple[str, ...]
    timeframe: str
    space: ParameterSpace
    start: datetime | None = None
    end: datetime | None = None
    costs: RunCosts = field(default_factory=RunCosts)
    sampler: str = GRID
    trials: int | None = None
    seed: int = 0
    objective: str = DEFAULT_OBJECTIVE


@dataclass(frozen=True)
class WalkForwardRequest:
    """Walk-forward of ``space`` for ``strategy`` on one market: train windows of ``train_seconds``, test
    windows of ``test_seconds``; ``anchored`` train windows all start at the period's start. ``select``
    "plateau" picks each train window's top plateau-ranked cell, "best" its best raw objective."""

    strategy: str
    market: str
    timeframe: str
    space: ParameterSpace
    train_seconds: int
    test_seconds: int
    anchored: bool = False
    start: datetime | None = None
    end: datetime | None = None
    costs: RunCosts = field(default_factory=RunCosts)
    objective: str = DEFAULT_OBJECTIVE
    select: str = "plateau"


@dataclass(frozen=True)
class ExecutorSpec:
    """Where cells run: ``workers`` processes on this machine (None: one per core; 1: in this process), or
    a Ray cluster at ``ray_address`` ("auto": the cluster this machine belongs to, "local": start one here,
    or an address such as ``ray://head:10001``), with ``workers`` actors (None: one per cluster CPU)."""

    workers: int | None = None
    ray_address: str | None = None


@dataclass(frozen=True)
class CellSpec:
    """One backtest of a study: cell ``key`` of the space on segment ``segment`` (a market, or a walk-forward
    window's train or test part), with ``values`` as (path, decimal text)."""

    key: str
    segment: str
    values: tuple[tuple[str, str], ...]


@dataclass(frozen=True, eq=False)
class CellResult:
    """The outcome of one ``CellSpec``. ``metrics`` is ``Metrics.to_dict()``; the hashes are the ones a stored
    backtest of the same inputs records (``result_hash`` covers every fill and the equity curve, so equal
    hashes mean bit-identical runs). ``daily_returns`` are KST-day returns from ``first_day`` (UTC epoch
    second of the first day's midnight KST). ``times``/``equity`` only for segments that keep curves."""

    key: str
    segment: str
    status: str
    error: str = ""
    metrics: Mapping[str, Any] = field(default_factory=dict)
    final_equity: str = ""
    result_hash: str = ""
    signals_hash: str = ""
    strategy_hash: str = ""
    first_day: int = 0
    daily_returns: np.ndarray = field(default_factory=lambda: np.empty(0))
    times: np.ndarray | None = None
    equity: np.ndarray | None = None

    @property
    def ok(self) -> bool:
        return self.status == OK


@dataclass(frozen=True)
class StudyDefinition:
    """Everything needed to reopen a study and re-run it identically (its lineage): the strategy and trigger
    snapshots and their hash, the data (markets, timeframe, period and the hash of the candles loaded for
    each segment), the costs, the parameter space, the sampler and the engine version."""

    kind: str
    strategy_name: str
    strategy_id: int | None
    strategy_version: int | None
    strategy_hash: str
    strategy: Mapping[str, Any]
    triggers: Mapping[str, Any]
    markets: tuple[str, ...]
    timeframe: str
    start: datetime | None
    end: datetime | None
    costs: RunCosts
    space: ParameterSpace
    sampler: str
    trials: int | None
    seed: int
    objective: str
    engine_version: str
    data_hashes: Mapping[str, str]
    total_cells: int
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StudySummary:
    study_id: int
    kind: str
    status: str
    strategy_name: str
    markets: tuple[str, ...]
    timeframe: str
    created_at: str
    finished_at: str | None
    evaluated: int  # a sweep: cells stored (each on every market); a walk-forward: backtests stored
    total_cells: int
    sampler: str
    objective: str
    parameters: tuple[str, ...]  # the dimensions' labels

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["markets"], d["parameters"] = list(self.markets), list(self.parameters)
        return d


@dataclass(frozen=True)
class StoredStudy:
    summary: StudySummary
    definition: StudyDefinition


def utc_iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
