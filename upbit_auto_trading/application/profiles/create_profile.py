"""Create a profile (its database files are created and migrated when it is first used)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from upbit_auto_trading.application.profiles.ports import (
    DatabaseFiles,
    OperationLock,
    ProfileRepository,
)
from upbit_auto_trading.domain.profiles.errors import InvalidProfileError
from upbit_auto_trading.domain.profiles.profile import DatabaseProfile
from upbit_auto_trading.domain.profiles.values import (
    DatabaseName,
    DatabasePath,
    Environment,
    ProfileId,
)


@dataclass(frozen=True)
class CreateProfileCommand:
    profile_id: str
    name: str
    environment: str
    description: str = ""
    paths: Mapping[str, Path] = field(default_factory=dict)


def parse_paths(paths: Mapping[str, Path | str]) -> dict[DatabaseName, DatabasePath]:
    return {DatabaseName.parse(name): DatabasePath(Path(path)) for name, path in paths.items()}


class CreateProfile:
    def __init__(self, profiles: ProfileRepository, lock: OperationLock, files: DatabaseFiles) -> None:
        self._profiles = profiles
        self._lock = lock
        self._files = files

    def execute(self, command: CreateProfileCommand) -> DatabaseProfile:
        profile = DatabaseProfile(
            profile_id=ProfileId(command.profile_id.strip()),
            name=command.name or command.profile_id,
            environment=Environment.parse(command.environment),
            description=command.description,
            custom_paths=parse_paths(command.paths),
        )
        with self._lock.hold("create profile"):
            configuration = self._profiles.load_configuration()
            configuration.add(profile)
            taken = {
                str(path): other.id
                for other in configuration.profiles()
                if other.id != profile.id
                for path in self._profiles.database_paths(other.id).values()
            }
            for path in profile.custom_paths.values():
                if str(path) in taken:
                    raise InvalidProfileError(f"{path} already belongs to profile '{taken[str(path)]}'")
            for folder in sorted({p.path.parent for p in profile.custom_paths.values()}, key=str):
                self._files.check_folder(folder)  # refused now, not at first use
            self._profiles.save_configuration(configuration)
        return profile
