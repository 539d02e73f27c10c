"""StrategyRepository over ``strategy_profiles`` (current version) and ``strategy_versions`` (every version)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime

from upbit_auto_trading.application.errors import ConflictError, NotFoundError
from upbit_auto_trading.application.strategy.ports import StoredStrategy, StrategyVersionInfo
from upbit_auto_trading.domain.strategy import Strategy, strategy_from_json, strategy_to_json
from upbit_auto_trading.infrastructure.sqlite.database import SqliteDatabase
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession

_ISO = "%Y-%m-%dT%H:%M:%SZ"


def _now() -> str:
    return datetime.now(UTC).strftime(_ISO)


def _parse(text: str) -> datetime:
    return datetime.strptime(text, _ISO).replace(tzinfo=UTC)


def _stored(strategy_id: int, version: int, definition: str, content_hash: str, created: str, updated: str):
    strategy = strategy_from_json(definition, strategy_id=str(strategy_id), version=version)
    return StoredStrategy(
        strategy_id=strategy_id,
        version=version,
        strategy=strategy,
        content_hash=content_hash or strategy.content_hash(),
        created_at=_parse(created),
        updated_at=_parse(updated),
    )


def _row(row: sqlite3.Row) -> StoredStrategy:
    return _stored(
        row["id"],
        row["version"],
        row["definition"],
        row["content_hash"],
        row["created_at"],
        row["updated_at"],
    )


def _definition(strategy: Strategy) -> str:
    return strategy_to_json(replace(strategy, name=strategy.name.strip()), indent=None)


class SqliteStrategyRepository:
    """Names are unique (case-sensitive, trimmed). Every write is one transaction."""

    def __init__(self, session: DatabaseSession) -> None:
        self._session = session

    def _db(self) -> SqliteDatabase:
        return self._session.strategies

    def list(self, search: str = "") -> Sequence[StoredStrategy]:
        sql = "SELECT * FROM strategy_profiles"
        params: tuple[str, ...] = ()
        if search:
            sql += " WHERE name LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\'"
            like = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            params = (like, like)
        rows = self._db().connection().execute(sql + " ORDER BY name COLLATE NOCASE", params).fetchall()
        return [_row(r) for r in rows]

    def get(self, name: str) -> StoredStrategy | None:
        row = (
            self._db()
            .connection()
            .execute("SELECT * FROM strategy_profiles WHERE name = ?", (name.strip(),))
            .fetchone()
        )
        return None if row is None else _row(row)

    def get_by_id(self, strategy_id: int) -> StoredStrategy | None:
        row = (
            self._db()
            .connection()
            .execute("SELECT * FROM strategy_profiles WHERE id = ?", (int(strategy_id),))
            .fetchone()
        )
        return None if row is None else _row(row)

    def add(self, strategy: Strategy) -> StoredStrategy:
        name = strategy.name.strip()
        now = _now()
        content_hash = strategy.content_hash()
        definition = _definition(strategy)
        with self._db().transaction() as conn:
            if conn.execute("SELECT 1 FROM strategy_profiles WHERE name = ?", (name,)).fetchone():
                raise ConflictError(f"A strategy named {name!r} already exists; choose another name")
            cur = conn.execute(
                "INSERT INTO strategy_profiles (name, description, definition, version, content_hash, created_at,"
                " updated_at) VALUES (?, ?, ?, 1, ?, ?, ?)",
                (name, strategy.description, definition, content_hash, now, now),
            )
            strategy_id = int(cur.lastrowid or 0)
            conn.execute(
                "INSERT INTO strategy_versions (strategy_id, version, name, definition, content_hash, created_at)"
                " VALUES (?, 1, ?, ?, ?, ?)",
                (strategy_id, name, definition, content_hash, now),
            )
        return _stored(strategy_id, 1, definition, content_hash, now, now)

    def save_version(self, strategy_id: int, strategy: Strategy) -> StoredStrategy:
        name = strategy.name.strip()
        now = _now()
        content_hash = strategy.content_hash()
        definition = _definition(strategy)
        with self._db().transaction() as conn:
            row = conn.execute("SELECT * FROM strategy_profiles WHERE id = ?", (int(strategy_id),)).fetchone()
            if row is None:
                raise NotFoundError(f"Strategy {strategy_id} no longer exists; save it as a new strategy")
            clash = conn.execute(
                "SELECT 1 FROM strategy_profiles WHERE name = ? AND id != ?", (name, int(strategy_id))
            ).fetchone()
            if clash:
                raise ConflictError(f"Another strategy is named {name!r}; choose another name")
            version = int(row["version"]) + 1
            conn.execute(
                "UPDATE strategy_profiles SET name = ?, description = ?, definition = ?, version = ?,"
                " content_hash = ?, updated_at = ? WHERE id = ?",
                (name, strategy.description, definition, version, content_hash, now, int(strategy_id)),
            )
            conn.execute(
                "INSERT INTO strategy_versions (strategy_id, version, name, definition, content_hash, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (int(strategy_id), version, name, definition, content_hash, now),
            )
            created = row["created_at"]
        return _stored(int(strategy_id), version, definition, content_hash, created, now)

    def versions(self, strategy_id: int) -> Sequence[StrategyVersionInfo]:
        rows = (
            self._db()
            .connection()
            .execute(
                "SELECT version, name, content_hash, created_at FROM strategy_versions WHERE strategy_id = ?"
                " ORDER BY version DESC",
                (int(strategy_id),),
            )
            .fetchall()
        )
        return [
            StrategyVersionInfo(r["version"], r["name"], r["content_hash"], _parse(r["created_at"]))
            for r in rows
        ]

    def get_version(self, strategy_id: int, version: int) -> StoredStrategy | None:
        row = (
            self._db()
            .connection()
            .execute(
                "SELECT v.*, p.created_at AS first_created FROM strategy_versions v"
                " JOIN strategy_profiles p ON p.id = v.strategy_id WHERE v.strategy_id = ? AND v.version = ?",
                (int(strategy_id), int(version)),
            )
            .fetchone()
        )
        if row is None:
            return None
        return _stored(
            int(strategy_id), int(version), row["definition"], row["content_hash"], row["first_created"],
            row["created_at"],
        )  # fmt: skip

    def delete(self, strategy_id: int) -> bool:
        with self._db().transaction() as conn:
            cur = conn.execute("DELETE FROM strategy_profiles WHERE id = ?", (int(strategy_id),))
        return cur.rowcount > 0


class SqliteStrategySeedLedger:
    """``strategy_seed_ledger`` of the active strategies database."""

    def __init__(self, session: DatabaseSession) -> None:
        self._session = session

    def is_seeded(self, key: str) -> bool:
        conn = self._session.strategies.connection()
        return conn.execute("SELECT 1 FROM strategy_seed_ledger WHERE key = ?", (key,)).fetchone() is not None

    def mark_seeded(self, key: str) -> None:
        with self._session.strategies.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO strategy_seed_ledger (key, seeded_at) VALUES (?, ?)", (key, _now())
            )


class SqliteStrategiesTransaction:
    """One transaction over the active strategies database, where triggers and strategies both live.

    Repository writes inside it join it (``SqliteDatabase.transaction`` nests), so a trigger rename and the
    new versions of the strategies that use it commit together or not at all.
    """

    def __init__(self, session: DatabaseSession) -> None:
        self._session = session

    @contextmanager
    def transaction(self) -> Iterator[object]:
        with self._session.strategies.transaction() as conn:
            yield conn
