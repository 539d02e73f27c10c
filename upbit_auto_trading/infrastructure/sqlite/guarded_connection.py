"""A sqlite3 connection that another thread can close safely.

sqlite3 connections are used by one thread at a time here, but a profile switch or a restore must close
every thread's connection, and closing a connection while its owner is inside a query crashes CPython's
sqlite3 module (a double free). Every call into the connection and its cursors therefore runs under the
connection's lock; :meth:`GuardedConnection.close_when_idle` takes that lock (interrupting a long query
first) so the close happens between two calls, never inside one. A closed connection then raises
``sqlite3.ProgrammingError`` in its owner thread instead of crashing, and the owner's next
``SqliteDatabase.connection()`` opens a fresh one.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from typing import Any, TypeAlias

log = logging.getLogger(__name__)

_CHUNK = 2048


class GuardedCursor:
    def __init__(self, cursor: sqlite3.Cursor, lock: threading.RLock) -> None:
        self._cursor = cursor
        self._lock = lock

    def execute(self, sql: str, parameters: Any = ()) -> GuardedCursor:
        with self._lock:
            self._cursor.execute(sql, parameters)
        return self

    def executemany(self, sql: str, seq_of_parameters: Any) -> GuardedCursor:
        with self._lock:
            self._cursor.executemany(sql, seq_of_parameters)
        return self

    def fetchone(self) -> Any:
        with self._lock:
            return self._cursor.fetchone()

    def fetchmany(self, size: int = _CHUNK) -> list[Any]:
        with self._lock:
            return self._cursor.fetchmany(size)

    def fetchall(self) -> list[Any]:
        with self._lock:
            return self._cursor.fetchall()

    def __iter__(self) -> Iterator[Any]:
        while True:
            rows = self.fetchmany(_CHUNK)
            if not rows:
                return
            yield from rows

    def close(self) -> None:
        with self._lock:
            self._cursor.close()

    def __getattr__(self, name: str) -> Any:  # rowcount, lastrowid, description, arraysize ...
        return getattr(self._cursor, name)

    def __setattr__(self, name: str, value: Any) -> None:  # row_factory, arraysize: on the real cursor
        if name in ("_cursor", "_lock"):
            object.__setattr__(self, name, value)
        else:
            setattr(self._cursor, name, value)


class GuardedConnection:
    """Delegates to a ``sqlite3.Connection``; see the module docstring for why."""

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw
        self.lock = threading.RLock()
        self.owner = threading.current_thread()
        self.closed = False

    def execute(self, sql: str, parameters: Any = ()) -> GuardedCursor:
        with self.lock:
            return GuardedCursor(self.raw.execute(sql, parameters), self.lock)

    def executemany(self, sql: str, seq_of_parameters: Any) -> GuardedCursor:
        with self.lock:
            return GuardedCursor(self.raw.executemany(sql, seq_of_parameters), self.lock)

    def executescript(self, script: str) -> GuardedCursor:
        with self.lock:
            return GuardedCursor(self.raw.executescript(script), self.lock)

    def cursor(self) -> GuardedCursor:
        with self.lock:
            return GuardedCursor(self.raw.cursor(), self.lock)

    def commit(self) -> None:
        with self.lock:
            self.raw.commit()

    def rollback(self) -> None:
        with self.lock:
            self.raw.rollback()

    @property
    def in_transaction(self) -> bool:
        return self.raw.in_transaction

    @property
    def row_factory(self) -> Any:
        return self.raw.row_factory

    @row_factory.setter
    def row_factory(self, value: Any) -> None:
        self.raw.row_factory = value

    def close(self) -> None:
        self.close_when_idle()

    def close_when_idle(self, patience: float = 0.5, limit: float = 10.0) -> bool:
        """Close between two calls of the owner thread; interrupt a running query if it takes too long.

        Returns False (and leaves the connection open, never to be handed out again) only if the owner
        holds the lock beyond ``limit`` seconds even after the interrupt.
        """
        if self.closed:
            return True
        acquired = self.lock.acquire(timeout=patience)
        if not acquired:
            self.raw.interrupt()  # thread-safe: the owner's query fails with "interrupted"
            acquired = self.lock.acquire(timeout=limit)
        if not acquired:
            log.warning("a database connection of thread %s stayed busy; it is abandoned", self.owner.name)
            return False
        try:
            if self.raw.in_transaction:
                try:
                    self.raw.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            self.raw.close()
            self.closed = True
            return True
        finally:
            self.lock.release()

    def __enter__(self) -> GuardedConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:  # backup, interrupt, create_function, total_changes ...
        return getattr(self.raw, name)

    def __setattr__(self, name: str, value: Any) -> None:  # text_factory, isolation_level: on the real one
        if name in ("raw", "lock", "owner", "closed") or name == "row_factory":
            object.__setattr__(self, name, value)
        else:
            setattr(self.raw, name, value)


# What a function that only runs SQL takes: a raw connection (a migration on a file being opened, a test) or
# a database's guarded one, which has the same methods.
SqlConnection: TypeAlias = sqlite3.Connection | GuardedConnection
