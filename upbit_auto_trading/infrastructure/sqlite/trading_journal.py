"""OrderJournal over ``order_journal``, ``order_fills`` and the append-only ``order_journal_events``.

Every method is one committed transaction in the active profile's strategies database: the intent is on
disk before its request leaves, and an entry never changes without a history row saying so.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from upbit_auto_trading.application.errors import ConflictError, NotFoundError
from upbit_auto_trading.domain.trading.journal import (
    FillSource,
    JournalOrder,
    JournalState,
    JournalTransitionError,
    OrderFill,
)
from upbit_auto_trading.domain.trading.order import OrderSide, OrderType
from upbit_auto_trading.domain.trading.refusal import OrderRefusal, RefusalKind
from upbit_auto_trading.infrastructure.sqlite.database import SqliteDatabase
from upbit_auto_trading.infrastructure.sqlite.guarded_connection import SqlConnection
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession

# Fixed width with microseconds: text order is time order, and a stored time reads back equal.
_FMT = "%Y-%m-%dT%H:%M:%S.%fZ"

_COLUMNS = (
    "identifier", "session_id", "market", "side", "ord_type", "price", "volume", "reason", "kind", "state",
    "created_at", "updated_at", "decided_bar", "uuid", "executed_volume", "paid_fee", "error",
    "correlation_id", "source",
)  # fmt: skip
# What an update may not change: another value here means a different order under a reused identifier.
_IDENTITY = ("session_id", "market", "side", "ord_type", "created_at")
_MUTABLE = tuple(c for c in _COLUMNS if c != "identifier" and c not in _IDENTITY)


def utc_text(moment: datetime) -> str:
    """ISO-8601 UTC text of an aware time. A naive time is refused: storage must not guess its zone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a stored time needs a time zone (UTC), got naive {moment.isoformat()}")
    return moment.astimezone(UTC).strftime(_FMT)


def utc_from_text(text: str) -> datetime:
    # fromisoformat reads the fixed-width form 70x faster than strptime (it is on every journal read)
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)  # str(Decimal) round-trips exactly through Decimal(text)


