"""The work of a restore (also the seed's DatabaseReplacement), run by the config-change gate.

verify the backup -> safety check -> pre-restore backup -> close connections -> replace each file
atomically (one journaled operation) -> reopen and migrate -> publish. Any failure after the files were
replaced puts the pre-restore backup back, so the profile ends either restored or as it was.
"""

from __future__ import annotations

import logging

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
    ProfileRepository,
    SessionProfile,
    WriterExclusion,
)
from upbit_auto_trading.application.profiles.progress import ProgressCallback, no_progress
from upbit_auto_trading.application.profiles.system_safety_check import (
    SafetyCheckRequest,
    SystemSafetyCheck,
)
from upbit_auto_trading.domain.profiles.events import BackupRestored, DatabaseReplaced
from upbit_auto_trading.domain.profiles.values import BackupKind

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
    ) -> None:
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
        self._errors: dict[str, BaseException] = {}
        self._results: dict[str, dict] = {}
        self.progress: ProgressCallback = no_progress

    def take_error(self, operation_id: str) -> BaseException | None:
        return self._errors.pop(operation_id, None)

    def take_result(self, operation_id: str) -> dict:
        return self._results.pop(operation_id, {})

    def __call__(self, payload: dict) -> None:
        operation_id = str(payload.get("operation_id") or "")
        try:
            pre_restore = self.execute(str(payload["backup_id"]), str(payload["profile_id"]))
        except Exception as exc:
            if operation_id:
                self._errors[operation_id] = exc
            raise
        if operation_id:
            self._results[operation_id] = {"pre_restore_backup": pre_restore}

    def execute(self, backup_id: str, profile_id: str) -> str:
        """Returns the id of the pre-restore backup."""
        progress = self.progress
        with self._lock.hold("restore"):
            record = self._store.get(backup_id)
            profile = self._profiles.load_configuration().get(profile_id)
            targets = self._profiles.database_paths(profile.id)
            is_open = profile.id == self._session_profile.current()
            progress(0.05, "verify")
            problems = self._store.verify(backup_id)
            if problems:
                raise BackupInvalidError(backup_id, problems)
            self._files.prepare(targets)
            sources = self._store.file_paths(backup_id)
            report = self._safety.execute(
                SafetyCheckRequest(
                    operation="the restore",
                    paths=targets,
                    space_needed=self._space_needed(targets, sources),
                    check_trading=False,  # the gate holds restores while a trade is live
                )
            )
            if not report.ok:
                raise UnsafeOperationError("restore", report.blockers)
            # Every process's writes to these files wait from here until the restored files are open:
            # a write committed before is in the pre-restore backup, one after lands in the restored file.
            with self._writers.exclusive(targets, "restore a backup"):
                progress(0.35, "pre-restore backup")
                pre = self._store.create(
                    profile.id,
                    profile.environment.value,
                    targets,
                    BackupKind.PRE_RESTORE,
                    f"before restoring {backup_id}",
                )
                expected = {f.database.value: f.sha256 for f in record.files}
                pre_expected = {f.database.value: f.sha256 for f in pre.files}
                progress(0.6, "replace")
                if is_open:
                    self._session.close_all()
                try:
                    self._files.replace(sources, targets, expected_sha256=expected, reason="restore")
                    progress(0.85, "reopen")
                    self._reopen(targets, is_open)
                except Exception as exc:
                    log.error("restore of %s into %s failed, rolling back: %s", backup_id, profile.id, exc)
                    try:
                        self._files.replace(
                            self._store.file_paths(pre.id),
                            targets,
                            expected_sha256=pre_expected,
                            reason="rollback",
                        )
                        self._reopen(targets, is_open)
                    except Exception as rollback_exc:  # keep both in the message: the user needs to know
                        raise RestoreFailedError(
                            f"Restoring {backup_id} failed ({exc}) and so did putting back the pre-restore backup "
                            f"{pre.id} ({rollback_exc}); restore {pre.id} by hand"
                        ) from exc
                    raise RestoreFailedError(
                        f"Restoring {backup_id} failed and was rolled back; nothing changed: {exc}"
                    ) from exc
            self._store.prune(profile.id, self._keep_automatic)
        progress(1.0, "done")
        log.info("restored backup %s into profile %s (pre-restore backup %s)", backup_id, profile.id, pre.id)
        self._publisher.publish(
            DatabaseReplaced(
                source="profiles",
                profile_id=profile.id,
                databases=tuple(targets),
                reason="restore",
            )
        )
        self._publisher.publish(
            BackupRestored(
                source="profiles",
                backup_id=backup_id,
                profile_id=profile.id,
                pre_restore_backup_id=pre.id,
            )
        )
        return pre.id

    def _space_needed(self, targets, sources) -> dict:  # noqa: ANN001
        backup_folder = self._store.folder()
        needed: dict = {backup_folder: self._files.total_bytes(targets)}
        for name, target in targets.items():
            folder = target.parent
            size = self._files.total_bytes({name: sources[name]})
            needed[folder] = needed.get(folder, 0) + size
        return needed

    def _reopen(self, targets, is_open: bool) -> None:  # noqa: ANN001
        if is_open:
            self._session.reopen(targets, migrate_now=True)
        else:
            self._files.prepare(targets)
