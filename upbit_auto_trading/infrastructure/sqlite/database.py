"""One SQLite database file: a connection per thread, WAL, foreign keys, transactions."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from upbit_auto_trading.infrastructure.errors import DatabaseError
from upbit_auto_trading.infrastructure.sqlite.guarded_connection import GuardedConnection

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000


def configure_connection(conn: sqlite3.Connection) -> None:
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        log.warning("journal_mode is %s, not wal", mode)
    conn.execute("PRAGMA synchronous = NORMAL")


class SqliteDatabase:
    """A database file shared by every thread of the app.

    Each thread gets its own connection (sqlite3 connections must not cross threads). Writes go through
    :meth:`transaction`, which takes the write lock up front (``BEGIN IMMEDIATE``) so a transaction never
    fails half-way on a lock upgrade.
    """

    def __init__(self, path: Path, name: str) -> None:
        self.path = Path(path)
        self.name = name
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[GuardedConnection] = []
        self._generation = 0

    def connection(self) -> GuardedConnection:
        """This thread's connection (a ``sqlite3.Connection`` behind a guard; same methods)."""
        conn: GuardedConnection | None = getattr(self._local, "conn", None)
        if conn is not None and not conn.closed and getattr(self._local, "generation", -1) == self._generation:
            return conn
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            raw = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
            configure_connection(raw)
        except sqlite3.Error as exc:
            raise DatabaseError(f"Cannot open the {self.name} database at {self.path}: {exc}") from exc
        conn = GuardedConnection(raw)
        with self._lock:
            self._connections.append(conn)
            self._local.conn = conn
            self._local.generation = self._generation
        return conn

    @contextmanager
    def transaction(self) -> Iterator[GuardedConnection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``; rolls back on any error. Nested use joins the outer one.

        The connection's guard is held throughout, so a close from another thread waits for the commit.
        """
        conn = self.connection()
        with conn.lock:
            if conn.in_transaction:
                yield conn
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if not conn.closed and conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")

    def close_all(self) -> None:
        """Close every thread's connection (before the file is replaced or the profile switched)."""
        with self._lock:
            connections, self._connections = self._connections, []
            self._generation += 1
        for conn in connections:
            try:
                conn.close_when_idle()
            except sqlite3.Error:  # a connection whose thread is gone; nothing more to do
                log.debug("closing a stale connection to %s failed", self.path, exc_info=True)

    def __repr__(self) -> str:
        return f"SqliteDatabase({self.name!r}, {str(self.path)!r})"
