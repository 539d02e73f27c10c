"""Check that every trigger a strategy references is saved."""

from __future__ import annotations

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.strategy.ports import TriggerNames
from upbit_auto_trading.domain.strategy import Strategy, TriggerRef


class MissingTriggersError(ApplicationError):
    """The strategy uses triggers that are not saved: create them (trigger builder / ``triggers add``)."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        super().__init__(
            "The strategy uses triggers that are not saved: "
            + ", ".join(repr(n) for n in names)
            + "; create them in the trigger builder (or `triggers add`) first"
        )


def resolve_ref(triggers: TriggerNames, ref: TriggerRef) -> object | None:
    """The saved trigger ``ref`` points at: by id when it has one that exists, else by name (the rule the
    backtest uses too)."""
    if ref.trigger_id:
        try:
            found = triggers.get_by_id(int(ref.trigger_id))
        except ValueError:
            found = None
        if found is not None:
            return found
    return triggers.get(ref.name)


def trigger_exists(triggers: TriggerNames, ref: TriggerRef) -> bool:
    return resolve_ref(triggers, ref) is not None


def missing_triggers(triggers: TriggerNames, strategy: Strategy) -> list[str]:
    return [ref.name for ref in strategy.trigger_refs() if not trigger_exists(triggers, ref)]


def require_triggers(triggers: TriggerNames, strategy: Strategy) -> None:
    missing = missing_triggers(triggers, strategy)
    if missing:
        raise MissingTriggersError(missing)
