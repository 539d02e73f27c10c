"""Ports of the strategy use cases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from upbit_auto_trading.domain.strategy import Strategy


@dataclass(frozen=True)
class StoredStrategy:
    """A saved strategy at its current (or a given) version. ``strategy`` carries the id and version too."""

    strategy_id: int
    version: int
    strategy: Strategy
    content_hash: str
    created_at: datetime
    updated_at: datetime

    @property
    def name(self) -> str:
        return self.strategy.name


@dataclass(frozen=True)
class StrategyVersionInfo:
    version: int
    name: str
    content_hash: str
    created_at: datetime


class StrategyRepository(Protocol):
    def list(self, search: str = "") -> Sequence[StoredStrategy]:
        """Current versions by name; ``search`` matches name or description (case-insensitive)."""
        ...

    def get(self, name: str) -> StoredStrategy | None: ...

    def get_by_id(self, strategy_id: int) -> StoredStrategy | None: ...

    def add(self, strategy: Strategy) -> StoredStrategy:
        """Store version 1 of a new strategy; raises ConflictError if the name is taken."""
        ...

    def save_version(self, strategy_id: int, strategy: Strategy) -> StoredStrategy:
        """Store ``strategy`` as the next version of ``strategy_id`` (NotFoundError / ConflictError on a
        name clash with another strategy)."""
        ...

    def versions(self, strategy_id: int) -> Sequence[StrategyVersionInfo]:
        """Every stored version, newest first."""
        ...

    def get_version(self, strategy_id: int, version: int) -> StoredStrategy | None: ...

    def delete(self, strategy_id: int) -> bool: ...


class SeedLedger(Protocol):
    """Remembers which samples were seeded into this database (a deleted sample is not seeded again)."""

    def is_seeded(self, key: str) -> bool: ...

    def mark_seeded(self, key: str) -> None: ...


class TriggerNames(Protocol):
    """The part of the trigger repository strategies need: does a referenced trigger exist?"""

    def get(self, name: str) -> object | None: ...

    def get_by_id(self, condition_id: int) -> object | None: ...
