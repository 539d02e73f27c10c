"""DatabaseConfiguration: the aggregate of every profile and which one is active."""

from __future__ import annotations

from collections.abc import Iterable

from upbit_auto_trading.domain.events import Event
from upbit_auto_trading.domain.profiles.errors import (
    InvalidProfileError,
    ProfileInUseError,
    UnknownProfileError,
)
from upbit_auto_trading.domain.profiles.events import ProfileSwitched
from upbit_auto_trading.domain.profiles.profile import DatabaseProfile
from upbit_auto_trading.domain.profiles.values import ProfileId


class DatabaseConfiguration:
    """Consistency rules: ids are unique, the active profile exists and cannot be deleted,
    at least one profile remains. Changes record domain events in :attr:`events`."""

    def __init__(self, profiles: Iterable[DatabaseProfile], active: ProfileId) -> None:
        self._profiles: dict[str, DatabaseProfile] = {}
        for profile in profiles:
            if profile.id in self._profiles:
                raise InvalidProfileError(f"Two profiles share the id '{profile.id}'")
            self._profiles[profile.id] = profile
        if active.value not in self._profiles:
            raise UnknownProfileError(f"The active profile '{active}' is not among the profiles")
        self._active = active
        self.events: list[Event] = []

    @property
    def active_id(self) -> ProfileId:
        return self._active

    @property
    def active(self) -> DatabaseProfile:
        return self._profiles[self._active.value]

    def profiles(self) -> list[DatabaseProfile]:
        return list(self._profiles.values())

    def get(self, profile_id: str | ProfileId) -> DatabaseProfile:
        key = str(profile_id)
        try:
            return self._profiles[key]
        except KeyError:
            known = ", ".join(self._profiles)
            raise UnknownProfileError(f"No profile '{key}'; known profiles: {known}") from None

    def __contains__(self, profile_id: object) -> bool:
        return str(profile_id) in self._profiles

    def add(self, profile: DatabaseProfile) -> None:
        if profile.id in self._profiles:
            raise InvalidProfileError(f"A profile with the id '{profile.id}' already exists")
        self._profiles[profile.id] = profile

    def remove(self, profile_id: str | ProfileId) -> DatabaseProfile:
        profile = self.get(profile_id)
        if profile.id == self._active.value:
            raise ProfileInUseError(
                f"Profile '{profile.id}' is active; switch to another profile before deleting it"
            )
        if len(self._profiles) == 1:
            raise ProfileInUseError("The last profile cannot be deleted")
        return self._profiles.pop(profile.id)

    def switch_to(self, profile_id: str | ProfileId) -> DatabaseProfile:
        profile = self.get(profile_id)
        previous = self._active
        self._active = profile.profile_id
        if previous != profile.profile_id:
            self.events.append(
                ProfileSwitched(
                    source="profiles",
                    previous_profile_id=previous.value,
                    profile_id=profile.id,
                    environment=profile.environment.value,
                )
            )
        return profile
