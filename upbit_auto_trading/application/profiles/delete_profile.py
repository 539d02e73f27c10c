"""Delete a profile that is not active; its database files are kept unless asked otherwise.

Backups of the profile are always kept (they can be restored into another profile).
"""

from __future__ import annotations

from upbit_auto_trading.application.profiles.ports import (
    DatabaseFiles,
    OperationLock,
    ProfileRepository,
    SessionProfile,
    WriterExclusion,
)
from upbit_auto_trading.domain.profiles.errors import ProfileInUseError


class DeleteProfile:
    def __init__(
        self,
        profiles: ProfileRepository,
        files: DatabaseFiles,
        lock: OperationLock,
        session_profile: SessionProfile,
        writers: WriterExclusion,
    ) -> None:
        self._profiles = profiles
        self._files = files
        self._lock = lock
        self._session_profile = session_profile
        self._writers = writers

    def execute(self, profile_id: str, *, delete_files: bool = False) -> None:
        with self._lock.hold("delete profile"):
            if profile_id == self._session_profile.current():
                raise ProfileInUseError(
                    f"Profile '{profile_id}' is open in this app; switch to another profile first"
                )
            configuration = self._profiles.load_configuration()
            paths = self._profiles.database_paths(profile_id)
            configuration.remove(profile_id)
            self._profiles.save_configuration(configuration)
            if delete_files:
                # another process may still have the profile open: its writes wait, then refuse
                with self._writers.exclusive(paths, "delete the profile's files") as access:
                    for path in paths.values():
                        access.retire(path, "")
                    self._files.remove(paths)
