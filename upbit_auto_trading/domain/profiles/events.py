"""Domain events of the database-configuration context (published on the bus at MEDIUM_CONFIG)."""

from __future__ import annotations

from dataclasses import dataclass

from upbit_auto_trading.domain.events import Event


@dataclass(frozen=True, kw_only=True)
class ProfileSwitched(Event):
    """Every repository and screen now reads the new profile's databases; screens reload their data."""

    previous_profile_id: str
    profile_id: str
    environment: str


@dataclass(frozen=True, kw_only=True)
class BackupCreated(Event):
    backup_id: str
    profile_id: str
    kind: str
    total_bytes: int


@dataclass(frozen=True, kw_only=True)
class BackupRestored(Event):
    """The profile's databases now hold the backup's content; screens reload their data."""

    backup_id: str
    profile_id: str
    pre_restore_backup_id: str


@dataclass(frozen=True, kw_only=True)
class DatabaseReplaced(Event):
    """Database files of a profile were replaced (restore or location change)."""

    profile_id: str
    databases: tuple[str, ...]
    reason: str  # "restore" | "relocate" | "rollback"
