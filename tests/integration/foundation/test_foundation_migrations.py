from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from upbit_auto_trading.infrastructure.errors import SchemaTooNewError
from upbit_auto_trading.infrastructure.sqlite.database import SqliteDatabase
from upbit_auto_trading.infrastructure.sqlite.migrator import (
    DATABASE_NAMES,
    latest_version,
    migrate,
    migrations_for,
    schema_version,
)
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession

EXPECTED_TABLES = {
    "settings": {"app_settings", "api_credentials", "tv_trading_variables", "tv_variable_parameters",
                 "tv_comparison_groups", "tv_placeholder_texts", "tv_help_texts"},
    "strategies": {"trading_conditions", "strategy_profiles", "backtest_results", "performance_metrics"},
    "market_data": {"candles", "markets"},
}


def _schema(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    rows = conn.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
    return [(r[0], r[1]) for r in rows]


@pytest.mark.parametrize("database", DATABASE_NAMES)
def test_empty_file_migrates_to_latest_and_again_is_a_no_op(tmp_path: Path, database: str) -> None:
    db = SqliteDatabase(tmp_path / f"{database}.sqlite3", database)
    conn = db.connection()
    applied = migrate(conn, database)
    assert applied == [m.version for m in migrations_for(database)]
    assert schema_version(conn) == latest_version(database)
    tables = {name for kind, name in _schema(conn) if kind == "table"}
    assert EXPECTED_TABLES[database] <= tables
    assert migrate(conn, database) == []
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize("database", DATABASE_NAMES)
def test_every_earlier_version_upgrades_to_the_same_schema(tmp_path: Path, database: str) -> None:
    reference = SqliteDatabase(tmp_path / "reference.sqlite3", database).connection()
    migrate(reference, database)
    expected = _schema(reference)
    for step in migrations_for(database):
        conn = SqliteDatabase(tmp_path / f"from_{step.version}.sqlite3", database).connection()
        migrate(conn, database, target=step.version)
        assert schema_version(conn) == step.version
        migrate(conn, database)
        assert schema_version(conn) == latest_version(database)
        assert _schema(conn) == expected


def test_newer_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "settings.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE future (x)")
    conn.execute(f"PRAGMA user_version = {latest_version('settings') + 100}")
    conn.commit()
    conn.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(SchemaTooNewError, match="newer than this app"):
        DatabaseSession(
            {"settings": path, "strategies": tmp_path / "st.sqlite3", "market_data": tmp_path / "md.sqlite3"}
        ).migrate_all()
    assert not (tmp_path / "settings.sqlite3-wal").exists()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    db = SqliteDatabase(tmp_path / "s.sqlite3", "settings")
    migrate(db.connection(), "settings")
    with pytest.raises(RuntimeError):
        with db.transaction() as conn:
            conn.execute("INSERT INTO app_settings (key, value) VALUES ('test.a', '1')")
            raise RuntimeError("boom")
    count = "SELECT COUNT(*) FROM app_settings WHERE key = 'test.a'"
    assert db.connection().execute(count).fetchone()[0] == 0
    with db.transaction() as conn:
        conn.execute("INSERT INTO app_settings (key, value) VALUES ('test.a', '1')")
    assert db.connection().execute(count).fetchone()[0] == 1


def test_close_from_another_thread_waits_for_the_owner(tmp_path: Path) -> None:
    """A close requested while another thread is inside a transaction happens after its commit."""
    import threading

    db = SqliteDatabase(tmp_path / "s.sqlite3", "settings")
    migrate(db.connection(), "settings")
    inside, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            with db.transaction() as conn:
                conn.execute("INSERT INTO app_settings (key, value) VALUES ('test.w', '1')")
                inside.set()
                release.wait(5)
                conn.execute("UPDATE app_settings SET value = '2' WHERE key = 'test.w'")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    assert inside.wait(5)
    closer = threading.Thread(target=db.close_all)
    closer.start()
    release.set()
    thread.join(10)
    closer.join(10)
    assert errors == []
    assert db.connection().execute("SELECT value FROM app_settings WHERE key = 'test.w'").fetchone()[0] == "2"


def test_each_thread_gets_its_own_connection(tmp_path: Path) -> None:
    import threading

    db = SqliteDatabase(tmp_path / "s.sqlite3", "settings")
    main_conn = db.connection()
    seen: list[sqlite3.Connection] = []
    thread = threading.Thread(target=lambda: seen.append(db.connection()))
    thread.start()
    thread.join()
    assert seen and seen[0] is not main_conn
    db.close_all()
    assert db.connection() is not main_conn  # reopened after close_all


def test_guarded_connection_passes_settings_to_the_real_one(tmp_path: Path) -> None:
    db = SqliteDatabase(tmp_path / "s.sqlite3", "settings")
    conn = db.connection()
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    cursor = conn.cursor()
    cursor.row_factory = None
    assert cursor.execute("SELECT x FROM t").fetchall() == [(1,)]
    conn.text_factory = bytes
    assert conn.raw.text_factory is bytes
    assert isinstance(conn.execute("SELECT x FROM t").fetchone(), sqlite3.Row)  # the app's default stays
