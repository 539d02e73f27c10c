"""Versioned migrations per database, tracked by ``PRAGMA user_version``."""

from __future__ import annotations

import importlib
import logging
import re
import sqlite3
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from upbit_auto_trading.infrastructure.errors import DatabaseError, SchemaTooNewError
from upbit_auto_trading.infrastructure.sqlite import write_access
from upbit_auto_trading.infrastructure.sqlite.guarded_connection import SqlConnection

log = logging.getLogger(__name__)

DATABASE_NAMES = ("settings", "strategies", "market_data")
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.(sql|py)$")
_PACKAGE = "upbit_auto_trading.infrastructure.sqlite.migrations"


@dataclass(frozen=True)
class Migration:
    database: str
    version: int
    name: str
    kind: str  # "sql" or "py"

    def apply(self, conn: SqlConnection) -> None:
        if self.kind == "sql":
            script = resources.files(f"{_PACKAGE}.{self.database}").joinpath(f"{self.version:04d}_{self.name}.sql")
            for statement in _split_sql(script.read_text(encoding="utf-8")):
                conn.execute(statement)
        else:
            module = importlib.import_module(f"{_PACKAGE}.{self.database}.{self.version:04d}_{self.name}")
            module.migrate(conn)


def _split_sql(script: str) -> list[str]:
    """Split a script into statements (``executescript`` would commit our transaction)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        raise DatabaseError(f"Unterminated SQL statement in migration: {buffer.strip()[:80]}")
    return statements


def migrations_for(database: str) -> list[Migration]:
    if database not in DATABASE_NAMES:
        raise ValueError(f"unknown database {database!r}")
    found: list[Migration] = []
    for entry in resources.files(f"{_PACKAGE}.{database}").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(database, int(match.group(1)), match.group(2), match.group(3)))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise DatabaseError(f"Two migrations of {database} share a number: {versions}")
    return found


def latest_version(database: str) -> int:
    migrations = migrations_for(database)
    return migrations[-1].version if migrations else 0


def schema_version(conn: SqlConnection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_not_newer(database: str, version: int, path: Path | str) -> None:
    latest = latest_version(database)
    if version > latest:
        raise SchemaTooNewError(
            f"The {database} database at {path} has schema version {version}, newer than this app "
            f"understands ({latest}). It was left untouched; upgrade the app to open it."
        )


def peek_schema_version(path: Path) -> int | None:
    """Read ``user_version`` without changing the file at all (read-only, no WAL switch); None if absent."""
    if not Path(path).exists():
        return None
    try:
        with write_access.membership(Path(path)):  # a restore elsewhere must not take us for a stranger
            conn = sqlite3.connect(f"file:{Path(path).as_posix()}?mode=ro", uri=True)
            try:
                return schema_version(conn)
            finally:
                conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path} is not a readable SQLite database: {exc}") from exc


def refuse_if_newer(database: str, path: Path) -> None:
    """Raise SchemaTooNewError before anything opens (and so touches) a file from a newer app."""
    version = peek_schema_version(path)
    if version is not None:
        check_not_newer(database, version, path)


def migrate(conn: SqlConnection, database: str, path: Path | str = "", target: int | None = None) -> list[int]:
    """Apply every pending migration (up to ``target`` if given), each in its own transaction.

    Returns the versions applied. A database newer than the code is refused and not touched.
    """
    current = schema_version(conn)
    check_not_newer(database, current, path)
    applied: list[int] = []
    for migration in migrations_for(database):
        if migration.version <= current or (target is not None and migration.version > target):
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            migration.apply(conn)
            conn.execute(f"PRAGMA user_version = {migration.version}")
        except BaseException as exc:
            conn.execute("ROLLBACK")
            raise DatabaseError(
                f"Migration {migration.version:04d}_{migration.name} of the {database} database failed: {exc}"
            ) from exc
        conn.execute("COMMIT")
        log.info("migrated %s to version %d (%s)", database, migration.version, migration.name)
        applied.append(migration.version)
    return applied
