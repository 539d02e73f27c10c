"""SessionStore over ``trading_sessions`` in the active profile's strategies database."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from typing import Any

from upbit_auto_trading.application.errors import ConflictError, NotFoundError
from upbit_auto_trading.domain.trading.session import SessionState, TradingMode, TradingSession
from upbit_auto_trading.infrastructure.sqlite.database import SqliteDatabase
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession
from upbit_auto_trading.infrastructure.sqlite.trading_journal import utc_from_text, utc_text

_COLUMNS = (
    "session_id", "strategy_name", "strategy_id", "strategy_version", "mode", "markets", "timeframe", "budget",
    "fee_rate", "slippage_rate", "started_at", "state", "stopped_at", "first_candle", "last_candle", "api_url",
    "note", "replay_end",
)  # fmt: skip


def _values(s: TradingSession) -> tuple[Any, ...]:
    return (
        s.session_id, s.strategy_name, s.strategy_id, s.strategy_version, s.mode.value, json.dumps(list(s.markets)),
        s.timeframe, str(s.budget), str(s.fee_rate), str(s.slippage_rate), utc_text(s.started_at), s.state.value,
        None if s.stopped_at is None else utc_text(s.stopped_at),
        json.dumps(s.first_candle, ensure_ascii=False, sort_keys=True),
        json.dumps(s.last_candle, ensure_ascii=False, sort_keys=True), s.api_url, s.note, s.replay_end,
    )  # fmt: skip


def _session(row: sqlite3.Row) -> TradingSession:
    return TradingSession(
        session_id=row["session_id"],
        strategy_name=row["strategy_name"],
        strategy_id=row["strategy_id"],
        strategy_version=row["strategy_version"],
        mode=TradingMode(row["mode"]),
        markets=tuple(json.loads(row["markets"])),
        timeframe=row["timeframe"],
        budget=Decimal(row["budget"]),
        fee_rate=Decimal(row["fee_rate"]),
        slippage_rate=Decimal(row["slippage_rate"]),
        started_at=utc_from_text(row["started_at"]),
        state=SessionState(row["state"]),
        stopped_at=None if row["stopped_at"] is None else utc_from_text(row["stopped_at"]),
        first_candle=dict(json.loads(row["first_candle"])),
        last_candle=dict(json.loads(row["last_candle"])),
        api_url=row["api_url"],
        note=row["note"],
        replay_end=row["replay_end"],
    )


class SqliteSessionStore:
    """Trading sessions of the active profile. Every write is one transaction."""

    def __init__(self, session: DatabaseSession) -> None:
        self._session = session

    def _db(self) -> SqliteDatabase:
        return self._session.strategies

    def add(self, session: TradingSession) -> None:
        values = _values(session)
        with self._db().transaction() as conn:
            if conn.execute(
                "SELECT 1 FROM trading_sessions WHERE session_id = ?", (session.session_id,)
            ).fetchone():
                raise ConflictError(f"Trading session {session.session_id!r} already exists")
            conn.execute(
                f"INSERT INTO trading_sessions ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                values,
            )

    def save(self, session: TradingSession) -> None:
        values = _values(session)
        with self._db().transaction() as conn:
            cur = conn.execute(
                f"UPDATE trading_sessions SET {', '.join(f'{c} = ?' for c in _COLUMNS[1:])} WHERE session_id = ?",
                (*values[1:], session.session_id),
            )
            if cur.rowcount == 0:
                raise NotFoundError(f"Trading session {session.session_id!r} is not stored; add it first")

    def get(self, session_id: str) -> TradingSession | None:
        row = (
            self._db()
            .connection()
            .execute("SELECT * FROM trading_sessions WHERE session_id = ?", (session_id,))
            .fetchone()
        )
        return None if row is None else _session(row)

    def all(self, *, running_only: bool = False) -> list[TradingSession]:
        sql = "SELECT * FROM trading_sessions"
        params: tuple[str, ...] = ()
        if running_only:
            sql += " WHERE state = ?"
            params = (SessionState.RUNNING.value,)
        rows = self._db().connection().execute(sql + " ORDER BY started_at, rowid", params).fetchall()
        return [_session(r) for r in rows]
