"""Events of the trigger context: a user saved, deleted or imported triggers (published at MEDIUM_CONFIG)."""

from __future__ import annotations

from dataclasses import dataclass

from upbit_auto_trading.domain.events import Event


@dataclass(frozen=True, kw_only=True)
class TriggerSaved(Event):
    """A trigger was stored: ``change`` is created | edited | duplicated.

    A rename (``previous_name``) also saved the next version of every strategy that used the old name
    (``updated_strategies``), in the same transaction: one user action, one event.
    """

    trigger_id: int
    name: str
    change: str
    previous_name: str = ""
    updated_strategies: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class TriggerDeleted(Event):
    trigger_id: int
    name: str


@dataclass(frozen=True, kw_only=True)
class TriggersImported(Event):
    """An export file was imported. ``identical``: already stored with the same definition (not written);
    ``skipped``: differed from the stored one and the user chose to keep the stored one;
    ``renamed``: saved under a new name, as ``(file name, saved name)`` pairs."""

    imported: tuple[str, ...] = ()
    renamed: tuple[tuple[str, str], ...] = ()
    replaced: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    identical: tuple[str, ...] = ()
