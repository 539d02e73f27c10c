"""Reads the state of the active profile's databases without changing them."""

from __future__ import annotations

import sqlite3

from upbit_auto_trading.application.system.ports import DatabaseStatus
from upbit_auto_trading.infrastructure.sqlite.migrator import latest_version, schema_version
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession


class SqliteDatabaseInspector:
    def __init__(self, session: DatabaseSession) -> None:
        self._session = session

    def describe(self) -> list[DatabaseStatus]:
        result = []
        for name, path in self._session.paths().items():
            conn = self._session.database(name).connection()
            result.append(DatabaseStatus(name, str(path), schema_version(conn), latest_version(name)))
        return result

    def check(self) -> list[DatabaseStatus]:
        result = []
        for name, path in self._session.paths().items():
            try:
                conn = self._session.database(name).connection()
                rows = conn.execute("PRAGMA integrity_check").fetchall()
                problems = [str(r[0]) for r in rows if str(r[0]) != "ok"]
                integrity = "ok" if not problems else "; ".join(problems[:5])
                version = schema_version(conn)
            except sqlite3.DatabaseError as exc:
                integrity, version = f"unreadable: {exc}", -1
            result.append(DatabaseStatus(name, str(path), version, latest_version(name), integrity))
        return result
