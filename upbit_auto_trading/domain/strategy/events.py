"""Events of the strategy context: a user saved or deleted a strategy (published at MEDIUM_CONFIG)."""

from __future__ import annotations

from dataclasses import dataclass

from upbit_auto_trading.domain.events import Event


@dataclass(frozen=True, kw_only=True)
class StrategySaved(Event):
    """A version of a strategy was stored: ``change`` is created | new_version | duplicated | imported.

    ``version`` is the stored version (1 for a new strategy); backtests name the version they ran."""

    strategy_id: int
    name: str
    version: int
    change: str


@dataclass(frozen=True, kw_only=True)
class StrategyDeleted(Event):
    """The strategy and all its versions are gone (stored backtests keep their own snapshot).
    ``version`` is the last version it had."""

    strategy_id: int
    name: str
    version: int
