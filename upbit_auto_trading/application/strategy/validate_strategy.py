"""Live validation for the strategy maker: every problem of a half-filled document, plus missing triggers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from upbit_auto_trading.application.strategy.ports import TriggerNames
from upbit_auto_trading.application.strategy.references import trigger_exists
from upbit_auto_trading.domain.strategy import (
    StrategyProblem,
    StrategySchemaError,
    StrategyValidationError,
    strategy_from_dict,
)


@dataclass(frozen=True)
class ValidationReport:
    problems: tuple[StrategyProblem, ...] = ()
    warnings: tuple[StrategyProblem, ...] = ()
    missing_triggers: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.missing_triggers


class ValidateStrategy:
    def __init__(self, triggers: TriggerNames | None = None) -> None:
        self._triggers = triggers

    def execute(self, document: dict[str, Any]) -> ValidationReport:
        try:
            strategy = strategy_from_dict(document)
        except StrategyValidationError as exc:
            return ValidationReport(problems=exc.problems)
        except StrategySchemaError as exc:
            return ValidationReport(
                problems=(StrategyProblem("schema_version", "schema.unsupported", str(exc)),)
            )
        missing: tuple[str, ...] = ()
        if self._triggers is not None:
            missing = tuple(r.name for r in strategy.trigger_refs() if not trigger_exists(self._triggers, r))
        return ValidationReport(warnings=tuple(strategy.warnings()), missing_triggers=missing)
