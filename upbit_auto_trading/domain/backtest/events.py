"""Events of the backtest context (published at MEDIUM_CONFIG)."""

from __future__ import annotations

from dataclasses import dataclass

from upbit_auto_trading.domain.events import Event


@dataclass(frozen=True, kw_only=True)
class BacktestCompleted(Event):
    """A backtest ran to the end. ``run_id`` is None when the run was not stored."""

    run_id: int | None
    strategy: str
    strategy_version: int
    market: str
    timeframe: str
    trade_count: int
    candle_count: int
    final_equity: str
    duration_ms: int


@dataclass(frozen=True, kw_only=True)
class BacktestRunDeleted(Event):
    run_id: int
