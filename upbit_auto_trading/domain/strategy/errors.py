"""Errors of the strategy context."""

from __future__ import annotations

from dataclasses import dataclass

from upbit_auto_trading.domain.errors import DomainError


@dataclass(frozen=True)
class StrategyProblem:
    """One broken rule: ``field`` is a dotted path into the JSON form (``management[2].trail_pct``),
    ``code`` a stable key a UI can translate, ``message`` an English sentence saying what to change."""

    field: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class StrategyError(DomainError):
    """Base of strategy rule violations."""


class StrategyValidationError(StrategyError):
    """The strategy breaks one or more invariants; ``problems`` lists every one (fix them all, then retry)."""

    def __init__(self, problems: list[StrategyProblem] | tuple[StrategyProblem, ...]) -> None:
        self.problems: tuple[StrategyProblem, ...] = tuple(problems)
        lines = "; ".join(str(p) for p in self.problems)
        super().__init__(f"Invalid strategy: {lines}")


class StrategySchemaError(StrategyError):
    """The JSON document is not a strategy of a schema version this program reads."""
