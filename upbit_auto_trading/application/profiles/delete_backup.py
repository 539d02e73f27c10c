"""Delete one backup folder."""

from __future__ import annotations

from upbit_auto_trading.application.profiles.ports import BackupStore, OperationLock


class DeleteBackup:
    def __init__(self, store: BackupStore, lock: OperationLock) -> None:
        self._store = store
        self._lock = lock

    def execute(self, backup_id: str) -> None:
        with self._lock.hold("delete a backup"):
            self._store.get(backup_id)
            self._store.delete(backup_id)
