"""The active profile's three databases, opened and migrated together."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from pathlib import Path

from upbit_auto_trading.infrastructure.sqlite.database import SqliteDatabase
from upbit_auto_trading.infrastructure.sqlite.migrator import DATABASE_NAMES, migrate, refuse_if_newer

log = logging.getLogger(__name__)


class DatabaseSession:
    """Holds ``settings``, ``strategies`` and ``market_data`` of the active profile.

    Repositories keep the session and ask it for a database on every call, so a profile switch or a
    restore (which calls :meth:`reopen`) is followed without rebuilding them.
    """

    def __init__(self, paths: Mapping[str, Path]) -> None:
        self._lock = threading.RLock()
        self._databases: dict[str, SqliteDatabase] = {}
        self._open(paths)

    def _open(self, paths: Mapping[str, Path]) -> None:
        missing = set(DATABASE_NAMES) - set(paths)
        if missing:
            raise ValueError(f"missing database paths: {sorted(missing)}")
        self._databases = {name: SqliteDatabase(Path(paths[name]), name) for name in DATABASE_NAMES}

    def migrate_all(self) -> dict[str, list[int]]:
        with self._lock:
            for name, db in self._databases.items():
                refuse_if_newer(name, db.path)
            applied = {}
            for name, db in self._databases.items():
                with db.write_access():  # a restore or move in another process waits, or we wait for it
                    applied[name] = migrate(db.connection(), name, db.path)
            return applied

    def database(self, name: str) -> SqliteDatabase:
        with self._lock:
            return self._databases[name]

    @property
    def settings(self) -> SqliteDatabase:
        return self.database("settings")

    @property
    def strategies(self) -> SqliteDatabase:
        return self.database("strategies")

    @property
    def market_data(self) -> SqliteDatabase:
        return self.database("market_data")

    def paths(self) -> dict[str, Path]:
        with self._lock:
            return {name: db.path for name, db in self._databases.items()}

    def close_all(self) -> None:
        with self._lock:
            for db in self._databases.values():
                db.close_all()

    def reopen(self, paths: Mapping[str, Path], *, migrate_now: bool = True) -> None:
        """Close every connection and point the session at other files (profile switch, restore)."""
        with self._lock:
            self.close_all()
            self._open(paths)
            if migrate_now:
                self.migrate_all()
        log.info("database session now on %s", {k: str(v) for k, v in paths.items()})
