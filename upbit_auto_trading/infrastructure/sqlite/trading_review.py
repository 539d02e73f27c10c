"""ReviewList over ``manual_review`` in the active profile's strategies database.

Reconciliation runs at every start and finds the same unexplained order again; an identical open item
(kind, market, identifier, detail) is therefore stored once (a partial unique index backs this up).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from upbit_auto_trading.application.errors import NotFoundError
from upbit_auto_trading.domain.trading.review import ReviewItem, ReviewKind
from upbit_auto_trading.infrastructure.sqlite.database import SqliteDatabase
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession
from upbit_auto_trading.infrastructure.sqlite.trading_journal import utc_from_text, utc_text


def _item(row: sqlite3.Row) -> ReviewItem:
    return ReviewItem(
        item_id=row["item_id"],
        kind=ReviewKind(row["kind"]),
        market=row["market"],
        detail=row["detail"],
        created_at=utc_from_text(row["created_at"]),
        session_id=row["session_id"],
        identifier=row["identifier"],
        resolved_at=None if row["resolved_at"] is None else utc_from_text(row["resolved_at"]),
        resolution=row["resolution"],
    )


class SqliteReviewList:
    """The manual-review list of the active profile. Every write is one transaction."""

    def __init__(self, session: DatabaseSession) -> None:
        self._session = session

    def _db(self) -> SqliteDatabase:
        return self._session.strategies

    def add(self, item: ReviewItem) -> ReviewItem:
        """The stored item with its id; ``item.item_id`` is ignored (the database numbers items)."""
        created = utc_text(item.created_at)
        resolved = None if item.resolved_at is None else utc_text(item.resolved_at)
        with self._db().transaction() as conn:
            if resolved is None:
                existing = conn.execute(
                    "SELECT * FROM manual_review WHERE kind = ? AND market = ? AND identifier = ? AND detail = ?"
                    " AND resolved_at IS NULL",
                    (item.kind.value, item.market, item.identifier, item.detail),
                ).fetchone()
                if existing is not None:
                    return _item(existing)
            cur = conn.execute(
                "INSERT INTO manual_review (kind, market, detail, created_at, session_id, identifier, resolved_at,"
                " resolution) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    item.kind.value, item.market, item.detail, created, item.session_id, item.identifier,
                    resolved, item.resolution,
                ),
            )  # fmt: skip
            row = conn.execute("SELECT * FROM manual_review WHERE item_id = ?", (cur.lastrowid,)).fetchone()
        return _item(row)

    def items(self, *, open_only: bool = True) -> list[ReviewItem]:
        sql = "SELECT * FROM manual_review"
        if open_only:
            sql += " WHERE resolved_at IS NULL"
        return [_item(r) for r in self._db().connection().execute(sql + " ORDER BY item_id").fetchall()]

    def resolve(self, item_id: int, resolution: str, at: datetime) -> ReviewItem:
        """Close an item. Resolving a closed item again keeps its first resolution (two windows may both
        resolve it) and returns it unchanged."""
        resolved = utc_text(at)
        with self._db().transaction() as conn:
            conn.execute(
                "UPDATE manual_review SET resolved_at = ?, resolution = ? WHERE item_id = ? AND resolved_at IS NULL",
                (resolved, resolution, int(item_id)),
            )
            row = conn.execute("SELECT * FROM manual_review WHERE item_id = ?", (int(item_id),)).fetchone()
            if row is None:
                raise NotFoundError(f"Review item {item_id} does not exist")
        return _item(row)

    def blocked_markets(self) -> frozenset[str]:
        rows = (
            self._db()
            .connection()
            .execute("SELECT DISTINCT market FROM manual_review WHERE resolved_at IS NULL")
            .fetchall()
        )
        return frozenset(r["market"] for r in rows)
