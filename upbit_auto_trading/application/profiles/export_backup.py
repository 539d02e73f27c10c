"""Write a backup as one archive file (to copy to another machine)."""

from __future__ import annotations

from pathlib import Path

from upbit_auto_trading.application.profiles.errors import BackupInvalidError
from upbit_auto_trading.application.profiles.ports import BackupStore, OperationLock
from upbit_auto_trading.domain.work import ProgressCallback

ARCHIVE_SUFFIX = ".uatbackup.zip"  # the one file a backup is exported as


class ExportBackup:
    def __init__(self, store: BackupStore, lock: OperationLock) -> None:
        self._store = store
        self._lock = lock

    def execute(self, backup_id: str, destination: Path, progress: ProgressCallback | None = None) -> Path:
        with self._lock.hold("export a backup"):
            problems = self._store.verify(backup_id)
            if problems:
                raise BackupInvalidError(backup_id, problems)
            return self._store.export(backup_id, Path(destination), progress)
