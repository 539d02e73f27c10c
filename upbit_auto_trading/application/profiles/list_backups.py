"""Every backup in the backup folder, newest first (optionally of one profile)."""

from __future__ import annotations

from upbit_auto_trading.application.profiles.dto import BackupSummary
from upbit_auto_trading.application.profiles.ports import BackupStore


class ListBackups:
    def __init__(self, store: BackupStore) -> None:
        self._store = store

    def execute(self, profile_id: str | None = None) -> list[BackupSummary]:
        records = [r for r in self._store.list() if profile_id is None or r.profile_id.value == profile_id]
        records.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        return [BackupSummary(r, self._store.folder(r.id)) for r in records]
