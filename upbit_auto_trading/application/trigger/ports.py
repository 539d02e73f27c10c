"""Ports of the trigger use cases."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from upbit_auto_trading.domain.trigger.condition import TradingCondition
from upbit_auto_trading.domain.trigger.variables import Catalogue


class TriggerRepository(Protocol):
    def list(self, search: str = "") -> Sequence[TradingCondition]:
        """Saved triggers by name; ``search`` matches name, description or variable (case-insensitive)."""
        ...

    def get(self, name: str) -> TradingCondition | None: ...

    def get_by_id(self, condition_id: int) -> TradingCondition | None: ...

    def add(self, condition: TradingCondition) -> TradingCondition:
        """Store a new trigger and return it with its id; raises ConflictError if the name is taken."""
        ...

    def update(self, condition: TradingCondition) -> TradingCondition:
        """Replace the trigger with ``condition.condition_id``; ConflictError if renamed onto another."""
        ...

    def delete(self, condition_id: int) -> bool: ...


class CatalogueRepository(Protocol):
    def load(self) -> Catalogue:
        """The seeded catalogue (variables, parameters, texts, groups)."""
        ...


class StrategyReferences(Protocol):
    """The strategies that reference saved triggers (by name, or by id when the reference has one).

    Implemented over the strategy store (``application.strategy.trigger_references``); a reference
    "uses" a trigger when it resolves to it the way a backtest resolves it.
    """

    def users(self, condition: TradingCondition) -> list[str]:
        """Names of the strategies whose current version uses ``condition``."""
        ...

    def rename(self, condition: TradingCondition, new_name: str) -> list[str]:
        """Save the next version of every strategy using ``condition`` with its references renamed to
        ``new_name``; returns their names. Call it before the trigger itself is renamed."""
        ...


class TriggerStoreTransaction(Protocol):
    """One atomic unit over the triggers and the strategies (they live in the same database)."""

    def transaction(self) -> AbstractContextManager[object]:
        """Everything written inside is committed together, or rolled back on any error."""
        ...
