"""Give a profile another display name (its id and files do not change)."""

from __future__ import annotations

from upbit_auto_trading.application.profiles.edit_profile import EditProfile, EditProfileCommand
from upbit_auto_trading.application.profiles.ports import OperationLock, ProfileRepository
from upbit_auto_trading.domain.profiles.profile import DatabaseProfile


class RenameProfile:
    def __init__(self, profiles: ProfileRepository, lock: OperationLock) -> None:
        self._edit = EditProfile(profiles, lock)

    def execute(self, profile_id: str, name: str) -> DatabaseProfile:
        return self._edit.execute(EditProfileCommand(profile_id=profile_id, name=name))
