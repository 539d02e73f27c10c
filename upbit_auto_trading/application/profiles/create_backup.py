"""Back up a profile's three databases (online: the app may keep writing) into one backup folder."""

from __future__ import annotations

from dataclasses import dataclass

from upbit_auto_trading.application.profiles.dto import BackupSummary
from upbit_auto_trading.application.profiles.errors import UnsafeOperationError
from upbit_auto_trading.application.profiles.ports import (
    BackupStore,
    DatabaseFiles,
    EventPublisher,
    OperationLock,
    ProfileRepository,
    SessionProfile,
)
from upbit_auto_trading.application.profiles.system_safety_check import (
    SafetyCheckRequest,
    SystemSafetyCheck,
)
from upbit_auto_trading.domain.profiles.events import BackupCreated
from upbit_auto_trading.domain.profiles.values import BackupKind
from upbit_auto_trading.domain.work import CancelToken, ProgressCallback


@dataclass(frozen=True)
class CreateBackupCommand:
    note: str = ""
    kind: BackupKind = BackupKind.MANUAL
    profile_id: str | None = None  # None: the profile open in this app
    progress: ProgressCallback | None = None
    cancel: CancelToken | None = None


class CreateBackup:
    def __init__(
        self,
        profiles: ProfileRepository,
        files: DatabaseFiles,
        store: BackupStore,
        safety: SystemSafetyCheck,
        lock: OperationLock,
        publisher: EventPublisher,
        session_profile: SessionProfile,
        keep_automatic: int,
    ) -> None:
        self._profiles = profiles
        self._files = files
        self._store = store
        self._safety = safety
        self._lock = lock
        self._publisher = publisher
        self._session_profile = session_profile
        self._keep_automatic = keep_automatic

    def execute(self, command: CreateBackupCommand | None = None) -> BackupSummary:
        command = command or CreateBackupCommand()
        profile_id = command.profile_id or self._session_profile.current()
        with self._lock.hold("back up"):
            profile = self._profiles.load_configuration().get(profile_id)
            paths = self._profiles.database_paths(profile.id)
            if not all(h.exists for h in self._files.health(paths)):
                self._files.prepare(paths)
            report = self._safety.execute(
                SafetyCheckRequest(
                    operation="the backup",
                    space_needed={self._store.folder(): self._files.total_bytes(paths)},
                    check_trading=False,  # an online backup never disturbs a trade
                    check_other_processes=False,
                    check_transactions=False,
                )
            )
            if not report.ok:
                raise UnsafeOperationError("back up", report.blockers)
            record = self._store.create(
                profile.id,
                profile.environment.value,
                paths,
                command.kind,
                command.note,
                progress=command.progress,
                cancel=command.cancel,
            )
            if not command.kind.retained_forever:
                self._store.prune(profile.id, self._keep_automatic)
        self._publisher.publish(
            BackupCreated(
                source="profiles",
                backup_id=record.id,
                profile_id=profile.id,
                kind=record.kind.value,
                total_bytes=record.total_bytes,
            )
        )
        return BackupSummary(record, self._store.folder(record.id))
