"""One SQLite database file: a connection per thread, WAL, foreign keys, transactions."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from upbit_auto_trading.infrastructure.errors import DatabaseError
from upbit_auto_trading.infrastructure.sqlite import write_access
from upbit_auto_trading.infrastructure.sqlite.guarded_connection import GuardedConnection
from upbit_auto_trading.infrastructure.sqlite.write_access import DatabaseRetiredError, file_identity

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
        self._seen = False  # once the file existed, it is never created again (moved away: refuse)
        self._membership: int | None = None  # tells a restore in another process that we follow the protocol

    def connection(self) -> GuardedConnection:
        """This thread's connection (a ``sqlite3.Connection`` behind a guard; same methods).

        If another process replaced the file (a restore renames a new file over it) the connection is
        reopened on the new file; if the file is gone (moved or deleted), DatabaseRetiredError.
        """
        conn: GuardedConnection | None = getattr(self._local, "conn", None)
        current = file_identity(self.path)
        if conn is not None and not conn.closed and getattr(self._local, "generation", -1) == self._generation:
            if conn.in_transaction or current == getattr(self._local, "identity", None):
                return conn
            log.info("the %s database at %s was replaced by another process; reopening", self.name, self.path)
            conn.close_when_idle()
        if current is None and self._seen:
            raise DatabaseRetiredError(
                f"The {self.name} database at {self.path} is gone (moved or deleted by another operation); "
                "restart to open the profile where it is now"
            )
        if current is None and (grave := write_access.tombstone(self.path)) is not None:
            # this process read the profile's location before a move: never create an empty one here
            where = f" to {grave.moved_to}" if grave.moved_to else ""
            raise DatabaseRetiredError(
                f"The {self.name} database at {self.path} was moved{where} or deleted by another operation; "
                "restart to open the profile where it is now"
            )
        try:
            if not self._seen:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock:  # before the connection takes SQLite's locks: a probe never sees one without it
                if self._membership is None:
                    self._membership = write_access.open_membership(self.path)
            # after the first open, never create: a file moved away must not reappear empty at its old path
            target = f"file:{self.path.as_posix()}?mode=rw" if self._seen else str(self.path)
            raw = sqlite3.connect(
                target, uri=self._seen, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
            )
            configure_connection(raw)
        except sqlite3.Error as exc:
            raise DatabaseError(f"Cannot open the {self.name} database at {self.path}: {exc}") from exc
        conn = GuardedConnection(raw)
        with self._lock:
            self._connections.append(conn)
            self._local.conn = conn
            self._local.generation = self._generation
            self._local.identity = file_identity(self.path)
            self._seen = True
        return conn

    @contextmanager
    def transaction(self) -> Iterator[GuardedConnection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``; rolls back on any error. Nested use joins the outer one.

        The write follows the cross-process protocol (:mod:`write_access`): a shared lock on the file
        around the whole transaction, and a check that the file is still the one this connection has
        open. The connection's guard is held throughout, so a close from another thread waits for the
        commit.
        """
        outer: GuardedConnection | None = getattr(self._local, "conn", None)
        if outer is not None and not outer.closed and outer.in_transaction:
            with outer.lock:
                yield outer
            return
        self._ensure_folder()
        with write_access.shared(self.path, self.name) as state:
            conn = self.connection()
            if state.retires(getattr(self._local, "identity", None)):
                where = f" to {state.moved_to}" if state.moved_to else ""
                raise DatabaseRetiredError(
                    f"The {self.name} database was moved{where} by another operation; nothing was saved. "
                    "Restart to open the profile where it is now"
                )
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

    @contextmanager
    def write_access(self) -> Iterator[None]:
        """The shared lock alone, for writers that manage their own transaction (the migrator)."""
        self._ensure_folder()
        with write_access.shared(self.path, self.name):
            yield

    def _ensure_folder(self) -> None:
        if not self._seen:  # a new database: its folder may not exist yet (never recreated later)
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(f"Cannot create the folder of the {self.name} database ({self.path.parent}): {exc}") from exc

    def close_all(self) -> None:
        """Close every thread's connection (before the file is replaced or the profile switched)."""
        with self._lock:
            connections, self._connections = self._connections, []
            self._generation += 1
            membership, self._membership = self._membership, None
        for conn in connections:
            try:
                conn.close_when_idle()
            except sqlite3.Error:  # a connection whose thread is gone; nothing more to do
                log.debug("closing a stale connection to %s failed", self.path, exc_info=True)
        if membership is not None:
            os.close(membership)

    def __repr__(self) -> str:
        return f"SqliteDatabase({self.name!r}, {str(self.path)!r})"
