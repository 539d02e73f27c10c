"""Rename a profile or change its description or environment (its files stay where they are)."""

from __future__ import annotations

from dataclasses import dataclass

from upbit_auto_trading.application.profiles.ports import OperationLock, ProfileRepository
from upbit_auto_trading.domain.profiles.profile import DatabaseProfile
from upbit_auto_trading.domain.profiles.values import Environment


@dataclass(frozen=True)
class EditProfileCommand:
    profile_id: str
    name: str | None = None
    description: str | None = None
    environment: str | None = None


class EditProfile:
    def __init__(self, profiles: ProfileRepository, lock: OperationLock) -> None:
        self._profiles = profiles
        self._lock = lock

    def execute(self, command: EditProfileCommand) -> DatabaseProfile:
        environment = Environment.parse(command.environment) if command.environment else None
        with self._lock.hold("edit profile"):
            configuration = self._profiles.load_configuration()
            profile = configuration.get(command.profile_id)
            profile.edit(name=command.name, description=command.description, environment=environment)
            self._profiles.save_configuration(configuration)
        return profile
