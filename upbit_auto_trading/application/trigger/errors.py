"""Errors of the trigger use cases."""

from __future__ import annotations

from collections.abc import Sequence

from upbit_auto_trading.application.errors import ConflictError


class TriggerInUseError(ConflictError):
    """The trigger is used by strategies: take it out of them (strategy maker) or delete them first."""

    def __init__(self, name: str, strategies: Sequence[str]) -> None:
        self.name = name
        self.strategies = list(strategies)
        super().__init__(
            f"Trigger {name!r} is used by {len(self.strategies)} strategy(ies): "
            + ", ".join(repr(s) for s in self.strategies)
            + "; take it out of them in the strategy maker (or delete them) first"
        )
