"""References to saved triggers and their grouping: AND inside a group, OR between groups."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class TriggerRef:
    """A saved trigger, referenced by ``name`` and, once stored, by its ``trigger_id``.

    ``key`` is what signal arrays are looked up by: the id when known, else the name.
    """

    name: str
    trigger_id: str | None = None

    @property
    def key(self) -> str:
        return self.trigger_id if self.trigger_id else self.name


@dataclass(frozen=True)
class TriggerGroup:
    """Triggers that must all be true on the same closed candle (AND)."""

    triggers: tuple[TriggerRef, ...]


@dataclass(frozen=True)
class TriggerGroups:
    """Alternatives: the condition holds when any group holds (OR of ANDs)."""

    groups: tuple[TriggerGroup, ...]

    def map_refs(self, change: Callable[[TriggerRef], TriggerRef]) -> TriggerGroups:
        """The same groups with every reference replaced by ``change(ref)`` (order kept)."""
        return TriggerGroups(
            tuple(TriggerGroup(tuple(change(ref) for ref in g.triggers)) for g in self.groups)
        )

    def refs(self) -> tuple[TriggerRef, ...]:
        """Every distinct referenced trigger, in first-use order."""
        seen: dict[str, TriggerRef] = {}
        for group in self.groups:
            for ref in group.triggers:
                seen.setdefault(ref.key, ref)
        return tuple(seen.values())