def decimal_from_text(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _values(order: JournalOrder) -> dict[str, Any]:
    return {
        "identifier": order.identifier,
        "session_id": order.session_id,
        "market": order.market,
        "side": order.side.value,
        "ord_type": order.ord_type.value,
        "price": decimal_text(order.price),
        "volume": decimal_text(order.volume),
        "reason": order.reason,
        "kind": order.kind,
        "state": order.state.value,
        "created_at": utc_text(order.created_at),
        "updated_at": utc_text(order.updated_at),
        "decided_bar": order.decided_bar,
        "uuid": order.uuid,
        "executed_volume": str(order.executed_volume),
        "paid_fee": str(order.paid_fee),
        "error": order.error,
        "correlation_id": order.correlation_id,
        "source": order.source,
    }


def _order(row: sqlite3.Row) -> JournalOrder:
    return JournalOrder(
        identifier=row["identifier"],
        session_id=row["session_id"],
        market=row["market"],
        side=OrderSide(row["side"]),
        ord_type=OrderType(row["ord_type"]),
        price=decimal_from_text(row["price"]),
        volume=decimal_from_text(row["volume"]),
        reason=row["reason"],
        kind=row["kind"],
        state=JournalState(row["state"]),
        created_at=utc_from_text(row["created_at"]),
        updated_at=utc_from_text(row["updated_at"]),
        decided_bar=row["decided_bar"],
        uuid=row["uuid"],
        executed_volume=Decimal(row["executed_volume"]),
        paid_fee=Decimal(row["paid_fee"]),
        error=row["error"],
        correlation_id=row["correlation_id"],
        source=row["source"],
    )


def _fill(row: sqlite3.Row) -> OrderFill:
    return OrderFill(
        trade_id=row["trade_id"],
        identifier=row["identifier"],
        market=row["market"],
        side=OrderSide(row["side"]),
        price=Decimal(row["price"]),
        volume=Decimal(row["volume"]),
        fee=Decimal(row["fee"]),
        at=utc_from_text(row["at"]),
        source=FillSource(row["source"]),
    )


def _append_event(conn: SqlConnection, values: dict[str, Any], detail: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO order_journal_events (identifier, at, state, source, detail) VALUES (?, ?, ?, ?, ?)",
        (
            values["identifier"],
            values["updated_at"],
            values["state"],
            values["source"],
            json.dumps(detail, ensure_ascii=False, sort_keys=True),
        ),
    )


class SqliteOrderJournal:
    """The order journal of the active profile (strategies database)."""

    def __init__(self, session: DatabaseSession) -> None:
        self._session = session

    def _db(self) -> SqliteDatabase:
        return self._session.strategies

    def record_intent(self, order: JournalOrder) -> None:
        values = _values(order)
        with self._db().transaction() as conn:
            if conn.execute(
                "SELECT 1 FROM order_journal WHERE identifier = ?", (order.identifier,)
            ).fetchone():
                # Upbit refuses a reused identifier even after a failed request; so do we.
                raise ConflictError(f"Order identifier {order.identifier!r} is already in the journal")
            self._refuse_uuid_of_another(conn, order)
            conn.execute(
                f"INSERT INTO order_journal ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                tuple(values[c] for c in _COLUMNS),
            )
            _append_event(conn, values, {c: values[c] for c in _COLUMNS if c != "identifier"})

    def update(self, order: JournalOrder) -> None:
        """Store a newer state. A final entry is not moved to another state (a late reply from another
        thread must not undo a fill); the history row records only the columns that changed."""
        values = _values(order)
        with self._db().transaction() as conn:
            row = conn.execute(
                "SELECT * FROM order_journal WHERE identifier = ?", (order.identifier,)
            ).fetchone()
            if row is None:
                raise NotFoundError(
                    f"Order {order.identifier!r} is not in the journal; record its intent first"
                )
            changed_identity = [c for c in _IDENTITY if row[c] != values[c]]
            if changed_identity:
                raise ConflictError(
                    f"Order {order.identifier!r} cannot change {', '.join(changed_identity)} in the journal"
                )
            stored = JournalState(row["state"])
            if stored.is_final and order.state is not stored:
                raise JournalTransitionError(
                    f"order {order.identifier} is {stored.value}; it cannot become {order.state.value}"
                )
            self._refuse_uuid_of_another(conn, order)
            conn.execute(
                f"UPDATE order_journal SET {', '.join(f'{c} = ?' for c in _MUTABLE)} WHERE identifier = ?",
                (*(values[c] for c in _MUTABLE), order.identifier),
            )
            changes = {c: values[c] for c in _MUTABLE if row[c] != values[c] and c != "updated_at"}
            _append_event(conn, values, changes)

    @staticmethod
    def _refuse_uuid_of_another(conn: SqlConnection, order: JournalOrder) -> None:
        if order.uuid is None:
            return
        other = conn.execute(
            "SELECT identifier FROM order_journal WHERE uuid = ? AND identifier != ?",
            (order.uuid, order.identifier),
        ).fetchone()
        if other:
            raise ConflictError(
                f"Exchange order {order.uuid} is already journaled as {other['identifier']!r}, "
                f"not {order.identifier!r}"
            )

    def add_fill(self, fill: OrderFill) -> bool:
        with self._db().transaction() as conn:
            if conn.execute("SELECT 1 FROM order_fills WHERE trade_id = ?", (fill.trade_id,)).fetchone():
                return False
            if not conn.execute(
                "SELECT 1 FROM order_journal WHERE identifier = ?", (fill.identifier,)
            ).fetchone():
                raise NotFoundError(
                    f"Fill {fill.trade_id} belongs to order {fill.identifier!r}, which is not in the journal"
                )
            conn.execute(
                "INSERT INTO order_fills (trade_id, identifier, market, side, price, volume, fee, at, source,"
                " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    fill.trade_id, fill.identifier, fill.market, fill.side.value, str(fill.price),
                    str(fill.volume), str(fill.fee), utc_text(fill.at), fill.source.value,
                    utc_text(datetime.now(UTC)),
                ),
            )  # fmt: skip
        return True

    def get(self, identifier: str) -> JournalOrder | None:
        row = (
            self._db()
            .connection()
            .execute("SELECT * FROM order_journal WHERE identifier = ?", (identifier,))
            .fetchone()
        )
        return None if row is None else _order(row)

    def orders(
        self, session_id: str | None = None, *, unfinished_only: bool = False, market: str | None = None
    ) -> list[JournalOrder]:
        where: list[str] = []
        params: list[Any] = []
        if session_id is not None:
            where.append("session_id = ?")
            params.append(session_id)
        if market is not None:
            where.append("market = ?")
            params.append(market)
        if unfinished_only:
            unfinished = [s.value for s in JournalState if not s.is_final]
            where.append(f"state IN ({', '.join('?' * len(unfinished))})")
            params.extend(unfinished)
        sql = "SELECT * FROM order_journal"
        if where:
            sql += " WHERE " + " AND ".join(where)
        # rowid breaks ties between entries created in the same microsecond: insertion order
        rows = self._db().connection().execute(sql + " ORDER BY created_at, rowid", params).fetchall()
        return [_order(r) for r in rows]

    def fills(self, session_id: str | None = None, *, identifier: str | None = None) -> list[OrderFill]:
        where: list[str] = []
        params: list[Any] = []
        if session_id is not None:
            where.append("o.session_id = ?")
            params.append(session_id)
        if identifier is not None:
            where.append("f.identifier = ?")
            params.append(identifier)
        sql = "SELECT f.* FROM order_fills f JOIN order_journal o ON o.identifier = f.identifier"
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self._db().connection().execute(sql + " ORDER BY f.at, f.rowid", params).fetchall()
        return [_fill(r) for r in rows]

    def record_refusal(self, refusal: OrderRefusal) -> None:
        with self._db().transaction() as conn:
            conn.execute(
                "INSERT INTO order_refusals (session_id, market, decided_bar, kind, detail, at) VALUES (?,?,?,?,?,?)",
                (refusal.session_id, refusal.market, refusal.decided_bar, refusal.kind.value, refusal.detail[:500],
                 utc_text(refusal.at)),
            )  # fmt: skip

    def refusals(self, session_id: str, *, market: str | None = None) -> list[OrderRefusal]:
        sql = "SELECT * FROM order_refusals WHERE session_id = ?"
        params: list[Any] = [session_id]
        if market is not None:
            sql += " AND market = ?"
            params.append(market)
        rows = self._db().connection().execute(sql + " ORDER BY at, id", params).fetchall()
        return [
            OrderRefusal(r["session_id"], r["market"], r["decided_bar"], RefusalKind(r["kind"]), r["detail"],
                         utc_from_text(r["at"]))  # fmt: skip
            for r in rows
        ]

    def history(self, identifier: str) -> list[dict[str, Any]]:
        """Every intent/update row of one order, oldest first: ``id``, ``identifier``, ``at`` (datetime),
        ``state`` (JournalState), ``source`` and ``detail`` (the columns written, decoded from JSON)."""
        rows = (
            self._db()
            .connection()
            .execute("SELECT * FROM order_journal_events WHERE identifier = ? ORDER BY id", (identifier,))
            .fetchall()
        )
        return [
            {
                "id": r["id"],
                "identifier": r["identifier"],
                "at": utc_from_text(r["at"]),
                "state": JournalState(r["state"]),
                "source": r["source"],
                "detail": json.loads(r["detail"]),
            }
            for r in rows
        ]
