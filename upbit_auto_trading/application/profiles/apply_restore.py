"""The work of a restore (also the seed's DatabaseReplacement), run by the config-change gate.

verify the backup -> safety check -> pre-restore backup -> close connections -> replace each file
atomically (one journaled operation) -> reopen and migrate -> publish. Any failure after the files were
replaced puts the pre-restore backup back, so the profile ends either restored or as it was.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import NoReturn

from upbit_auto_trading.application.profiles.errors import (
    BackupInvalidError,
    RestoreFailedError,
    UnsafeOperationError,
)
from upbit_auto_trading.application.profiles.ports import (
    ActiveSession,
    BackupStore,
    DatabaseFiles,
    EventPublisher,
    OperationLock,
    Paths,
    ProfileRepository,
    SessionProfile,
    WriterExclusion,
)
from upbit_auto_trading.application.profiles.system_safety_check import (
    SafetyCheckRequest,
    SystemSafetyCheck,
)
from upbit_auto_trading.domain.profiles.events import BackupRestored, DatabaseReplaced
from upbit_auto_trading.domain.profiles.values import BackupKind
from upbit_auto_trading.domain.work import Progress, ProgressCallback, no_progress

log = logging.getLogger(__name__)


class ApplyRestore:
    def __init__(
        self,
        profiles: ProfileRepository,
        store: BackupStore,
        files: DatabaseFiles,
        session: ActiveSession,
        session_profile: SessionProfile,
        safety: SystemSafetyCheck,
        lock: OperationLock,
        publisher: EventPublisher,
        keep_automatic: int,
        writers: WriterExclusion,
        progress: ProgressCallback = no_progress,
    ) -> None:
        """Built per restore (``progress`` is that restore's, e.g. the settings page's progress bar)."""
        self._profiles = profiles
        self._store = store
        self._files = files
        self._session = session
        self._session_profile = session_profile
        self._safety = safety
        self._lock = lock
        self._publisher = publisher
        self._keep_automatic = keep_automatic
        self._writers = writers
        self._progress = progress

    def execute(self, backup_id: str, profile_id: str) -> str:
        """Returns the id of the pre-restore backup."""
        progress = self._progress
        with self._lock.hold("restore"):
            record = self._store.get(backup_id)
            profile = self._profiles.load_configuration().get(profile_id)
            targets = self._profiles.database_paths(profile.id)
            is_open = profile.id == self._session_profile.current()
            progress(Progress(0.05, 1, "verify"))
            problems = self._store.verify(backup_id)
            if problems:
                raise BackupInvalidError(backup_id, problems)
            self._files.prepare(targets)
            sources = self._store.file_paths(backup_id)
            self._check_safe(targets, sources)
            # Every process's writes to these files wait from here until the restored files are open:
            # a write committed before is in the pre-restore backup, one after lands in the restored file.
            with self._writers.exclusive(targets, "restore a backup"):
                progress(Progress(0.35, 1, "pre-restore backup"))
                pre = self._store.create(
                    profile.id,
                    profile.environment.value,
                    targets,
                    BackupKind.PRE_RESTORE,
                    f"before restoring {backup_id}",
                )
                expected = {f.database.value: f.sha256 for f in record.files}
                pre_expected = {f.database.value: f.sha256 for f in pre.files}
                progress(Progress(0.6, 1, "replace"))
                if is_open:
                    self._session.close_all()
                try:
                    self._files.replace(sources, targets, expected_sha256=expected, reason="restore")
                    progress(Progress(0.85, 1, "reopen"))
                    self._reopen(targets, is_open)
                except Exception as exc:
                    log.error("restore of %s into %s failed, rolling back: %s", backup_id, profile.id, exc)
                    self._roll_back(backup_id, pre.id, targets, pre_expected, is_open, exc)
            self._store.prune(profile.id, self._keep_automatic)
        progress(Progress(1.0, 1, "done"))
        log.info("restored backup %s into profile %s (pre-restore backup %s)", backup_id, profile.id, pre.id)
        self._announce(backup_id, profile.id, targets, pre.id)
        return pre.id

    def _check_safe(self, targets: Paths, sources: Paths) -> None:
        report = self._safety.execute(
            SafetyCheckRequest(
                operation="the restore",
                paths=targets,
                space_needed=self._space_needed(targets, sources),
                # The gate holds restores while a trade is live; asked again here, so a trading state that
                # cannot be read blocks the restore (fail closed) instead of passing for "no trade".
                check_trading=True,
            )
        )
        if not report.ok:
            raise UnsafeOperationError("restore", report.blockers)

    def _roll_back(
        self,
        backup_id: str,
        pre_id: str,
        targets: Paths,
        pre_expected: dict[str, str],
        is_open: bool,
        failure: Exception,
    ) -> NoReturn:
        """Put the pre-restore backup back after ``failure``; raises RestoreFailedError either way, saying
        whether the profile is as it was or must be restored by hand."""
        try:
            self._files.replace(
                self._store.file_paths(pre_id), targets, expected_sha256=pre_expected, reason="rollback"
            )
            self._reopen(targets, is_open)
        except Exception as rollback_exc:  # keep both in the message: the user needs to know
            raise RestoreFailedError(
                f"Restoring {backup_id} failed ({failure}) and so did putting back the pre-restore backup "
                f"{pre_id} ({rollback_exc}); restore {pre_id} by hand"
            ) from failure
        raise RestoreFailedError(
            f"Restoring {backup_id} failed and was rolled back; nothing changed: {failure}"
        ) from failure

    def _announce(self, backup_id: str, profile_id: str, targets: Paths, pre_id: str) -> None:
        self._publisher.publish(
            DatabaseReplaced(
                source="profiles",
                profile_id=profile_id,
                databases=tuple(targets),
                reason="restore",
            )
        )
        self._publisher.publish(
            BackupRestored(
                source="profiles",
                backup_id=backup_id,
                profile_id=profile_id,
                pre_restore_backup_id=pre_id,
            )
        )

    def _space_needed(self, targets: Paths, sources: Paths) -> dict[Path, int]:
        backup_folder = self._store.folder()
        needed: dict[Path, int] = {backup_folder: self._files.total_bytes(targets)}
        for name, target in targets.items():
            folder = target.parent
            size = self._files.total_bytes({name: sources[name]})
            needed[folder] = needed.get(folder, 0) + size
        return needed

    def _reopen(self, targets: Paths, is_open: bool) -> None:
        if is_open:
            self._session.reopen(targets, migrate_now=True)
        else:
            self._files.prepare(targets)
