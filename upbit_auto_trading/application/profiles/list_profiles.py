"""List every profile, the active one marked, optionally with the health of its files."""

from __future__ import annotations

from upbit_auto_trading.application.profiles.dto import ProfileSummary
from upbit_auto_trading.application.profiles.ports import DatabaseFiles, ProfileRepository


class ListProfiles:
    def __init__(self, profiles: ProfileRepository, files: DatabaseFiles) -> None:
        self._profiles = profiles
        self._files = files

    def execute(self, *, with_health: bool = False) -> list[ProfileSummary]:
        configuration = self._profiles.load_configuration()
        result = []
        for profile in configuration.profiles():
            paths = self._profiles.database_paths(profile.id)
            health = tuple(self._files.health(paths)) if with_health else ()
            result.append(
                ProfileSummary(
                    id=profile.id,
                    name=profile.name,
                    environment=profile.environment.value,
                    description=profile.description,
                    active=profile.profile_id == configuration.active_id,
                    databases={name: str(path) for name, path in paths.items()},
                    health=health,
                )
            )
        return result
