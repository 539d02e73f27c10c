"""Which stored strategies use a saved trigger, and renaming their references (the trigger side's
``StrategyReferences`` port, implemented over the strategy store)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from upbit_auto_trading.application.strategy.ports import StoredStrategy, StrategyRepository, TriggerNames
from upbit_auto_trading.application.strategy.references import resolve_ref
from upbit_auto_trading.domain.strategy import TriggerRef
from upbit_auto_trading.domain.trigger.condition import TradingCondition


class StrategyTriggerReferences:
    """Only current versions count: earlier versions and stored backtests keep their own snapshots."""

    def __init__(self, strategies: StrategyRepository, triggers: TriggerNames) -> None:
        self._strategies = strategies
        self._triggers = triggers

    def _matcher(self, condition: TradingCondition) -> Callable[[TriggerRef], bool]:
        """Does a reference resolve to ``condition`` (resolved once per distinct reference)?"""
        resolved: dict[TriggerRef, bool] = {}

        def uses(ref: TriggerRef) -> bool:
            if ref not in resolved:
                found = resolve_ref(self._triggers, ref)
                resolved[ref] = (
                    found is not None and getattr(found, "condition_id", None) == condition.condition_id
                )
            return resolved[ref]

        return uses

    def _users(self, uses: Callable[[TriggerRef], bool]) -> list[StoredStrategy]:
        # one reference per key is enough: references sharing a key resolve to the same trigger
        return [s for s in self._strategies.list() if any(uses(ref) for ref in s.strategy.trigger_refs())]

    def users(self, condition: TradingCondition) -> list[str]:
        return [stored.name for stored in self._users(self._matcher(condition))]

    def rename(self, condition: TradingCondition, new_name: str) -> list[str]:
        uses = self._matcher(condition)
        users = self._users(uses)  # resolved before anything is written
        for stored in users:
            renamed = stored.strategy.with_trigger_refs(lambda r: replace(r, name=new_name) if uses(r) else r)
            self._strategies.save_version(stored.strategy_id, renamed)
        return [stored.name for stored in users]
