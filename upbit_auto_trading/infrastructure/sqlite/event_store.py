"""SQLite adapters of the event-bus ports, in the active profile's settings database.

Each keeps the :class:`DatabaseSession` and asks it for the settings database on every call, so a
profile switch is followed. Called from worker threads (``asyncio.to_thread``): one connection per thread.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from upbit_auto_trading.application.event_bus.codec import decode_event, encode_event
from upbit_auto_trading.application.event_bus.ports import ConfigChangeRequest, DeadLetter, HeldRequest
from upbit_auto_trading.application.event_bus.priority import EventPriority
from upbit_auto_trading.domain.events import Event
from upbit_auto_trading.infrastructure.sqlite.database import SqliteDatabase
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession

_FMT = "%Y-%m-%dT%H:%M:%S.%fZ"


def _to_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_FMT)


def _from_text(text: str) -> datetime:
    for fmt in (_FMT, "%Y-%m-%dT%H:%M:%SZ"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return datetime.fromisoformat(text)


class _SettingsBacked:
    def __init__(self, session: DatabaseSession) -> None:
        self._session = session

    @property
    def _db(self) -> SqliteDatabase:
        return self._session.settings


class SqliteDeadLetterStore(_SettingsBacked):
    _COLUMNS = "letter_id, priority, handler, error, attempts, failed_at, event_json"

    def add(self, letter: DeadLetter) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO event_dead_letters (letter_id, event_type, event_id, correlation_id, "
                "priority, handler, error, attempts, failed_at, event_json) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    letter.letter_id,
                    letter.event.event_type,
                    letter.event.event_id,
                    letter.event.correlation_id,
                    int(letter.priority),
                    letter.handler,
                    letter.error,
                    letter.attempts,
                    _to_text(letter.failed_at),
                    encode_event(letter.event),
                ),
            )

    @staticmethod
    def _row(row: object) -> DeadLetter:
        r = row  # sqlite3.Row
        return DeadLetter(
            event=decode_event(r["event_json"]),  # type: ignore[index]
            priority=EventPriority(r["priority"]),  # type: ignore[index]
            handler=r["handler"],  # type: ignore[index]
            error=r["error"],  # type: ignore[index]
            attempts=r["attempts"],  # type: ignore[index]
            letter_id=r["letter_id"],  # type: ignore[index]
            failed_at=_from_text(r["failed_at"]),  # type: ignore[index]
        )

    def list(self) -> list[DeadLetter]:
        rows = (
            self._db.connection()
            .execute(f"SELECT {self._COLUMNS} FROM event_dead_letters ORDER BY seq")
            .fetchall()
        )
        return [self._row(r) for r in rows]

    def get(self, letter_id: str) -> DeadLetter | None:
        row = (
            self._db.connection()
            .execute(f"SELECT {self._COLUMNS} FROM event_dead_letters WHERE letter_id = ?", (letter_id,))
            .fetchone()
        )
        return self._row(row) if row is not None else None

    def remove(self, letter_id: str) -> bool:
        with self._db.transaction() as conn:
            return (
                conn.execute("DELETE FROM event_dead_letters WHERE letter_id = ?", (letter_id,)).rowcount > 0
            )


class SqliteUndeliveredStore(_SettingsBacked):
    def save(self, items: list[tuple[EventPriority, Event]]) -> None:
        now = _to_text(datetime.now(UTC))
        with self._db.transaction() as conn:
            conn.executemany(
                "INSERT INTO undelivered_events (priority, event_type, event_json, saved_at) VALUES (?,?,?,?)",
                [(int(p), e.event_type, encode_event(e), now) for p, e in items],
            )

    def take_all(self) -> list[tuple[EventPriority, Event]]:
        with self._db.transaction() as conn:
            rows = conn.execute("SELECT priority, event_json FROM undelivered_events ORDER BY seq").fetchall()
            conn.execute("DELETE FROM undelivered_events")
        return [(EventPriority(r["priority"]), decode_event(r["event_json"])) for r in rows]


class SqliteHeldRequestStore(_SettingsBacked):
    def add(self, held: HeldRequest) -> None:
        r = held.request
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM held_config_requests WHERE request_id = ?", (r.request_id,))
            conn.execute(
                "INSERT INTO held_config_requests (request_id, kind, payload_json, may_wait, description, "
                "requested_at, held_at, last_error) VALUES (?,?,?,?,?,?,?,?)",
                (
                    r.request_id,
                    r.kind,
                    json.dumps(r.payload, ensure_ascii=False),
                    int(r.may_wait),
                    r.description,
                    _to_text(r.requested_at),
                    _to_text(held.held_at),
                    held.last_error,
                ),
            )

    def list(self) -> list[HeldRequest]:
        rows = self._db.connection().execute("SELECT * FROM held_config_requests ORDER BY seq").fetchall()
        return [
            HeldRequest(
                ConfigChangeRequest(
                    kind=row["kind"],
                    payload=json.loads(row["payload_json"]),
                    may_wait=bool(row["may_wait"]),
                    description=row["description"],
                    request_id=row["request_id"],
                    requested_at=_from_text(row["requested_at"]),
                ),
                held_at=_from_text(row["held_at"]),
                last_error=row["last_error"],
            )
            for row in rows
        ]

    def update_error(self, request_id: str, error: str) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE held_config_requests SET last_error = ? WHERE request_id = ?", (error, request_id)
            )

    def remove(self, request_id: str) -> bool:
        with self._db.transaction() as conn:
            return (
                conn.execute("DELETE FROM held_config_requests WHERE request_id = ?", (request_id,)).rowcount
                > 0
            )
