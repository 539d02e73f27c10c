"""Value objects: profile ids, environments, database names, backup ids and kinds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from upbit_auto_trading.domain.profiles.errors import InvalidProfileError

_PROFILE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{2,39}$")
_BACKUP_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{2,79}$")


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TESTING = "testing"
    PRODUCTION = "production"

    @classmethod
    def parse(cls, value: str) -> Environment:
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            allowed = ", ".join(e.value for e in cls)
            raise InvalidProfileError(f"Unknown environment '{value}'; use one of: {allowed}") from None


class DatabaseName(StrEnum):
    SETTINGS = "settings"
    STRATEGIES = "strategies"
    MARKET_DATA = "market_data"

    @classmethod
    def parse(cls, value: str) -> DatabaseName:
        try:
            return cls(str(value))
        except ValueError:
            allowed = ", ".join(d.value for d in cls)
            raise InvalidProfileError(f"Unknown database '{value}'; use one of: {allowed}") from None


DATABASE_NAMES: tuple[DatabaseName, ...] = tuple(DatabaseName)


class BackupKind(StrEnum):
    MANUAL = "manual"
    AUTOMATIC = "automatic"
    PRE_RESTORE = "pre_restore"

    @property
    def retained_forever(self) -> bool:
        """Manual backups are only removed by the user; the others fall under retention."""
        return self is BackupKind.MANUAL


@dataclass(frozen=True, order=True)
class ProfileId:
    value: str

    def __post_init__(self) -> None:
        if not isinstance(self.value, str) or not _PROFILE_ID.match(self.value):
            raise InvalidProfileError(
                f"Profile id '{self.value}' is not valid: use 3 to 40 characters, lower-case letters, "
                "digits, '-' or '_', starting with a letter or digit"
            )

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, order=True)
class BackupId:
    value: str

    def __post_init__(self) -> None:
        if not isinstance(self.value, str) or not _BACKUP_ID.match(self.value):
            raise InvalidProfileError(f"Backup id '{self.value}' is not valid")

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class DatabasePath:
    """Where one database of a profile lives: an absolute path to a file (not a folder)."""

    path: Path

    def __post_init__(self) -> None:
        path = Path(self.path)
        if not path.is_absolute():
            raise InvalidProfileError(f"Database path '{path}' must be absolute")
        if not path.name or path.name in {".", ".."}:
            raise InvalidProfileError(f"Database path '{path}' must name a file")
        object.__setattr__(self, "path", path)

    def __str__(self) -> str:
        return str(self.path)
