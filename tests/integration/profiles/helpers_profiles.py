"""Shared helpers of the database-configuration integration tests (imported by path from conftest)."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from upbit_auto_trading.container.bootstrap import build_container

DATABASES = ("settings", "strategies", "market_data")


def make_container(home: Path, **overrides):
    container = build_container(home=home, overrides={"backup": {"keep_automatic": 3}, **overrides})
    container.core.database_session()
    container.profiles.gate_client()
    return container


def snapshot(paths: dict) -> dict:
    """Row-level content of every table (schema included), independent of page layout."""
    result = {}
    for name, path in paths.items():
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            content = {
                "__schema__": sorted(
                    conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall(), key=str
                )
            }
            content["__version__"] = conn.execute("PRAGMA user_version").fetchone()[0]
            for table in tables:
                content[table] = sorted(conn.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            result[name] = content
        finally:
            conn.close()
    return result


def integrity_ok(path: Path) -> bool:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def mutate(session, rng: random.Random, step: int) -> None:
    """Random inserts, updates and deletes in all three databases through the app's own connections."""
    with session.settings.transaction() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO app_settings(key, value) VALUES (?, ?)",
            (f"k{rng.randint(0, 20)}", str(step)),
        )
        if rng.random() < 0.5:
            conn.execute("DELETE FROM app_settings WHERE key = ?", (f"k{rng.randint(0, 20)}",))
    with session.strategies.transaction() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO strategy_profiles(name, definition, created_at, updated_at) VALUES (?, ?, ?, ?)",
            (f"s{rng.randint(0, 10)}", "{}", "2024-01-01T00:00:00Z", f"2024-01-01T00:00:{step % 60:02d}Z"),
        )
    with session.market_data.transaction() as conn:
        for _ in range(rng.randint(1, 5)):
            start = rng.randint(0, 500) * 3600
            conn.execute(
                "INSERT OR REPLACE INTO candles VALUES ('KRW-BTC', '1h', ?, ?, '2', '0.5', '1.5', '10', '15')",
                (start, str(step)),
            )
        if rng.random() < 0.3:
            conn.execute("DELETE FROM candles WHERE start_utc < ?", (rng.randint(0, 100) * 3600,))


def temp_files(home: Path) -> list[Path]:
    found = []
    for path in home.rglob("*"):
        name = path.name
        if (
            ".uat-tmp" in name
            or name.startswith(".partial-")
            or (name.startswith(".") and name.endswith(".tmp"))
        ):
            found.append(path)
    return found
