"""BackupRecord: one backup of a profile's three databases, described by its manifest."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from upbit_auto_trading.domain.profiles.errors import DatabaseConfigurationError
from upbit_auto_trading.domain.profiles.values import (
    DATABASE_NAMES,
    BackupId,
    BackupKind,
    DatabaseName,
    Environment,
    ProfileId,
)


@dataclass(frozen=True)
class BackupFile:
    database: DatabaseName
    file_name: str
    bytes: int
    sha256: str
    schema_version: int

    def __post_init__(self) -> None:
        if "/" in self.file_name or "\\" in self.file_name or self.file_name in {"", ".", ".."}:
            raise DatabaseConfigurationError(f"Backup file name '{self.file_name}' is not a plain file name")
        if self.bytes < 0 or len(self.sha256) != 64:
            raise DatabaseConfigurationError(f"Backup file entry for {self.database} is malformed")


@dataclass(eq=False)
class BackupRecord:
    backup_id: BackupId
    profile_id: ProfileId
    environment: Environment
    kind: BackupKind
    created_at: datetime
    app_version: str
    files: tuple[BackupFile, ...]
    note: str = ""
    verified: bool | None = None  # None: never verified; True/False: result of the last verification
    verified_at: datetime | None = field(default=None)
    verification_problems: tuple[str, ...] = ()  # what the last verification found (when it failed)

    def __post_init__(self) -> None:
        names = [f.database for f in self.files]
        if sorted(names) != sorted(DATABASE_NAMES):
            raise DatabaseConfigurationError(
                f"Backup {self.backup_id} must hold exactly one file per database, has {sorted(names)}"
            )
        if self.created_at.tzinfo is None:
            raise DatabaseConfigurationError("Backup times must be timezone-aware (UTC)")

    @property
    def id(self) -> str:
        return self.backup_id.value

    @property
    def total_bytes(self) -> int:
        return sum(f.bytes for f in self.files)

    def file(self, database: DatabaseName) -> BackupFile:
        for entry in self.files:
            if entry.database == database:
                return entry
        raise DatabaseConfigurationError(f"Backup {self.backup_id} has no {database} file")
