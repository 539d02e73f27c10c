"""The automatic backups the settings ask for: once a day, and when the app closes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from upbit_auto_trading.application.profiles.create_backup import (
    CreateBackup,
    CreateBackupCommand,
)
from upbit_auto_trading.application.profiles.dto import BackupSummary
from upbit_auto_trading.application.profiles.list_backups import ListBackups
from upbit_auto_trading.domain.profiles.values import BackupKind

log = logging.getLogger(__name__)

DAY = timedelta(days=1)


class TakeAutomaticBackup:
    """``execute("daily")`` backs up the open profile when its newest backup of any kind is a day old or
    more; ``execute("exit")`` always does. Both only when enabled; retention prunes old automatic ones."""

    def __init__(
        self,
        create: CreateBackup,
        list_backups: ListBackups,
        daily: bool,
        on_exit: bool,
        profile_id: Callable[[], str],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._create = create
        self._list = list_backups
        self._daily = daily
        self._on_exit = on_exit
        self._profile_id = profile_id
        self._clock = clock

    def execute(self, occasion: str) -> BackupSummary | None:
        if occasion == "daily":
            if not self._daily or not self._daily_due():
                return None
        elif occasion == "exit":
            if not self._on_exit:
                return None
        else:
            raise ValueError(f"unknown backup occasion {occasion!r}")
        summary = self._create.execute(
            CreateBackupCommand(note=f"automatic ({occasion})", kind=BackupKind.AUTOMATIC)
        )
        log.info("automatic %s backup %s created", occasion, summary.id)
        return summary

    def _daily_due(self) -> bool:
        backups = self._list.execute(self._profile_id())
        return not backups or self._clock() - max(b.record.created_at for b in backups) >= DAY
