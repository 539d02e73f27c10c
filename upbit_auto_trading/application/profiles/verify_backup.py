"""Verify a backup: checksums, PRAGMA integrity_check, the expected tables, a schema version we can migrate."""

from __future__ import annotations

from upbit_auto_trading.application.profiles.dto import VerifyResult
from upbit_auto_trading.application.profiles.ports import BackupStore, OperationLock
from upbit_auto_trading.domain.work import ProgressCallback


class VerifyBackup:
    def __init__(self, store: BackupStore, lock: OperationLock) -> None:
        self._store = store
        self._lock = lock

    def execute(self, backup_id: str, progress: ProgressCallback | None = None) -> VerifyResult:
        with self._lock.hold("verify a backup"):
            return VerifyResult(backup_id, self._store.verify(backup_id, progress))
