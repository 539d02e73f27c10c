"""The Strategy aggregate: one entry condition, up to five management rules, sizing and policy."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from upbit_auto_trading.domain.strategy.errors import StrategyProblem, StrategyValidationError
from upbit_auto_trading.domain.strategy.management import ExitTriggers, ManagementRule
from upbit_auto_trading.domain.strategy.sizing import PositionSizing, SameCandlePolicy
from upbit_auto_trading.domain.strategy.triggers import TriggerGroups, TriggerRef
from upbit_auto_trading.domain.strategy.validation import strategy_problems, strategy_warnings
from upbit_auto_trading.domain.strategy.writing import strategy_content_hash


@dataclass(frozen=True)
class Strategy:
    """An immutable, always-valid strategy (construction raises ``StrategyValidationError``).

    ``management`` is in priority order: under ``SameCandlePolicy.PRIORITY`` the earlier rule wins.
    ``strategy_id`` and ``version`` belong to storage and are not part of the content hash.
    """

    name: str
    entry: TriggerGroups
    management: tuple[ManagementRule, ...]
    sizing: PositionSizing
    cooldown_candles: int = 0
    same_candle_policy: SameCandlePolicy = SameCandlePolicy.CONSERVATIVE
    description: str = ""
    strategy_id: str | None = field(default=None, compare=False)
    version: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "management", tuple(self.management))
        problems = strategy_problems(self)
        if problems:
            raise StrategyValidationError(problems)

    def warnings(self) -> list[StrategyProblem]:
        return strategy_warnings(self)

    def trigger_refs(self) -> tuple[TriggerRef, ...]:
        """Every trigger the strategy needs signals for (entry first, then exit triggers)."""
        seen: dict[str, TriggerRef] = {r.key: r for r in self.entry.refs()}
        for rule in self.management:
            if isinstance(rule, ExitTriggers):
                for ref in rule.condition.refs():
                    seen.setdefault(ref.key, ref)
        return tuple(seen.values())

    def with_trigger_refs(self, change: Callable[[TriggerRef], TriggerRef]) -> Strategy:
        """A copy whose trigger references (entry and exit triggers) are replaced by ``change(ref)``,
        e.g. to follow a renamed trigger. Validated like any new strategy."""
        management = tuple(
            replace(rule, condition=rule.condition.map_refs(change))
            if isinstance(rule, ExitTriggers)
            else rule
            for rule in self.management
        )
        return replace(self, entry=self.entry.map_refs(change), management=management)

    def rule(self, rule_type: str) -> ManagementRule | None:
        return next((r for r in self.management if r.type == rule_type), None)

    def content_hash(self) -> str:
        return strategy_content_hash(self)
