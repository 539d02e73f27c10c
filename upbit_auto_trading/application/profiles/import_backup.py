"""Import a backup archive: it is verified and then appears in the list."""

from __future__ import annotations

from pathlib import Path

from upbit_auto_trading.application.profiles.dto import BackupSummary
from upbit_auto_trading.application.profiles.ports import BackupStore, OperationLock
from upbit_auto_trading.domain.work import ProgressCallback


class ImportBackup:
    def __init__(self, store: BackupStore, lock: OperationLock) -> None:
        self._store = store
        self._lock = lock

    def execute(self, archive: Path, progress: ProgressCallback | None = None) -> BackupSummary:
        with self._lock.hold("import a backup"):
            record = self._store.import_archive(Path(archive), progress)
            return BackupSummary(record, self._store.folder(record.id))
