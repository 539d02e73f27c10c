"""Ports of the trigger use cases."""

from __future__ import annotations

from collections.abc import Sequence
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
